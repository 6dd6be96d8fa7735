"""What a list of talks shows, for the JSON API and the embeds: the calendar feed's filters
(FilterQuery), a time span (when=, from=, to=) and a page (page=, limit=).

Parsing is strict: a value that is not understood raises BadParameterError naming the
parameter, so that a typo answers 400 instead of quietly showing other talks.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from seminars.filters import FILTER_KINDS, HAS_CHOICES, FilterQuery, TalkFilters
from seminars.models import TalkQuerySet

WHEN_CHOICES = ("upcoming", "past", "all")
DEFAULT_WHEN = "upcoming"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_PAGE = 10**9 - 1  # nine digits (NUMBER_PATTERN)
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NUMBER_PATTERN = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class QueryParameter:
    """A query parameter an API list reads, as /api/openapi.json describes it."""

    name: str
    description: str
    schema: dict
    repeatable: bool = False


SLUG_SCHEMA = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 255}
# A blank value is the same as none (the embed form sends series= for "every series").
BLANK_OR_SLUG_SCHEMA = {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$", "maxLength": 255}
BLANK_OR_DATE_SCHEMA = {
    "type": "string",
    "anyOf": [{"format": "date"}, {"maxLength": 0}],
    "pattern": r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$",
    "description": "YYYY-MM-DD; blank is the same as none.",
}
# What /api/openapi.json says of each filter that FilterQuery reads (FILTER_KINDS, where the
# filters are declared): one missing here fails at import, so the schema lists them all.
FILTER_DESCRIPTIONS = {
    "series": ("Series slugs (any of them).", BLANK_OR_SLUG_SCHEMA),
    "tag": ("Event type slugs (any of them).", BLANK_OR_SLUG_SCHEMA),
    "speaker": ("Speaker slugs (any of them).", BLANK_OR_SLUG_SCHEMA),
    "venue": ("Venue slugs (any of them).", BLANK_OR_SLUG_SCHEMA),
    "has": (
        "Only talks with slides or a recording (either, when both).",
        {"type": "string", "enum": ["", *map(str, HAS_CHOICES)]},
    ),
}
FILTER_PARAMETERS = tuple(
    QueryParameter(kind.parameter, *FILTER_DESCRIPTIONS[kind.parameter], repeatable=True)
    for kind in FILTER_KINDS
)
PAGING_PARAMETERS = (
    QueryParameter("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    QueryParameter(
        "limit",
        "Items a page.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
)
TALK_LIST_PARAMETERS = (
    *FILTER_PARAMETERS,
    QueryParameter(
        "when",
        "Upcoming (soonest first), past (latest first) or all (by date).",
        {"type": "string", "enum": ["", *WHEN_CHOICES], "default": DEFAULT_WHEN},
    ),
    QueryParameter("from", "First day (site time), YYYY-MM-DD.", BLANK_OR_DATE_SCHEMA),
    QueryParameter(
        "to", "Last day (site time), YYYY-MM-DD, not before `from`.", BLANK_OR_DATE_SCHEMA
    ),
    *PAGING_PARAMETERS,
)


class BadParameterError(ValueError):
    """A query parameter holds a value that is not understood."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def single_value(query: QueryDict, name: str) -> str:
    """Return the value of `name` in `query`, stripped ("" when absent or blank);
    raise BadParameterError when it is given more than once."""
    values = [value.strip() for value in query.getlist(name) if value.strip()]
    if len(values) > 1:
        raise BadParameterError(name, f"Give “{name}” only once.")
    return values[0] if values else ""


def parse_date(query: QueryDict, name: str) -> datetime.date | None:
    """Return the date (YYYY-MM-DD) in `name`, or None when absent; raise BadParameterError."""
    value = single_value(query, name)
    if not value:
        return None
    try:
        if not DATE_PATTERN.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadParameterError(
            name, f"“{name}” must be a date written YYYY-MM-DD, such as 2026-12-08."
        ) from None


def parse_number(query: QueryDict, name: str, default: int, maximum: int) -> int:
    """Return the whole number in `name` (from 1 to `maximum`), or `default` when absent;
    raise BadParameterError."""
    value = single_value(query, name)
    if not value:
        return default
    number = int(value) if NUMBER_PATTERN.fullmatch(value) else 0
    if not 1 <= number <= maximum:
        raise BadParameterError(name, f"“{name}” must be a whole number from 1 to {maximum}.")
    return number


def day_start(day: datetime.date | None) -> datetime.datetime | None:
    """Return the first moment of `day` in the site's timezone (settings.TIME_ZONE), or None
    for no day or one beyond what a datetime can hold (year 1 or 9999 in some timezones)."""
    if day is None:
        return None
    try:
        start = datetime.datetime.combine(day, datetime.time.min, timezone.get_default_timezone())
        return start.astimezone(datetime.UTC)
    except OverflowError:
        return None


def next_day(day: datetime.date | None) -> datetime.date | None:
    """Return the day after `day` (None after the last day a date can hold)."""
    try:
        return day + datetime.timedelta(days=1) if day is not None else None
    except OverflowError:
        return None


@dataclass(frozen=True)
class TalkListQuery:
    """The talks a list asks for: filters as in the calendar feeds, `when` they are
    (upcoming, past or all), and from `first_day` to `last_day` (inclusive, site time)."""

    filters: FilterQuery = field(default_factory=FilterQuery)
    when: str = DEFAULT_WHEN
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> "TalkListQuery":
        """Return the list that the filters (FILTER_PARAMETERS), ?when=, ?from= and ?to= ask
        for (other keys are ignored); raise BadParameterError."""
        when = single_value(query, "when") or DEFAULT_WHEN
        if when not in WHEN_CHOICES:
            raise BadParameterError("when", "“when” must be upcoming, past or all.")
        first_day, last_day = parse_date(query, "from"), parse_date(query, "to")
        if first_day and last_day and last_day < first_day:
            raise BadParameterError("to", "“to” must not be before “from”.")
        return cls(FilterQuery.from_query(query), when, first_day, last_day)

    def pairs(self) -> list[tuple[str, str]]:
        """Return the query as canonical (key, value) pairs; defaults are left out."""
        pairs = self.filters.pairs()
        if self.when != DEFAULT_WHEN:
            pairs.append(("when", self.when))
        if self.first_day:
            pairs.append(("from", self.first_day.isoformat()))
        if self.last_day:
            pairs.append(("to", self.last_day.isoformat()))
        return pairs


@dataclass(frozen=True)
class Paging:
    """Which page of a list, of how many items."""

    page: int = 1
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_query(cls, query: QueryDict) -> "Paging":
        """Return the page that ?page=&limit= ask for; raise BadParameterError."""
        return cls(
            page=parse_number(query, "page", default=1, maximum=MAX_PAGE),
            limit=parse_number(query, "limit", default=DEFAULT_LIMIT, maximum=MAX_LIMIT),
        )

    def pairs(self, page: int | None = None) -> list[tuple[str, str]]:
        """Return ?page=&limit= as canonical pairs for `page` (this one by default)."""
        page = self.page if page is None else page
        pairs = [("page", str(page))] if page != 1 else []
        return pairs + ([("limit", str(self.limit))] if self.limit != DEFAULT_LIMIT else [])


def query_string(pairs: list[tuple[str, str]]) -> str:
    """Return `pairs` as "?a=b&c=d", or "" when there are none."""
    return f"?{urlencode(pairs)}" if pairs else ""


@dataclass(frozen=True)
class TalkList:
    """The talks of a list, in order, and the series, event types and speakers it names."""

    talks: TalkQuerySet
    filters: TalkFilters


def select_talks(query: TalkListQuery, now: datetime.datetime | None = None) -> TalkList:
    """Return the public talks `query` asks for as of `now`: upcoming ones soonest first,
    past ones latest first, all of them in date order; raise UnknownFilterError."""
    filters = TalkFilters.resolve(query.filters)
    talks = filters.talks()
    if query.when == "upcoming":
        talks = talks.upcoming(now)
    elif query.when == "past":
        talks = talks.past(now)
    else:
        talks = talks.order_by("start", "pk")
    if (start := day_start(query.first_day)) is not None:
        talks = talks.filter(start__gte=start)
    if (end := day_start(next_day(query.last_day))) is not None:
        talks = talks.filter(start__lt=end)
    return TalkList(talks.with_speakers(), filters)
