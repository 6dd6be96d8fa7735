from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from speakers.models import Affiliation, Speaker, talk_model
from speakers.services import find_renamed

TALKS_PER_PAGE = 20


def paginate(request, items, per_page: int = TALKS_PER_PAGE):
    """Return the page of `items` that ?page= asks for; a junk or missing page is a 404."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page", 1))
    except InvalidPage as error:
        raise Http404("No such page.") from error


class RenamedSlugRedirectMixin:
    """Answer an object's old slug with a permanent redirect to its current URL."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            renamed = find_renamed(self.get_queryset(), self.kwargs[self.slug_url_kwarg])
            if renamed is None:
                raise
            return HttpResponsePermanentRedirect(renamed.get_absolute_url())


class TalksOfObjectMixin:
    """Add the object's public talks: all upcoming ones, and the past ones a page at a time."""

    def talks_of_object(self):
        return self.object.talks.public()

    def get_context_data(self, **kwargs):
        now = timezone.now()
        talks = self.talks_of_object().with_speakers()
        return super().get_context_data(
            upcoming_talks=talks.upcoming(now),
            past_page=paginate(self.request, talks.past(now)),
            **kwargs,
        )


class SpeakerListView(ListView):
    template_name = "speakers/speaker_list.html"

    def get_queryset(self):
        speakers = Speaker.objects.with_public_talks().select_related("affiliation")
        return sorted(speakers, key=lambda speaker: (speaker.sort_letter, speaker.sort_name))


class SpeakerDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    def get_queryset(self):
        return Speaker.objects.with_public_talks().select_related("affiliation")


class AffiliationDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    def get_queryset(self):
        return Affiliation.objects.with_public_talks()

    def talks_of_object(self):
        return talk_model().objects.public().filter(talk_speakers__affiliation=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            speakers=Speaker.objects.with_public_talks().filter(affiliation=self.object),
            **kwargs,
        )
