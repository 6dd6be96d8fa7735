from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils._os import safe_join
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
    # The same for every anonymous visitor: the page cache may store it. Declared by the
    # attribute that seminars.http.conditional.cacheable sets, as speakers imports no seminars.
    cacheable = True
    template_name = "speakers/speaker_list.html"

    def get_queryset(self):
        speakers = Speaker.objects.with_public_talks().select_related("affiliation")
        return sorted(speakers, key=lambda speaker: (speaker.sort_letter, speaker.sort_name))


class SpeakerDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    cacheable = True

    def get_queryset(self):
        return Speaker.objects.with_public_talks().select_related("affiliation")


class AffiliationDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    cacheable = True

    def get_queryset(self):
        return Affiliation.objects.with_public_talks()

    def talks_of_object(self):
        talks = talk_model().objects.public()
        return talks.filter(
            pk__in=talks.filter(talk_speakers__affiliation=self.object).values("pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            speakers=Speaker.objects.with_public_talks().filter(affiliation=self.object),
            **kwargs,
        )


PHOTO_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def media_file(request, path: str):
    """Serve an uploaded speaker photo: only images under speakers/, with their own type.

    Uploads are re-encoded images, so nothing else should ever be there; anything else
    (a traversal, another extension) is a 404 rather than a file served as-is.
    """
    folder, _, name = path.partition("/")
    suffix = PurePosixPath(name).suffix.lower()
    if folder != "speakers" or suffix not in PHOTO_CONTENT_TYPES:
        raise Http404("No such file.")
    try:
        full_path = Path(safe_join(Path(settings.MEDIA_ROOT) / folder, name))
    except SuspiciousFileOperation as error:
        raise Http404("No such file.") from error
    if not full_path.is_file():
        raise Http404("No such file.")
    response = FileResponse(full_path.open("rb"), content_type=PHOTO_CONTENT_TYPES[suffix])
    response["Cache-Control"] = "public, max-age=86400"
    return response
