from functools import cached_property

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView

from seminars.filters import HAS_CHOICES, UnknownFilterError, normalise, resolve_material_kinds
from seminars.http.conditional import cacheable
from seminars.http.pagecache import visitor
from seminars.models import EventType, Series, Talk, Venue
from seminars.pages.archive import ArchiveYears
from seminars.pages.jsonld import as_script_content, talk_event
from seminars.pages.mixins import RenamedSlugRedirectMixin, TalksOfObjectMixin, paginate
from seminars.pages.search import MAX_QUERY_LENGTH, search_talks

RECENT_PAST_ON_HOME = 5
UPCOMING_ON_HOME = 10


class PublicTalksMixin:
    """Own the talks a view lists: every public page starts from Talk.objects.public()."""

    def get_queryset(self):
        return Talk.objects.public().with_speakers()


@cacheable
class HomeView(PublicTalksMixin, TemplateView):
    """The site's page: each series' next talk (the next talk when there is one series),
    then the other upcoming talks and the recent ones."""

    template_name = "seminars/home.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        talks = self.get_queryset()
        next_talks = list(talks.next_in_each_series(now))
        upcoming = talks.upcoming(now).exclude(pk__in=[talk.pk for talk in next_talks])
        return super().get_context_data(
            next_talks=next_talks,
            upcoming_talks=upcoming[:UPCOMING_ON_HOME],
            recent_talks=talks.past(now)[:RECENT_PAST_ON_HOME],
            **kwargs,
        )


@cacheable
class NextTalkView(PublicTalksMixin, TemplateView):
    """Redirect to the next talk; say so plainly when nothing is scheduled."""

    template_name = "seminars/no_next_talk.html"

    def get(self, request, *args, **kwargs):
        next_talk = self.get_queryset().next_talk()
        if next_talk is not None:
            return redirect(next_talk)
        return super().get(request, *args, **kwargs)


@cacheable
class TalkDetailView(RenamedSlugRedirectMixin, DetailView):
    def get_queryset(self):
        # Staff preview drafts of their series from the admin's "view on site".
        return Talk.objects.visible_to(visitor(self.request)).with_speakers().with_materials()

    def get_context_data(self, **kwargs):
        talk = self.object
        now = timezone.now()
        public_from = talk.online_url_public_from()
        return super().get_context_data(
            json_ld=as_script_content(talk_event(talk)),
            is_happening=talk.is_happening(now),
            online_url=talk.online_url_for_public(now),
            online_link_pending=public_from is not None and now < public_from,
            online_link_minutes=settings.ONLINE_LINK_MINUTES_BEFORE,
            rescheduled_from=talk.rescheduled_from(now),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            patch_cache_control(response, private=True, no_cache=True)
            response["X-Robots-Tag"] = "noindex"
        return response


@cacheable
class ArchiveView(PublicTalksMixin, ListView):
    template_name = "seminars/archive.html"
    paginate_by = 20
    allow_empty = True

    def get_queryset(self):
        talks = super().get_queryset().past().with_material_markers()
        return talks.having_material(self.has) if self.has else talks

    @property
    def has(self) -> list[str]:
        """Return the material kinds ?has= asks for; another value is a 404."""
        try:
            return resolve_material_kinds(normalise(self.request.GET.getlist("has")))
        except UnknownFilterError as error:
            raise Http404(str(error)) from error

    @cached_property
    def archive_years(self) -> ArchiveYears:
        return ArchiveYears.of(Talk.objects.public().past())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            years=self.archive_years.years,
            has=self.has,
            has_choices=HAS_CHOICES,
            **kwargs,
        )


class ArchiveYearView(ArchiveView):
    allow_empty = False

    def get_queryset(self):
        return self.archive_years.talks_in(super().get_queryset(), int(self.kwargs["year"]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.kwargs["year"], **kwargs)


@cacheable
class SeriesListView(ListView):
    template_name = "seminars/series_list.html"

    def get_queryset(self):
        public = Q(talks__in=Talk.objects.public())
        return (
            Series.objects.with_public_talks()
            .annotate(
                public_talk_count=Count("talks", filter=public),
                upcoming_talk_count=Count(
                    "talks", filter=public & Q(talks__end__gt=timezone.now())
                ),
            )
            .order_by("name")
        )


@cacheable
class SeriesDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    def get_queryset(self):
        return Series.objects.with_public_talks()


@cacheable
class EventTypeDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    template_name = "seminars/eventtype_detail.html"

    def get_queryset(self):
        return EventType.objects.with_public_talks()


@cacheable
class EventTypeListView(ListView):
    template_name = "seminars/eventtype_list.html"

    def get_queryset(self):
        return EventType.objects.with_public_talk_counts().order_by("name")


@cacheable
class VenueListView(ListView):
    template_name = "seminars/venue_list.html"

    def get_queryset(self):
        public = Q(talks__in=Talk.objects.public())
        return (
            Venue.objects.with_public_talks()
            .annotate(
                upcoming_talk_count=Count(
                    "talks", filter=public & Q(talks__end__gt=timezone.now())
                ),
            )
            .order_by("name")
        )


@cacheable
class VenueDetailView(RenamedSlugRedirectMixin, TalksOfObjectMixin, DetailView):
    template_name = "seminars/venue_detail.html"

    def get_queryset(self):
        return Venue.objects.with_public_talks()


@cacheable
class SearchView(PublicTalksMixin, TemplateView):
    template_name = "seminars/search.html"

    def get_context_data(self, **kwargs):
        query = " ".join(self.request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        results = search_talks(self.get_queryset(), query) if query else None
        return super().get_context_data(
            query=query,
            page_obj=paginate(self.request, results) if results is not None else None,
            **kwargs,
        )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Allow: /",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)
