"""Talk lists for other sites' pages, and the page that explains how to embed them.

Only the lists (/embed/upcoming/, /embed/past/) may be framed by other sites: they drop
X-Frame-Options and send `frame-ancestors *`. Every other page, the /embed/ help page
included, keeps X-Frame-Options: DENY and `frame-ancestors 'none'` (config/settings.py).
"""

import dataclasses

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from seminars.api.listing import (
    MAX_LIMIT,
    BadParameterError,
    Paging,
    TalkListQuery,
    parse_number,
    query_string,
    select_talks,
)
from seminars.filters import UnknownFilterError, public_event_types, public_series, public_venues
from seminars.site_url import absolute_url

CACHE_MAX_AGE = 5 * 60
# What the /embed/ page suggests: a department page shows a handful of talks.
SUGGESTED_LIMIT = 5
FRAMEABLE_BY_ANY_SITE = [
    xframe_options_exempt,
    csp_replace({"frame-ancestors": ["*"]}),
]


class ParsedQueryMixin:
    """Read the query string first; a value that is not understood answers 400 (plain text)."""

    def parse(self) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        try:
            self.parse()
        except BadParameterError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return super().get(request, *args, **kwargs)


@method_decorator(FRAMEABLE_BY_ANY_SITE, name="dispatch")
class EmbedTalksView(ParsedQueryMixin, TemplateView):
    """A compact list of talks for an <iframe>: ?series=&tag=&speaker=&from=&to=&limit=.

    A slug that names nothing public shows an empty list rather than an error: the page
    that embeds it should not show a broken frame when a series is renamed away or ends.
    """

    template_name = "embed/talks.html"
    when = "upcoming"

    def parse(self) -> None:
        self.query = dataclasses.replace(TalkListQuery.from_query(self.request.GET), when=self.when)
        self.paging = Paging.from_query(self.request.GET)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
        return response

    def get_context_data(self, **kwargs):
        try:
            talk_list = select_talks(self.query, timezone.now())
        except UnknownFilterError:
            talks, name, page_path = [], settings.SITE_NAME, None
        else:
            talks = talk_list.talks[: self.paging.limit]
            name, page_path = talk_list.filters.name(), talk_list.filters.page_path()
        fallback = "seminars:home" if self.when == "upcoming" else "seminars:archive"
        return super().get_context_data(
            talks=talks,
            name=name,
            when=self.when,
            more_url=absolute_url(page_path or reverse(fallback)),
            **kwargs,
        )


class EmbedHelpView(ParsedQueryMixin, TemplateView):
    """/embed/: pick a series, a type of event or a place, see the list live, copy an
    <iframe> or a <script>."""

    template_name = "seminars/embed_help.html"

    def parse(self) -> None:
        self.query = TalkListQuery.from_query(self.request.GET)
        self.limit = parse_number(
            self.request.GET, "limit", default=SUGGESTED_LIMIT, maximum=MAX_LIMIT
        )

    def get_context_data(self, **kwargs):
        filters = dataclasses.replace(self.query, when="upcoming")
        pairs = [*filters.pairs(), ("limit", str(self.limit))]
        embed_path = reverse("seminars:embed-upcoming") + query_string(pairs)
        api_path = reverse("seminars:api-talk-list") + query_string(pairs)
        return super().get_context_data(
            series_list=public_series().order_by("name"),
            event_types=public_event_types().order_by("name"),
            venues=public_venues().order_by("name"),
            chosen=self.query.filters,
            limit=self.limit,
            max_limit=MAX_LIMIT,
            embed_path=embed_path,
            embed_url=absolute_url(embed_path),
            api_path=api_path,
            api_url=absolute_url(api_path),
            # Unhashed, so that pasted snippets keep working when embed.js changes.
            script_url=absolute_url(settings.STATIC_URL + "embed.js"),
            frame_script_url=absolute_url(settings.STATIC_URL + "embed-frame.js"),
            **kwargs,
        )
