"""The public, plain-text announcement of a series' coming week."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from seminars.mail.compose import coming_week, week_announcement
from seminars.mail.send import week_talks
from seminars.models import Series


class SeriesAnnouncementView(SingleObjectMixin, View):
    """Serve /series/<slug>/announcement.txt: the coming week's public talks of the series
    (Monday to Sunday in its timezone), as the week's announcement says them."""

    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return Series.objects.with_public_talks()

    def get(self, request, *args, **kwargs):
        series = self.get_object()
        now = timezone.now()
        week_start = coming_week(series, now)
        talks = list(week_talks(series, week_start))
        message = week_announcement(series, week_start, talks, now)
        return HttpResponse(message.text, content_type="text/plain; charset=utf-8")
