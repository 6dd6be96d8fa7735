"""What a calendar feed shows: the talks its filters (seminars/filters.py) let through, its time
window, name and description, the data of its events, and the links to subscribe to it."""

import calendar as gregorian
import dataclasses
import datetime
from collections import defaultdict
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
from seminars.filters import (
    SHOWN_SLUG_LENGTH,
    FilterQuery,
    TalkFilters,
    UnknownFilterError,
    find_public_talk,
)
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


def feed_description(filters: TalkFilters) -> str:
    """Return what the calendar of `filters` is about, in plain text."""
    series, event_types, speakers = filters.series, filters.event_types, filters.speakers
    others = filters.venues or filters.materials
    if len(series) == 1 and not event_types and not speakers and not others:
        about = markdown_to_text(series[0].description)
    elif len(event_types) == 1 and not series and not speakers and not others:
        about = event_types[0].description
    elif speakers and not series and not event_types and not others:
        about = f"{filters.name()} at {settings.SITE_NAME}."
    elif len(filters.venues) == 1 and not (series or event_types or speakers or filters.materials):
        venue = filters.venues[0]
        about = f"Talks at {formatting.place(venue.name, venue.room, venue.address)}."
    else:
        about = ""
    return about or settings.SITE_TAGLINE


def feed_timezone_name(filters: TalkFilters) -> str:
    """Return the timezone the calendar of `filters` is shown in: its one series', else the
    site's."""
    return filters.series[0].timezone if len(filters.series) == 1 else settings.TIME_ZONE


def select_feed(query: FilterQuery, today: datetime.date | None) -> Feed:
    """Return the feed `query` asks for, as of `today` (None: no time window);
    raise UnknownFilterError."""
    filters = TalkFilters.resolve(query)
    talks = filters.talks()
    if query.windowed and today is not None:
        talks = talks.since(window_start(today))
    return Feed(
        talks=talks.order_by("start", "pk"),
        name=filters.name(),
        description=feed_description(filters),
        timezone_name=feed_timezone_name(filters),
    )


def select_talk(slug: str) -> Feed:
    """Return the one-talk download of the public talk `slug`; raise UnknownFilterError."""
    # The events are built from event_data(): the talk itself is only needed for its title.
    talk = find_public_talk(slug, Talk.objects.public().select_related("series"))
    if talk is None:
        raise UnknownFilterError(f"There is no public talk “{slug[:SHOWN_SLUG_LENGTH]}”.")
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
    return subscribe_links(path, TalkFilters.of(obj).name())
