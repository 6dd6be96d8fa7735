"""The public, plain-text announcement of a series' coming week, and the pages where the
audience signs up for email, confirms, changes what it gets and leaves.

The pages of a subscriber are reached only through signed links; they never show the
address. A GET never changes anything (mail scanners follow links): each change is a POST.
"""

from axes.helpers import get_client_ip_address
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from seminars.mail import subscriptions, tokens
from seminars.mail.compose import week_announcement
from seminars.mail.forms import ChoicesForm, SignupForm
from seminars.mail.schedule import coming_week, week_talks
from seminars.models import EventType, Series


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


@method_decorator(sensitive_post_parameters("email"), name="dispatch")
class SignupView(FormView):
    """Serve /subscribe/email/: sign up for the talks by email (then confirm by mail)."""

    form_class = SignupForm
    template_name = "seminars/email_signup.html"

    def get_initial(self):
        """Tick the series and types the link came with (?series=slug&tag=slug)."""
        series_slugs = self.request.GET.getlist("series")[:20]
        tag_slugs = self.request.GET.getlist("tag")[:20]
        return {
            "series": Series.objects.filter(slug__in=series_slugs),
            "event_types": EventType.objects.filter(slug__in=tag_slugs),
            "everything": not (series_slugs or tag_slugs),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            subscriptions.request_subscription(
                data["email"],
                everything=data["everything"],
                series=data["series"],
                event_types=data["event_types"],
                frequency=data["frequency"],
                # The address the admin's login limits use too (behind a proxy, from
                # X-Forwarded-For when BEHIND_TLS_PROXY is on).
                client=get_client_ip_address(self.request) or "",
            )
        except subscriptions.TooManySignups:
            response = self.render_to_response(self.get_context_data(form=form, too_many=True))
            response.status_code = 429
            return response
        return redirect("seminars:email-signup-sent")


class SignupSentView(TemplateView):
    """Serve the page that says to look for the confirmation mail (the same for any address)."""

    template_name = "seminars/email_signup_sent.html"


class SubscriberLinkMixin:
    """Find the subscriber of the signed link in the URL; answer 404 when there is none."""

    salt = tokens.MANAGE_SALT

    def dispatch(self, request, *args, **kwargs):
        self.subscriber = tokens.subscriber_for_token(kwargs["token"], self.salt)
        if self.subscriber is None:
            return TemplateResponse(
                request, "seminars/email_link_invalid.html", {"salt": self.salt}, status=404
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        token = tokens.manage_token(self.subscriber)
        return super().get_context_data(
            manage_url=reverse("seminars:email-manage", args=[token]),
            unsubscribe_url=reverse("seminars:email-unsubscribe", args=[token]),
            **kwargs,
        )


class ConfirmView(SubscriberLinkMixin, TemplateView):
    """Serve /subscribe/email/confirm/<token>/: a button that confirms the address (POST)."""

    salt = tokens.CONFIRM_SALT
    template_name = "seminars/email_confirm.html"

    def post(self, request, *args, **kwargs):
        subscriptions.confirm_subscription(self.subscriber)
        return self.render_to_response(self.get_context_data(confirmed=True))


class ManageView(SubscriberLinkMixin, FormView):
    """Serve /subscribe/email/manage/<token>/: change what and how often, or leave."""

    form_class = ChoicesForm
    template_name = "seminars/email_manage.html"

    def get_initial(self):
        return {
            "everything": self.subscriber.everything,
            "series": self.subscriber.series.all(),
            "event_types": self.subscriber.event_types.all(),
            "frequency": self.subscriber.frequency,
        }

    def form_valid(self, form):
        subscriptions.set_choices(self.subscriber, **form.cleaned_data)
        return self.render_to_response(self.get_context_data(form=form, saved=True))


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(SubscriberLinkMixin, TemplateView):
    """Serve /subscribe/email/unsubscribe/<token>/: GET shows a button; a POST, from it or
    from a mailbox's one-click button (RFC 8058, without cookies or CSRF token: the signed
    link is the proof), deletes the subscription at once."""

    template_name = "seminars/email_unsubscribe.html"

    def post(self, request, *args, **kwargs):
        subscriptions.unsubscribe(self.subscriber)
        return TemplateResponse(request, "seminars/email_unsubscribed.html", {})
