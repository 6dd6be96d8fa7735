"""Build iCalendar (RFC 5545) calendars of talks with the icalendar package.

Pure functions: they take EventData (what calendars.event_data() reads in bulk), make no
queries and never read the clock, so the same data always gives the same bytes. Each event
is serialised on its own (event_bytes), so that its bytes can be cached and reused under
EventData.key() by every feed it appears in.
"""

import calendar as gregorian
import datetime
import decimal
import functools
import hashlib
import itertools
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vRecur,
    vText,
)
from icalendar.timezone.tzid import tzid_from_dt

from seminars import formatting
from seminars.http.release import release
from seminars.models import Talk
from seminars.site_url import absolute_url

PRODID = "-//Seminar site//Calendar feeds//EN"
# RFC 7986 §5.7 and its older Microsoft spelling: how often subscribers should fetch again.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ZERO = datetime.timedelta(0)
CALENDAR_END = b"END:VCALENDAR\r\n"


zone_named = functools.lru_cache(maxsize=64)(zoneinfo.ZoneInfo)


@functools.lru_cache(maxsize=8)
def talk_url_around_slug(site_url: str, script_prefix: str) -> tuple[str, str]:
    """Return what comes before and after a slug in a talk page's absolute URL (reversing
    the URL for each of thousands of events cost more than writing them)."""
    marker = "slug-goes-here"
    before, after = absolute_url(Talk(slug=marker).get_absolute_url()).split(marker)
    return before, after


@dataclass(frozen=True)
class EventData:
    """Everything a talk's VEVENT shows, and nothing else: its bytes depend only on this
    (and on settings.SITE_URL), so a digest of it is a safe cache key for them."""

    uid: str
    sequence: int
    created: datetime.datetime
    # The latest change of any row the event shows (the talk, its series, venue, speakers,
    # their affiliations then, event types): LAST-MODIFIED and DTSTAMP move with the bytes.
    updated: datetime.datetime
    title: str
    status: str
    start: datetime.datetime
    end: datetime.datetime
    timezone: str  # the series' IANA timezone
    place: str  # "Venue, room, address" (formatting.place)
    geo: tuple[float, float] | None  # the venue's latitude and longitude
    online_url: str  # as the public may see it when the calendar is built ("" if hidden)
    is_placeholder: bool
    abstract_text: str  # the abstract as plain text (Talk.abstract_text)
    slug: str
    speakers: tuple[tuple[str, str | None], ...]  # (name, affiliation then), in order
    categories: tuple[str, ...]  # event type names, sorted
    materials: tuple[tuple[str, str], ...] = ()  # (kind label, absolute URL), in order

    @classmethod
    def from_talk(cls, talk: Talk) -> "EventData":
        """Return the event data of a talk fetched with Talk.objects.with_speakers()."""
        links = talk.speaker_links()
        event_types = list(talk.event_types.all())
        return cls(
            uid=str(talk.uid),
            sequence=talk.sequence,
            created=talk.created,
            updated=max(
                talk.updated,
                talk.series.updated,
                *((talk.venue.updated,) if talk.venue_id else ()),
                *(link.speaker.updated for link in links),
                *(link.affiliation.updated for link in links if link.affiliation),
                *(event_type.updated for event_type in event_types),
            ),
            title=talk.title,
            status=talk.status,
            start=talk.start,
            end=talk.end,
            timezone=talk.series.timezone,
            place=talk.full_place,
            geo=(float(talk.venue.latitude), float(talk.venue.longitude))
            if talk.venue_id and talk.venue.has_coordinates
            else None,
            online_url=talk.online_url_for_public(),
            is_placeholder=talk.is_placeholder,
            abstract_text=talk.abstract_text,
            slug=talk.slug,
            speakers=tuple(
                (link.speaker.name, link.affiliation.name if link.affiliation else None)
                for link in links
            ),
            categories=tuple(event_type.name for event_type in event_types),
            materials=tuple(
                (material.get_kind_display(), material.public_url)
                for material in talk.materials.all()
            ),
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == Talk.Status.CANCELLED

    @property
    def url(self) -> str:
        """Return the talk page's absolute URL."""
        before, after = talk_url_around_slug(settings.SITE_URL, get_script_prefix())
        return before + self.slug + after

    @property
    def local_start(self) -> datetime.datetime:
        return self.start.astimezone(zone_named(self.timezone))

    @property
    def local_end(self) -> datetime.datetime:
        return self.end.astimezone(zone_named(self.timezone))

    def key(self) -> str:
        """Return the cache key of this event's bytes: a digest of all that they show, and of
        the release that writes them (seminars/http/release.py: this code, icalendar, SITE_URL).

        Not just uid, SEQUENCE and LAST-MODIFIED: a renamed speaker or tag changes the event
        without changing the talk's row.
        """
        # The dataclass's repr names every field and its value.
        digest = hashlib.blake2b(f"{release()}\x1f{self!r}".encode(), digest_size=20).hexdigest()
        return f"ical-event:{self.uid}:{digest}"


def talk_status(talk: EventData) -> str:
    """Return the event STATUS; a published placeholder keeps the time free, tentatively."""
    if talk.is_cancelled:
        return "CANCELLED"
    return "TENTATIVE" if talk.is_placeholder else "CONFIRMED"


def talk_description(talk: EventData) -> str:
    """Return the plain-text event description: speakers, abstract, online link, talk page."""
    paragraphs = []
    if talk.is_cancelled:
        paragraphs.append("This talk is cancelled.")
    speakers = [formatting.speaker_credit(name, affiliation) for name, affiliation in talk.speakers]
    if speakers:
        paragraphs.append(f"{formatting.speaker_label(len(speakers))}: {', '.join(speakers)}")
    if talk.abstract_text:
        paragraphs.append(talk.abstract_text)
    if talk.online_url:
        paragraphs.append(f"Join online: {talk.online_url}")
    if talk.materials:
        paragraphs.append("\n".join(f"{kind}: {url}" for kind, url in talk.materials))
    paragraphs.append(f"Talk page: {talk.url}")
    return "\n\n".join(paragraphs)


def talk_event(talk: EventData) -> Event:
    """Return the VEVENT of `talk`, in its series' timezone, built with icalendar: the
    reference that event_bytes() writes faster (tests compare the two)."""
    event = Event()
    # RFC 7986 §5.3: a plain UUID, which never changes with the title, slug, time or host.
    event.add("uid", str(talk.uid))
    # Without METHOD, DTSTAMP is when the event last changed in our store (RFC 5545 §3.8.7.2);
    # now() would change the bytes of every response.
    event.add("dtstamp", talk.updated.astimezone(datetime.UTC))
    event.add("created", talk.created.astimezone(datetime.UTC))
    event.add("last-modified", talk.updated.astimezone(datetime.UTC))
    event.add("sequence", talk.sequence)
    event.add("dtstart", talk.local_start)
    event.add("dtend", talk.local_end)
    event.add("summary", formatting.talk_title(talk))
    event.add("status", talk_status(talk))
    if talk.place:
        event.add("location", talk.place)
    if talk.geo is not None:
        event.add("geo", talk.geo)
    event.add("url", talk.url)
    event.add("description", talk_description(talk))
    if talk.categories:
        event.add("categories", list(talk.categories))
    for _, url in talk.materials:
        event.add("attach", url)
    event.add("class", "PUBLIC")
    event.add("transp", "OPAQUE")
    return event


def event_bytes(talk: EventData) -> bytes:
    """Return the serialised VEVENT of `talk`: the bytes icalendar makes of talk_event(),
    written directly (CRLF lines folded at 75 octets).

    icalendar stays the reference: building and serialising its objects cost about ten times
    these few lines, and a feed is thousands of events (tests compare the two byte for byte,
    on hostile text too).
    """
    zone = tzid(talk.timezone)
    lines = [
        b"BEGIN:VEVENT",
        b"UID:" + text_value(talk.uid),
        b"DTSTAMP:" + utc_value(talk.updated),
        b"CREATED:" + utc_value(talk.created),
        b"LAST-MODIFIED:" + utc_value(talk.updated),
        b"SEQUENCE:%d" % talk.sequence,
        b"DTSTART" + zone + local_value(talk.local_start, zone),
        b"DTEND" + zone + local_value(talk.local_end, zone),
        b"SUMMARY:" + text_value(formatting.talk_title(talk)),
        b"STATUS:" + talk_status(talk).encode(),
    ]
    if talk.place:
        lines.append(b"LOCATION:" + text_value(talk.place))
    if talk.geo is not None:
        latitude, longitude = talk.geo
        lines.append(f"GEO:{plain_decimal(latitude)};{plain_decimal(longitude)}".encode())
    lines += [b"URL:" + talk.url.encode(), b"DESCRIPTION:" + text_value(talk_description(talk))]
    if talk.categories:
        lines.append(b"CATEGORIES:" + b",".join(map(text_value, talk.categories)))
    # ATTACH is a URI (icalendar writes it unescaped); material URLs are validated https links.
    lines += [b"ATTACH:" + url.encode() for _, url in talk.materials]
    lines += [b"CLASS:PUBLIC", b"TRANSP:OPAQUE", b"END:VEVENT", b""]
    return b"\r\n".join(map(fold, lines))


def escape_text(text: str) -> str:
    """Return `text` escaped as an RFC 5545 TEXT value (§3.3.11), as icalendar does (which
    also reads a literal \\N as a line break)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def plain_decimal(number) -> str:
    """Write a coordinate as icalendar does ("47.5", "0.0"), but never with an exponent
    ("1e-06"), which RFC 5545's FLOAT does not have."""
    text = str(float(number))
    if "e" in text:
        text = format(decimal.Decimal(text).normalize(), "f")
    return text


def text_value(text: str) -> bytes:
    return escape_text(text).encode()


def utc_value(moment: datetime.datetime) -> bytes:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ").encode()


@functools.lru_cache(maxsize=64)
def tzid(zone: str) -> bytes:
    """Return what follows DTSTART for times in `zone`: ";TZID=<zone>:", or ":" for UTC
    (whose times end in Z), as icalendar names zones."""
    name = tzid_from_dt(datetime.datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone)))
    return b":" if name == "UTC" else f";TZID={name}:".encode()


def local_value(moment: datetime.datetime, zone: bytes) -> bytes:
    return moment.strftime("%Y%m%dT%H%M%SZ" if zone == b":" else "%Y%m%dT%H%M%S").encode()


# The reminders a feed may carry (?alarm=<minutes>), minutes before the start.
ALARM_MINUTES = (5, 10, 15, 30, 60)
EVENT_END = b"END:VEVENT\r\n"


def talk_alarm(talk: EventData, minutes: int) -> Alarm:
    """Return the VALARM that shows a reminder `minutes` before `talk` (RFC 5545 §3.6.6),
    built with icalendar: the reference that with_alarm() writes faster."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", formatting.talk_title(talk))
    alarm.add("trigger", datetime.timedelta(minutes=-minutes))
    return alarm


def duration_value(minutes: int) -> bytes:
    """Return a positive number of minutes as RFC 5545 writes the time of a duration."""
    hours, minutes = divmod(minutes, 60)
    return ((f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")).encode()


def with_alarm(event: bytes, talk: EventData, minutes: int) -> bytes:
    """Return the serialised VEVENT `event` of `talk` with a reminder `minutes` before it."""
    lines = [
        b"BEGIN:VALARM",
        b"ACTION:DISPLAY",
        b"DESCRIPTION:" + text_value(formatting.talk_title(talk)),
        b"TRIGGER:-PT" + duration_value(minutes),
        b"END:VALARM",
        b"",
    ]
    return event.removesuffix(EVENT_END) + b"\r\n".join(map(fold, lines)) + EVENT_END


FOLD_OCTETS = 74  # a line's octets before its fold (75 with a continuation's space)


def fold(line: bytes) -> bytes:
    """Return the UTF-8 content line `line` folded as icalendar folds (RFC 5545 §3.1): at
    most 74 octets before each CRLF and space, never inside a character, and never right
    after a backslash or caret, which would split an escape."""
    if len(line) <= FOLD_OCTETS:
        return line
    parts = []
    start, end = 0, len(line)
    while end - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: inside a character
            cut -= 1
        if cut - start > 1 and line[cut - 1] in b"\\^":
            cut -= 1
        parts.append(line[start:cut])
        start = cut
    parts.append(line[start:])
    return b"\r\n ".join(parts)


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE."""

    daylight: bool
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    name: str
    onsets: tuple[datetime.datetime, ...]  # local time in offset_from (RFC 5545 §3.8.3.3)
    byday: str | None  # "2SU", "-1SU": the onsets recur yearly on that weekday of the month
    count: int | None  # how many times a yearly rule applies, when it stops within the years


def _state(zone: zoneinfo.ZoneInfo, timestamp: int) -> tuple:
    moment = datetime.datetime.fromtimestamp(timestamp, zone)
    return moment.utcoffset(), moment.dst(), moment.tzname()


def _transitions(zone: zoneinfo.ZoneInfo, first_year: int, last_year: int) -> list[tuple]:
    """Return (first second in the new state, state before, state after) of each change."""
    start = int(datetime.datetime(first_year, 1, 1, tzinfo=datetime.UTC).timestamp())
    end = int(datetime.datetime(last_year + 1, 1, 1, tzinfo=datetime.UTC).timestamp())
    day = 24 * 60 * 60
    changes = []
    for low in range(start, end, day):
        before, after = _state(zone, low), _state(zone, low + day)
        if before == after:
            continue
        high = low + day
        while high - low > 1:
            middle = (low + high) // 2
            if _state(zone, middle) == before:
                low = middle
            else:
                high = middle
        changes.append((high, before, after))
    return changes


def _yearly_byday(onsets: Sequence[datetime.datetime]) -> str | None:
    """Return the BYDAY rule ("2SU", "-1SU") the onsets follow, one per consecutive year."""
    first = onsets[0]
    same_slot = all(
        (onset.month, onset.weekday(), onset.time()) == (first.month, first.weekday(), first.time())
        for onset in onsets
    )
    consecutive = all(
        later.year == earlier.year + 1 for earlier, later in itertools.pairwise(onsets)
    )
    if not (same_slot and consecutive):
        return None
    weekday = WEEKDAYS[first.weekday()]
    if all(onset.day + 7 > gregorian.monthrange(onset.year, onset.month)[1] for onset in onsets):
        return f"-1{weekday}"
    weeks = {(onset.day - 1) // 7 + 1 for onset in onsets}
    return f"{weeks.pop()}{weekday}" if len(weeks) == 1 else None


def _runs(onsets: Sequence[datetime.datetime]) -> list[tuple[tuple, str | None]]:
    """Split sorted onsets into the longest runs that follow one yearly rule."""
    runs = []
    index = 0
    while index < len(onsets):
        end = index + 1
        while end < len(onsets) and _yearly_byday(onsets[index : end + 1]):
            end += 1
        run = tuple(onsets[index:end])
        runs.append((run, _yearly_byday(run) if len(run) > 1 else None))
        index = end
    return runs


@functools.lru_cache(maxsize=128)
def observances(tzid: str, first_year: int, last_year: int) -> tuple[Observance, ...]:
    """Return the observances of `tzid` that cover the years first_year to last_year.

    Changes that follow a yearly rule (the second Sunday of March at 02:00) become one
    observance with that rule, as Outlook reads only RRULE and ignores RDATE in VTIMEZONE;
    anything irregular gets one observance per change.
    """
    zone = zoneinfo.ZoneInfo(tzid)
    changes = _transitions(zone, first_year, last_year)
    groups: dict[tuple, list[datetime.datetime]] = {}
    for timestamp, (offset_from, dst_before, _), (offset_to, dst, name) in changes:
        onset = datetime.datetime.fromtimestamp(timestamp, datetime.UTC) + offset_from
        # Irish time has "negative" DST in winter (tzdata); clients expect summer as DAYLIGHT.
        daylight = dst > ZERO or (dst == ZERO and dst_before < ZERO)
        key = (daylight, offset_from, offset_to, name)
        groups.setdefault(key, []).append(onset.replace(tzinfo=None))
    result = []
    first_onset = min((change[0] for change in changes), default=None)
    year_start = datetime.datetime(first_year, 1, 1, tzinfo=datetime.UTC)
    if first_onset is None or first_onset > year_start.timestamp() + 366 * 24 * 60 * 60:
        # Nothing changes early in the years: state what holds from their start.
        offset, dst, name = _state(zone, int(year_start.timestamp()))
        start = (year_start + offset).replace(tzinfo=None)
        result.append(Observance(dst > ZERO, offset, offset, name, (start,), None, None))
    for (daylight, offset_from, offset_to, name), onsets in groups.items():
        irregular = []
        for run, byday in _runs(onsets):
            if byday is None:
                irregular.extend(run)
                continue
            # A rule that stopped within the years gets a COUNT: an UNTIL (in UTC, as RFC 5545
            # §3.3.10 requires here) next to a local DTSTART fails in dateutil-based parsers.
            count = len(run) if run[-1].year < last_year else None
            result.append(Observance(daylight, offset_from, offset_to, name, run[:1], byday, count))
        if irregular:
            result.append(
                Observance(daylight, offset_from, offset_to, name, tuple(irregular), None, None)
            )
    return tuple(sorted(result, key=lambda observance: observance.onsets[0]))


def vtimezone(tzid: str, first: datetime.date, last: datetime.date) -> Timezone:
    """Return the VTIMEZONE of IANA zone `tzid`, right for every day from `first` to `last`.

    The year before `first` is included, so that a rule's first onset comes before the
    earliest event (clients read times before any onset differently).
    """
    timezone = Timezone()
    timezone.add("tzid", tzid)
    for observance in observances(tzid, first.year - 1, last.year):
        part = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        part.add("dtstart", observance.onsets[0])
        if observance.byday:
            rule = {"freq": "yearly", "bymonth": observance.onsets[0].month}
            rule["byday"] = observance.byday
            if observance.count:
                rule["count"] = observance.count
            part.add("rrule", vRecur(rule))
        else:
            # RDATE repeats DTSTART: the ical parser ignores an observance with neither
            # RRULE nor RDATE (and Outlook ignores RDATE, but reads DTSTART).
            for onset in observance.onsets:
                part.add("rdate", onset)
        part.add("tzoffsetfrom", observance.offset_from)
        part.add("tzoffsetto", observance.offset_to)
        part.add("tzname", observance.name)
        timezone.add_component(part)
    return timezone


def calendar_bytes(
    talks: Sequence[EventData],
    events: Sequence[bytes],
    *,
    name: str | None,
    description: str,
    timezone_name: str,
) -> bytes:
    """Return the UTF-8 calendar of `talks`, whose serialised VEVENTs are `events` (in the
    same order), with a VTIMEZONE for each timezone they use.

    `name` is None for a one-off download, which Outlook would otherwise open as a new
    calendar. X-WR-TIMEZONE is the talks' timezone when they share one, else `timezone_name`.
    """
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    # icalendar writes unknown properties unescaped: NAME and the X- ones need vText.
    if name is not None:
        cal.add("name", vText(name))
        cal.add("x-wr-calname", vText(name))
    cal.add("description", description)
    cal.add("x-wr-caldesc", vText(description))
    zones = sorted({talk.timezone for talk in talks})
    cal.add("x-wr-timezone", zones[0] if len(zones) == 1 else timezone_name)
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for zone in zones:
        days = [
            day
            for talk in talks
            if talk.timezone == zone
            for day in (talk.local_start.date(), talk.local_end.date())
        ]
        cal.add_component(vtimezone(zone, min(days), max(days)))
    head = cal.to_ical(sorted=False)
    return head.removesuffix(CALENDAR_END) + b"".join(events) + CALENDAR_END
