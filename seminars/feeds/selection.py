"""What a calendar feed shows: its filters (normalised), its talks, its time window and name."""

import calendar as gregorian
import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from seminars import formatting
from seminars.feeds.ical import ALARM_MINUTES, EventData
from seminars.models import (
    EventType,
    Material,
    MaterialKind,
    Series,
    Talk,
    TalkQuerySet,
    TalkSpeaker,
    Venue,
    online_url_for_public,
)
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text
from speakers.models import Speaker
from speakers.services import find_renamed

# A bound on the filter values a feed URL may carry, so that junk cannot make huge queries
# or cache keys.
MAX_VALUES = 20
SHOWN_SLUG_LENGTH = 80


class UnknownFeedError(Exception):
    """The feed names a series, tag, speaker or talk that the public cannot see."""

    def __init__(self, message: str, parameter: str = ""):
        super().__init__(message)
        # The query parameter that named it ("series", "tag", "speaker"), for JSON errors.
        self.parameter = parameter


def normalise(values: Sequence[str]) -> tuple[str, ...]:
    """Return the non-empty values, stripped, sorted, without duplicates, at most MAX_VALUES."""
    return tuple(sorted({value.strip() for value in values if value.strip()})[:MAX_VALUES])


class BadAlarmError(ValueError):
    """?alarm= names another number of minutes than those offered."""


def parse_alarm(query: QueryDict) -> int | None:
    """Return the reminder minutes `?alarm=` asks for (None: no reminder); raise
    BadAlarmError for anything but one of ical.ALARM_MINUTES."""
    values = query.getlist("alarm")
    if not values:
        return None
    allowed = ", ".join(map(str, ALARM_MINUTES))
    if len(values) > 1 or values[0] not in {str(minutes) for minutes in ALARM_MINUTES}:
        raise BadAlarmError(f"alarm must be one of {allowed} (minutes before the start).")
    return int(values[0])


@dataclass(frozen=True)
class FeedQuery:
    """A feed's filters: several values of one key are OR, different keys are AND."""

    series: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    has: tuple[str, ...] = ()  # material kinds: "slides", "recording"

    @classmethod
    def from_query(cls, query: QueryDict) -> "FeedQuery":
        """Return the normalised filters of ?series=&tag=&speaker=&venue=&has= (other keys
        are ignored)."""
        return cls(
            **{kind.query_field: normalise(query.getlist(kind.parameter)) for kind in FILTER_KINDS}
        )

    @property
    def windowed(self) -> bool:
        """Whether old talks are left out; a speaker's feed alone keeps all their talks."""
        others = any(getattr(self, kind.query_field) for kind in FILTER_KINDS if kind.windowed)
        return not (self.speakers and not others)

    def pairs(self) -> list[tuple[str, str]]:
        """Return the filters as canonical (key, value) pairs of a query string."""
        return [
            (kind.parameter, value)
            for kind in FILTER_KINDS
            for value in getattr(self, kind.query_field)
        ]

    def key(self) -> str:
        """Return the filters as one canonical query string."""
        return urlencode(self.pairs())


@dataclass(frozen=True)
class Feed:
    """The talks of a calendar and what it says about itself."""

    talks: TalkQuerySet
    name: str | None
    description: str
    timezone_name: str


def months_before(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` earlier (the month's last day when it is shorter)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, gregorian.monthrange(year, month)[1])
    )


def window_start(today: datetime.date) -> datetime.datetime:
    """Return the moment from which a multi-talk feed shows talks: FEED_PAST_MONTHS ago."""
    first_day = months_before(today, settings.FEED_PAST_MONTHS)
    return datetime.datetime.combine(first_day, datetime.time.min, timezone.get_current_timezone())


def public_series() -> models.QuerySet:
    return Series.objects.with_public_talks()


def public_event_types() -> models.QuerySet:
    return EventType.objects.with_public_talks()


def public_speakers() -> models.QuerySet:
    return Talk.objects.public().speakers()


def public_venues() -> models.QuerySet:
    return Venue.objects.with_public_talks()


# What ?has= may ask for: talks with slides, or with a recording (and how a name says it).
HAS_CHOICES = {MaterialKind.SLIDES: "slides", MaterialKind.RECORDING: "recordings"}


def resolve_material_kinds(values: Sequence[str]) -> list[str]:
    """Return the material kinds ?has= names; raise UnknownFeedError for another value."""
    for value in values:
        if value not in HAS_CHOICES:
            raise UnknownFeedError(
                f"“has” must be slides or recording, not “{value[:SHOWN_SLUG_LENGTH]}”.",
                parameter="has",
            )
    return list(values)


@dataclass(frozen=True)
class FilterKind:
    """One kind of feed filter, declared once: its query parameter, its field in FeedQuery
    (slugs) and in FeedFilters (what they name; also TalkQuerySet.matching's argument), and
    how the slugs resolve."""

    parameter: str
    query_field: str
    filters_field: str
    resolve: Callable[[Sequence[str]], list]
    model: type | None = None  # FeedFilters.of() takes one of these
    windowed: bool = True  # a feed of this kind alone leaves old talks out


FILTER_KINDS = (
    FilterKind(
        parameter="series",
        query_field="series",
        filters_field="series",
        resolve=lambda slugs: resolve_slugs(public_series(), slugs, "series"),
        model=Series,
    ),
    FilterKind(
        parameter="tag",
        query_field="tags",
        filters_field="event_types",
        resolve=lambda slugs: resolve_slugs(public_event_types(), slugs, "tag"),
        model=EventType,
    ),
    FilterKind(
        parameter="speaker",
        query_field="speakers",
        filters_field="speakers",
        resolve=lambda slugs: resolve_slugs(public_speakers(), slugs, "speaker"),
        model=Speaker,
        windowed=False,
    ),
    FilterKind(
        parameter="venue",
        query_field="venues",
        filters_field="venues",
        resolve=lambda slugs: resolve_slugs(public_venues(), slugs, "venue"),
        model=Venue,
    ),
    FilterKind(
        parameter="has",
        query_field="has",
        filters_field="materials",
        resolve=resolve_material_kinds,
    ),
)


def resolve_slugs(queryset: models.QuerySet, slugs: Sequence[str], label: str) -> list:
    """Return the objects of `queryset` with `slugs` (old slugs included), ordered by name.

    Raise UnknownFeedError for a slug that names none. A renamed object's old feed URL keeps
    working without a redirect: calendar clients do not all follow them.
    """
    if not slugs:
        return []
    found = {obj.slug: obj for obj in queryset.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            renamed = find_renamed(queryset, slug)
            if renamed is None:
                shown = slug[:SHOWN_SLUG_LENGTH]
                raise UnknownFeedError(
                    f"There is no {label} “{shown}” with public talks.", parameter=label
                )
            found[slug] = renamed
    return sorted(set(found.values()), key=lambda obj: (obj.name, obj.pk))


def join_names(names: Sequence[str]) -> str:
    """Return "A", "A and B" or "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class FeedFilters:
    """The public series, event types, speakers and venues that a feed's filters name (a
    FeedQuery resolved), each kind ordered by name, and the material kinds it asks for:
    which talks the feed shows, and what it is called. FILTER_KINDS declares each kind."""

    series: tuple[Series, ...] = ()
    event_types: tuple[EventType, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    venues: tuple[Venue, ...] = ()
    materials: tuple[str, ...] = ()  # MaterialKind values

    @classmethod
    def resolve(cls, query: FeedQuery) -> "FeedFilters":
        """Return what `query` names; raise UnknownFeedError naming the parameter ("series",
        "tag", "speaker", "venue", "has")."""
        return cls(
            **{
                kind.filters_field: tuple(kind.resolve(getattr(query, kind.query_field)))
                for kind in FILTER_KINDS
            }
        )

    @classmethod
    def of(cls, obj: "Series | EventType | Speaker | Venue") -> "FeedFilters":
        """Return the filters of the feed of one series, event type, speaker or venue."""
        return cls(
            **{
                kind.filters_field: (obj,)
                for kind in FILTER_KINDS
                if kind.model is not None and isinstance(obj, kind.model)
            }
        )

    def talks(self) -> TalkQuerySet:
        """Return the public talks the filters let through, in no particular order."""
        return Talk.objects.public().matching(
            **{kind.filters_field: getattr(self, kind.filters_field) for kind in FILTER_KINDS}
        )

    def name(self) -> str:
        """Return the calendar's name: "Systems Seminar — Round table", "Talks by William
        Nixon", "Talks at Hall A", "Systems Seminar — With recordings"."""
        speakers = [speaker.name for speaker in self.speakers]
        by = f"Talks by {join_names(speakers)}" if speakers else ""
        at = f"Talks at {join_names([venue.name for venue in self.venues])}" if self.venues else ""
        kinds = [HAS_CHOICES[kind] for kind in self.materials]
        having = f"With {join_names(kinds)}" if kinds else ""
        if bool(by) != bool(at) and not (self.series or self.event_types or self.materials):
            return by or at
        parts = [", ".join(s.name for s in self.series) if self.series else settings.SITE_NAME]
        if self.event_types:
            parts.append(", ".join(event_type.name for event_type in self.event_types))
        parts += [part for part in (by, at, having) if part]
        return " — ".join(parts)

    def description(self) -> str:
        """Return what the calendar is about, in plain text."""
        series, event_types, speakers = self.series, self.event_types, self.speakers
        others = self.venues or self.materials
        if len(series) == 1 and not event_types and not speakers and not others:
            about = markdown_to_text(series[0].description)
        elif len(event_types) == 1 and not series and not speakers and not others:
            about = event_types[0].description
        elif speakers and not series and not event_types and not others:
            about = f"{self.name()} at {settings.SITE_NAME}."
        elif len(self.venues) == 1 and not (series or event_types or speakers or self.materials):
            venue = self.venues[0]
            about = f"Talks at {formatting.place(venue.name, venue.room, venue.address)}."
        else:
            about = ""
        return about or settings.SITE_TAGLINE

    def timezone_name(self) -> str:
        """Return the timezone the calendar is shown in: its one series', else the site's."""
        return self.series[0].timezone if len(self.series) == 1 else settings.TIME_ZONE

    def page_path(self) -> str | None:
        """Return the site page of the one series, event type, speaker or venue named, if so."""
        named = [*self.series, *self.event_types, *self.speakers, *self.venues]
        return named[0].get_absolute_url() if len(named) == 1 and not self.materials else None


def select_feed(query: FeedQuery, today: datetime.date | None) -> Feed:
    """Return the feed `query` asks for, as of `today` (None: no time window);
    raise UnknownFeedError."""
    filters = FeedFilters.resolve(query)
    talks = filters.talks()
    if query.windowed and today is not None:
        talks = talks.since(window_start(today))
    return Feed(
        talks=talks.order_by("start", "pk"),
        name=filters.name(),
        description=filters.description(),
        timezone_name=filters.timezone_name(),
    )


def find_public_talk(slug: str, talks: TalkQuerySet | None = None) -> Talk | None:
    """Return the public talk with `slug` (or an old slug of it), with its speakers, or
    only what `talks` fetches."""
    talks = talks if talks is not None else Talk.objects.public().with_speakers()
    return talks.filter(slug=slug).first() or find_renamed(talks, slug)


def select_talk(slug: str) -> Feed:
    """Return the one-talk download of the public talk `slug`; raise UnknownFeedError."""
    # The events are built from event_data(): the talk itself is only needed for its title.
    talk = find_public_talk(slug, Talk.objects.public().select_related("series"))
    if talk is None:
        raise UnknownFeedError(f"There is no public talk “{slug[:SHOWN_SLUG_LENGTH]}”.")
    return Feed(
        talks=Talk.objects.filter(pk=talk.pk),
        name=None,
        description=f"{talk.title} — {settings.SITE_NAME}",
        timezone_name=talk.series.timezone,
    )


# The EventData fields read as they are from a talk's own columns, so that a new talk field
# shown in calendars is added to EventData alone. The others are converted or come from
# related rows below.
TALK_VALUES_OF_EVENT = tuple(
    field.name
    for field in dataclasses.fields(EventData)
    if field.name not in {"uid", "online_url", "updated", "place", "geo", "materials"}
    and field.name in {talk_field.name for talk_field in Talk._meta.concrete_fields}
)


# The venue columns an event's LOCATION and GEO are made of (with the talk's room detail).
PLACE = (
    "location",
    "venue__name",
    "venue__room",
    "venue__address",
    "venue__latitude",
    "venue__longitude",
)


def latest_change_shown() -> Greatest:
    """Return, for each talk, the latest change of any row its event shows: the talk, its
    series, venue, speakers, their affiliations then and its event types (in the talks' query, so
    that thousands of rows are not read for it)."""

    def latest(rows: models.QuerySet, change: models.Expression) -> Coalesce:
        changes = rows.filter(talk=OuterRef("pk")).order_by().values("talk")
        # SQLite's GREATEST is NULL when one value is: a talk without tags is its own.
        return Coalesce(Subquery(changes.annotate(latest=Max(change)).values("latest")), "updated")

    return Greatest(
        "updated",
        "series__updated",
        Coalesce("venue__updated", "updated"),
        # One subquery for a speaker and their affiliation then: each is run once per talk.
        latest(
            TalkSpeaker.objects,
            Greatest("speaker__updated", Coalesce("affiliation__updated", "speaker__updated")),
        ),
        latest(Talk.event_types.through.objects, models.F("eventtype__updated")),
    )


def event_data(talks: TalkQuerySet) -> list[EventData]:
    """Return what the calendar events of `talks` show, in their order, in four queries.

    Plain values rather than model instances: a feed of thousands of talks is mostly made
    of cached event bytes, and only needs to know which ones. An event's `updated` is the
    latest change of any row it shows (the talk, its series, venue, speakers, their affiliations
    then, its event types), so that a rename moves its LAST-MODIFIED.
    """
    fields = TALK_VALUES_OF_EVENT
    rows = talks.annotate(shown_updated=latest_change_shown()).values(
        "pk",
        "uid",
        "shown_updated",
        "series__timezone",
        "online_url",
        "online_link_visibility",
        *fields,
        *PLACE,
    )
    now = timezone.now()
    wanted = talks.values("pk")
    speakers = defaultdict(list)
    links = TalkSpeaker.objects.filter(talk__in=wanted).order_by("talk", "order", "pk")
    for talk_id, name, affiliation in links.values_list(
        "talk_id", "speaker__name", "affiliation__name"
    ):
        speakers[talk_id].append((name, affiliation))
    categories = defaultdict(list)
    tags = Talk.event_types.through.objects.filter(talk__in=wanted).order_by("eventtype__name")
    for talk_id, name in tags.values_list("talk_id", "eventtype__name"):
        categories[talk_id].append(name)
    materials = defaultdict(list)
    shown = Material.objects.published().filter(talk__in=wanted).order_by("talk", "order", "pk")
    for talk_id, slug, pk, kind, url in shown.values_list(
        "talk_id", "talk__slug", "pk", "kind", "url"
    ):
        link = url or absolute_url(
            reverse("seminars:material-file", kwargs={"slug": slug, "pk": pk})
        )
        materials[talk_id].append((MaterialKind(kind).label, link))
    return [
        EventData(
            **{name: row[name] for name in fields},
            place=formatting.place(
                row["venue__name"] or "",
                row["location"] or row["venue__room"] or "",
                row["venue__address"] or "",
            ),
            geo=(float(row["venue__latitude"]), float(row["venue__longitude"]))
            if row["venue__latitude"] is not None
            else None,
            materials=tuple(materials[row["pk"]]),
            uid=str(row["uid"]),
            updated=row["shown_updated"],
            online_url=online_url_for_public(
                row["online_url"], row["online_link_visibility"], row["start"], now
            ),
            timezone=row["series__timezone"],
            speakers=tuple(speakers[row["pk"]]),
            categories=tuple(categories[row["pk"]]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SubscribeLinks:
    """The ways to subscribe to one feed."""

    name: str
    https: str
    webcal: str
    google: str
    outlook: str


def subscribe_links(path: str, name: str) -> SubscribeLinks:
    """Return the subscribe links of the feed at `path` (a site path) called `name`."""
    https = absolute_url(path)
    return SubscribeLinks(
        name=name,
        https=https,
        # webcal: opens the subscribe dialog of Apple Calendar and Outlook for the desktop.
        webcal="webcal://" + https.split("://", 1)[1],
        # Google takes http(s) here, not webcal.
        google="https://calendar.google.com/calendar/r?cid=" + quote(https, safe=""),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": https, "name": name}, quote_via=quote),
    )


FEED_URL_NAMES = {
    Series: "seminars:series-calendar",
    EventType: "seminars:tag-calendar",
    Speaker: "seminars:speaker-calendar",
    Venue: "seminars:venue-calendar",
}


def feed_links(obj: Series | EventType | Speaker | Venue | None) -> SubscribeLinks:
    """Return the subscribe links of the feed of a series, tag, speaker or venue (None: every
    talk)."""
    if obj is None:
        return subscribe_links(reverse("seminars:calendar"), settings.SITE_NAME)
    path = reverse(FEED_URL_NAMES[type(obj)], args=[obj.slug])
    return subscribe_links(path, FeedFilters.of(obj).name())
