"""What the public pages that list talks share: paging, old slugs, an object's talks."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone

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
