"""The read-only JSON API (docs/api.md): talks, series and speakers, public data only.

Each response's ETag and Last-Modified come from the release and the site's content version
(and, for lists of upcoming or past talks, from the last and next moments a talk ends:
seminars/http/conditional.py), so a repeated request is answered 304 after one or two
queries, before anything is looked up. Any site may read the API from a browser (CORS `*`).
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt

from seminars.api.listing import (
    PAGING_PARAMETERS,
    TALK_LIST_PARAMETERS,
    BadParameterError,
    Paging,
    QueryParameter,
    TalkListQuery,
    query_string,
    select_talks,
)
from seminars.api.serialisers import (
    SeriesData,
    SpeakerData,
    TalkData,
    series_data,
    speaker_data,
    talk_data,
)
from seminars.filters import (
    SHOWN_SLUG_LENGTH,
    UnknownFilterError,
    find_public_talk,
    public_series,
    public_speakers,
    resolve_slugs,
)
from seminars.http.conditional import ConditionalView, Window, strong_etag
from seminars.models import Talk


class ApiError(Exception):
    """A request the API answers with an error naming the parameter at fault."""

    def __init__(self, status: int, parameter: str, message: str):
        super().__init__(message)
        self.status = status
        self.parameter = parameter

    def response(self) -> JsonResponse:
        return json_response({"error": str(self), "parameter": self.parameter}, status=self.status)


def json_response(
    data: dict, headers: dict[str, str] | None = None, status: int = 200
) -> JsonResponse:
    """Return `data` as UTF-8 JSON."""
    return JsonResponse(
        data, json_dumps_params={"ensure_ascii": False}, headers=headers, status=status
    )


class ApiView(ConditionalView):
    """A read-only JSON resource: validators from the content version, public caching, CORS,
    and errors as JSON. Subclasses parse their query, name the resource and build its data."""

    max_age = 5 * 60
    # Whether the data changes when a talk ends (lists of upcoming or past talks).
    changes_with_time = False
    # What /api/openapi.json says of it (seminars/api/openapi.py): the query parameters it
    # reads and the type of its data (a list's items, for an ApiListView).
    query_parameters: tuple[QueryParameter, ...] = ()
    data_type: type = dict
    data: dict | None = None  # made before a conditional answer when it must be (ensure_exists)

    @classmethod
    def as_view(cls, **initkwargs):
        # Read-only: no method that changes anything is allowed (405), so there is nothing
        # for CSRF to protect, and an unknown method must not be answered 403 as if it were.
        return csrf_exempt(super().as_view(**initkwargs))

    def parse(self) -> None:
        """Read the query string (raise BadParameterError); nothing else may be looked up."""

    def get_data(self) -> dict:
        """Return the data to answer with; raise ApiError for what does not exist."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BadParameterError as error:
            response = ApiError(400, error.parameter, str(error)).response()
        except ApiError as error:
            response = error.response()
        # Read-only public data: any web page may fetch it, and read its ETag.
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        return response

    def options(self, request, *args, **kwargs):
        response = super().options(request, *args, **kwargs)
        # A preflight asks before a script sends its own If-None-Match.
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match"
        response["Access-Control-Max-Age"] = str(24 * 60 * 60)
        return response

    def get(self, request, *args, **kwargs):
        self.parse()
        return super().get(request, *args, **kwargs)

    def window(self) -> Window:
        if not self.changes_with_time:
            return None, None
        return Talk.objects.public().moments_around(timezone.now(), fields=("end",))

    def ensure_exists(self) -> None:
        # A 304 or 412 says the resource exists. Only the ETag a 200 gave for it in this
        # content version proves that; `If-None-Match: *` or a date does not (RFC 9110
        # §13.1.2), so the data is made first (and kept for the 200), and a 404 or 400 stays.
        if not self.client_has_current_etag():
            self.data = self.get_data()

    def client_has_current_etag(self) -> bool:
        offered = parse_etags(self.request.headers.get("If-None-Match", ""))
        return strong_etag(self.digest) in {etag.removeprefix("W/") for etag in offered}

    def build(self) -> JsonResponse:
        return json_response(self.data if self.data is not None else self.get_data())


class ApiListView(ApiView):
    """A paginated list: {"count", "next", "previous", "results"}."""

    query_parameters = PAGING_PARAMETERS

    def parse(self) -> None:
        self.paging = Paging.from_query(self.request.GET)

    def query_pairs(self) -> list[tuple[str, str]]:
        """Return the list's own query (without page and limit) as canonical pairs."""
        return []

    def resource_key(self) -> str:
        return self.request.path + query_string(self.query_pairs() + self.paging.pairs())

    def get_queryset(self):
        raise NotImplementedError

    def item_data(self, item) -> dict:
        raise NotImplementedError

    def page_url(self, number: int) -> str:
        pairs = self.query_pairs() + self.paging.pairs(number)
        return settings.SITE_URL + self.request.path + query_string(pairs)

    def get_data(self) -> dict:
        paginator = Paginator(self.get_queryset(), self.paging.limit)
        try:
            page = paginator.page(self.paging.page)
        except EmptyPage:
            message = f"There is no page {self.paging.page}; the last is {paginator.num_pages}."
            raise ApiError(404, "page", message) from None
        return {
            "count": paginator.count,
            "next": self.page_url(page.next_page_number()) if page.has_next() else None,
            "previous": (
                self.page_url(page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [self.item_data(item) for item in page.object_list],
        }


class TalkListApiView(ApiListView):
    """/api/talks/: public talks, filtered as the calendar feeds are, a page at a time."""

    query_parameters = TALK_LIST_PARAMETERS
    data_type = TalkData

    def parse(self) -> None:
        super().parse()
        self.query = TalkListQuery.from_query(self.request.GET)
        self.changes_with_time = self.query.when != "all"

    def query_pairs(self) -> list[tuple[str, str]]:
        return self.query.pairs()

    def get_queryset(self):
        try:
            return select_talks(self.query, timezone.now()).talks.with_materials()
        except UnknownFilterError as error:
            raise ApiError(404, error.parameter, str(error)) from error

    def item_data(self, item) -> dict:
        return talk_data(item)


class SeriesListApiView(ApiListView):
    """/api/series/: the series with public talks, by name."""

    data_type = SeriesData

    def get_queryset(self):
        return public_series().order_by("name", "pk")

    def item_data(self, item) -> dict:
        return series_data(item)


class TalkDetailApiView(ApiView):
    """/api/talks/<slug>/: one public talk (an old slug still finds it)."""

    data_type = TalkData

    def resource_key(self) -> str:
        return f"talk/{self.kwargs['slug']}"

    def get_data(self) -> dict:
        slug = self.kwargs["slug"]
        talk = find_public_talk(slug, Talk.objects.public().with_speakers().with_materials())
        if talk is None:
            raise ApiError(404, "slug", f"There is no public talk “{slug[:SHOWN_SLUG_LENGTH]}”.")
        return talk_data(talk)


class SpeakerDetailApiView(ApiView):
    """/api/speakers/<slug>/: one speaker with public talks (an old slug still finds them)."""

    data_type = SpeakerData

    def resource_key(self) -> str:
        return f"speaker/{self.kwargs['slug']}"

    def get_data(self) -> dict:
        speakers = public_speakers().select_related("affiliation")
        try:
            (speaker,) = resolve_slugs(speakers, [self.kwargs["slug"]], "speaker")
        except UnknownFilterError as error:
            raise ApiError(404, "slug", str(error)) from error
        return speaker_data(speaker)
