import datetime
import re
import uuid
import zoneinfo
from dataclasses import replace

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo

from seminars.feeds import ical
from seminars.feeds.selection import event_data
from seminars.models import OnlineLinkVisibility, Talk
from seminars.services import cancel_talk
from tests.clock import NEW_YORK, ZURICH
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    MaterialFactory,
    NewSeriesFactory,
    SeriesFactory,
    SpeakerFactory,
    VenueFactory,
    WeeklyTalkFactory,
)
from tests.seminars.feeds.parsers import assert_wire_format, parse_all, parsed_events

pytestmark = pytest.mark.django_db

TALK_UID = uuid.UUID("0b6d6b52-2f7c-4c39-9a52-6f5ad1d3c7a1")


def unfolded_lines(raw: bytes) -> list[str]:
    """Return the content lines of `raw` with the folding undone (RFC 5545 §3.1)."""
    return re.sub(rb"\r\n[ \t]", b"", raw).decode("utf-8").split("\r\n")[:-1]


def fetch(talk: Talk) -> ical.EventData:
    return ical.EventData.from_talk(Talk.objects.with_speakers().get(pk=talk.pk))


def build(talks, *, name="Systems Seminar", description="Talks.", timezone_name="UTC") -> bytes:
    events = [fetch(talk) for talk in talks]
    return ical.calendar_bytes(
        events,
        [ical.event_bytes(event) for event in events],
        name=name,
        description=description,
        timezone_name=timezone_name,
    )


@pytest.fixture
def talk(clock):
    series = SeriesFactory(
        name="Systems Seminar", slug="systems-seminar", default_location="Seminar Room G115"
    )
    speaker = SpeakerFactory(
        name="William Nixon", affiliation=AffiliationFactory(name="University of Chicago")
    )
    return WeeklyTalkFactory(
        uid=TALK_UID,
        title="A Year in LLM Serving",
        slug="llm-serving",
        series=series,
        start=datetime.datetime(2026, 11, 3, 12, 0, tzinfo=NEW_YORK),
        abstract="Designing *effective* LLM serving systems.",
        online_url="https://meet.example.org/llm",
        online_link_visibility=OnlineLinkVisibility.PUBLIC,
        speakers=[speaker],
        event_types=[EventTypeFactory(name="Seminar"), EventTypeFactory(name="Digest talk")],
    )


def test_talk_event_has_every_property_from_stored_values(talk):
    lines = unfolded_lines(ical.talk_event(fetch(talk)).to_ical(sorted=False))

    assert lines == [
        "BEGIN:VEVENT",
        "UID:0b6d6b52-2f7c-4c39-9a52-6f5ad1d3c7a1",
        "DTSTAMP:20261020T090000Z",
        "CREATED:20261020T090000Z",
        "LAST-MODIFIED:20261020T090000Z",
        "SEQUENCE:0",
        "DTSTART;TZID=America/New_York:20261103T120000",
        "DTEND;TZID=America/New_York:20261103T130000",
        "SUMMARY:A Year in LLM Serving",
        "STATUS:CONFIRMED",
        "LOCATION:Seminar Room G115",
        "URL:https://seminars.example.org/talks/llm-serving/",
        "DESCRIPTION:Speaker: William Nixon (University of Chicago)\\n\\n"
        "Designing effective LLM serving systems.\\n\\n"
        "Join online: https://meet.example.org/llm\\n\\n"
        "Talk page: https://seminars.example.org/talks/llm-serving/",
        "CATEGORIES:Digest talk,Seminar",
        "CLASS:PUBLIC",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def test_talk_event_cancelled_keeps_the_event_marked_with_higher_sequence(talk, clock):
    clock.shift(datetime.timedelta(hours=1))
    cancel_talk(talk)

    event = ical.talk_event(fetch(talk))

    assert (event["SUMMARY"], event["STATUS"], event["SEQUENCE"]) == (
        "Cancelled: A Year in LLM Serving",
        "CANCELLED",
        1,
    )
    assert event["DESCRIPTION"].startswith("This talk is cancelled.\n\nSpeaker: William Nixon")
    assert event["LAST-MODIFIED"].dt == datetime.datetime(2026, 10, 20, 10, 0, tzinfo=datetime.UTC)


def test_talk_description_keeps_the_affiliation_at_the_time_of_the_talk(talk):
    speaker = talk.speakers.get()
    speaker.affiliation = AffiliationFactory(name="ETH Zürich")
    speaker.save()

    description = ical.talk_description(fetch(talk))

    assert description.splitlines()[0] == "Speaker: William Nixon (University of Chicago)"


def test_talk_description_lists_several_speakers_in_order(clock):
    first = SpeakerFactory(name="Zoë Adams", affiliation=None)
    second = SpeakerFactory(
        name="Ori Rottenstreich",
        affiliation=AffiliationFactory(name="Technion – Israel Institute of Technology"),
    )
    talk = WeeklyTalkFactory(slug="pair", speakers=[first, second], abstract="")

    assert ical.talk_description(fetch(talk)) == (
        "Speakers: Zoë Adams, Ori Rottenstreich (Technion – Israel Institute of Technology)\n\n"
        "Talk page: https://seminars.example.org/talks/pair/"
    )


def test_calendar_bytes_puts_calendar_properties_before_any_component(talk):
    lines = unfolded_lines(
        build(
            [talk],
            name="Systems Seminar — Round table",
            description="Talks, panels; and more.",
            timezone_name="Europe/Zurich",
        )
    )
    first_component = lines.index("BEGIN:VTIMEZONE")

    assert lines[:first_component] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Seminar site//Calendar feeds//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Systems Seminar — Round table",
        "X-WR-CALNAME:Systems Seminar — Round table",
        "DESCRIPTION:Talks\\, panels\\; and more.",
        "X-WR-CALDESC:Talks\\, panels\\; and more.",
        "X-WR-TIMEZONE:America/New_York",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    assert [line for line in lines if line.startswith("METHOD")] == []
    assert lines[-1] == "END:VCALENDAR"


def test_calendar_bytes_without_name_is_a_download_outlook_adds_to_a_calendar(talk):
    lines = unfolded_lines(build([talk], name=None))

    assert [line for line in lines if line.startswith(("NAME", "X-WR-CALNAME"))] == []
    assert lines[1:4] == [
        "VERSION:2.0",
        "PRODID:-//Seminar site//Calendar feeds//EN",
        "CALSCALE:GREGORIAN",
    ]


def test_calendar_bytes_timezone_falls_back_when_talks_use_several(clock):
    WeeklyTalkFactory(series=NewSeriesFactory(timezone="Europe/Zurich"))
    WeeklyTalkFactory(series=NewSeriesFactory(timezone="America/New_York"))
    lines = unfolded_lines(build(Talk.objects.all(), timezone_name="Asia/Tokyo"))

    assert [line for line in lines if line.startswith(("X-WR-TIMEZONE", "TZID"))] == [
        "X-WR-TIMEZONE:Asia/Tokyo",
        "TZID:America/New_York",
        "TZID:Europe/Zurich",
    ]


def test_calendar_bytes_empty_is_still_valid():
    body = ical.calendar_bytes([], [], name="Nothing", description="Empty.", timezone_name="UTC")

    assert_wire_format(body)
    calendars = parse_all(body)
    assert calendars["icalendar"].events == []
    assert calendars["ical"].events == []
    assert calendars["ical"].name == ["Nothing"]


def test_vtimezone_new_york_uses_yearly_rules_with_rfc_onsets():
    lines = unfolded_lines(
        ical.vtimezone(
            "America/New_York", datetime.date(2026, 11, 3), datetime.date(2027, 1, 5)
        ).to_ical(sorted=False)
    )

    # Onsets are local times in TZOFFSETFROM (RFC 5545 §3.8.3.3): 02:00 in both directions.
    assert lines == [
        "BEGIN:VTIMEZONE",
        "TZID:America/New_York",
        "BEGIN:DAYLIGHT",
        "DTSTART:20250309T020000",
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "TZNAME:EDT",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20251102T020000",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "TZNAME:EST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]


def test_vtimezone_zurich_uses_last_sunday_rules():
    lines = unfolded_lines(
        ical.vtimezone(
            "Europe/Zurich", datetime.date(2026, 10, 27), datetime.date(2026, 10, 27)
        ).to_ical(sorted=False)
    )

    assert [line for line in lines if line.startswith(("DTSTART", "RRULE"))] == [
        "DTSTART:20250330T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "DTSTART:20251026T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    ]


def test_vtimezone_rule_change_gets_a_count_on_the_old_rule():
    lines = unfolded_lines(
        ical.vtimezone(
            "America/New_York", datetime.date(2006, 6, 1), datetime.date(2008, 6, 1)
        ).to_ical(sorted=False)
    )

    assert [line for line in lines if line.startswith("RRULE")] == [
        "RRULE:FREQ=YEARLY;COUNT=2;BYDAY=1SU;BYMONTH=4",
        "RRULE:FREQ=YEARLY;COUNT=2;BYDAY=-1SU;BYMONTH=10",
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
    ]


def test_vtimezone_without_changes_has_one_standard_observance():
    lines = unfolded_lines(
        ical.vtimezone(
            "Asia/Kolkata", datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
        ).to_ical(sorted=False)
    )

    assert lines == [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Kolkata",
        "BEGIN:STANDARD",
        "DTSTART:20250101T053000",
        "RDATE:20250101T053000",
        "TZOFFSETFROM:+0530",
        "TZOFFSETTO:+0530",
        "TZNAME:IST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]


def parsed_zones(tzid: str, first: datetime.date, last: datetime.date) -> dict:
    """Return our VTIMEZONE as each parser understands it, under a name no parser knows
    (so that none of them falls back on its own copy of the IANA database)."""
    component = ical.vtimezone(tzid, first, last)
    component["TZID"] = f"Custom {tzid} {first} {last}"
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", ical.PRODID)
    calendar.add_component(component)
    text = calendar.to_ical().decode()
    return {
        "icalendar": icalendar.Calendar.from_ical(text).timezones[0].to_tz(lookup_tzid=False),
        "ical": IcsTimezoneInfo.from_timezone(
            IcsCalendarStream.calendar_from_ics(text).timezones[0]
        ),
        "vobject": vobject.readOne(text).vtimezone.gettzinfo(),
    }


@pytest.mark.parametrize(
    ("tzid", "first", "last"),
    [
        ("America/New_York", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
        ("Europe/Zurich", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
        ("Europe/Dublin", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        ("Australia/Lord_Howe", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        ("America/Sao_Paulo", datetime.date(2018, 1, 1), datetime.date(2020, 12, 31)),
        ("America/New_York", datetime.date(2006, 1, 1), datetime.date(2008, 12, 31)),
        ("Asia/Kolkata", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ],
)
def test_vtimezone_gives_every_parser_the_offsets_of_the_iana_zone(tzid, first, last):
    zone = zoneinfo.ZoneInfo(tzid)
    parsed = parsed_zones(tzid, first, last)
    wrong = []
    day = first
    while day <= last:
        for clock_time in (datetime.time(3, 30), datetime.time(12, 0), datetime.time(23, 30)):
            local = datetime.datetime.combine(day, clock_time)
            expected = local.replace(tzinfo=zone).utcoffset()
            if expected != local.replace(tzinfo=zone, fold=1).utcoffset():
                continue  # a repeated or skipped wall-clock time: clients may differ
            for parser, tz in parsed.items():
                if local.replace(tzinfo=tz).utcoffset() != expected:
                    wrong.append((parser, local))
        day += datetime.timedelta(days=1)

    assert wrong == []


def test_talk_on_tuesday_after_autumn_dst_change_in_new_york_parses_as_noon(clock):
    talk = WeeklyTalkFactory(
        series=NewSeriesFactory(timezone="America/New_York"),
        start=datetime.datetime(2026, 11, 3, 12, 0, tzinfo=NEW_YORK),
    )
    # Renamed so that every parser must rely on our VTIMEZONE, not on its own tz database
    # (parsers remember zones by name: each test needs its own).
    body = build([talk]).replace(b"America/New_York", b"Custom New York")

    events = parsed_events(body)

    utc = {parser: found[0]["start"].astimezone(datetime.UTC) for parser, found in events.items()}
    local = {parser: found[0]["start"].strftime("%H:%M") for parser, found in events.items()}
    expected_utc = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)
    assert utc == {"icalendar": expected_utc, "ical": expected_utc, "vobject": expected_utc}
    assert local == {"icalendar": "12:00", "ical": "12:00", "vobject": "12:00"}


def test_talk_on_tuesday_after_autumn_dst_change_in_zurich_parses_as_noon(clock):
    talk = WeeklyTalkFactory(
        series=SeriesFactory(timezone="Europe/Zurich", name="Zürich Colloquium"),
        start=datetime.datetime(2026, 10, 27, 12, 0, tzinfo=ZURICH),
    )
    body = build([talk]).replace(b"Europe/Zurich", b"Custom Zurich")

    events = parsed_events(body)

    utc = {parser: found[0]["start"].astimezone(datetime.UTC) for parser, found in events.items()}
    expected_utc = datetime.datetime(2026, 10, 27, 11, 0, tzinfo=datetime.UTC)
    assert utc == {"icalendar": expected_utc, "ical": expected_utc, "vobject": expected_utc}
    assert events["ical"][0]["start"].strftime("%H:%M") == "12:00"


LONG_ABSTRACT = "\n\n".join(
    f"Paragraph {n}: caches, queues; “quotes”, back\\slashes, Zürich – naïve café ✓ 🚀 "
    + "systems " * 40
    for n in range(30)
)


@pytest.fixture
def tricky_talks(clock):
    """Talks whose text tries every escaping and folding rule."""
    zurich = SeriesFactory(
        name="Zürich Systems; Colloquium, Weekly", timezone="Europe/Zurich", default_location=""
    )
    technion = AffiliationFactory(name="Technion – Israel Institute of Technology")
    speakers = [
        SpeakerFactory(
            name="Zoë Müller-Lüdenscheidt", affiliation=AffiliationFactory(name="ETH Zürich")
        ),
        SpeakerFactory(name="Ori Rottenstreich", affiliation=technion),
        SpeakerFactory(name="O’Brien, Séan; Jr.", affiliation=None),
    ]
    tag = EventTypeFactory(name="Talks, panels; Q&A")
    talks = [
        WeeklyTalkFactory(
            title="Caches, queues; and\nnewlines: a “study” – part 1",
            series=zurich,
            start=datetime.datetime(2026, 10, 27, 12, 0, tzinfo=ZURICH),
            venue=VenueFactory(
                name="HG; Hauptgebäude, ETH",
                room="F 1",
                address="Rämistrasse 101\n8092 Zürich; Schweiz, CH",
                latitude="47.376500",
                longitude="8.548000",
            ),
            location="Room 1, Building; ETH Zürich – Hönggerberg",
            abstract=LONG_ABSTRACT,
            speakers=speakers,
            event_types=[tag],
        ),
        WeeklyTalkFactory(
            title="日本語のタイトル " * 12,
            series=SeriesFactory(name="Technion – Israel Institute of Technology Seminar"),
            start=datetime.datetime(2026, 11, 3, 12, 0, tzinfo=NEW_YORK),
            abstract="Back\\slash; semi, comma\r\nCRLF line and a [link](https://example.org/a,b;c).",
            speakers=[speakers[1]],
            venue=VenueFactory(name="Zoom; online, “live”", is_online=True),
        ),
    ]
    MaterialFactory(talk=talks[0], kind="slides", url="https://example.org/slides,v1;final.pdf")
    MaterialFactory(talk=talks[0], kind="recording", url="https://vid.example/watch?v=a&t=1")
    MaterialFactory(talk=talks[1], kind="code", url="https://example.org/日本/" + "x" * 90)
    return talks


def test_feed_bytes_with_tricky_text_are_crlf_folded_utf8(tricky_talks):
    body = build(tricky_talks, name="Zürich – “talks”, all; of them")

    assert_wire_format(body)


def test_feed_with_tricky_text_parses_identically_with_three_parsers(tricky_talks):
    talks = [fetch(talk) for talk in tricky_talks]
    body = build(tricky_talks, name="Zürich – “talks”, all; of them")

    events = parsed_events(body)

    expected = [
        {
            "uid": str(talk.uid),
            "summary": talk.title,
            "description": ical.talk_description(talk),
            "location": talk.place,
            "start": talk.local_start,
            "end": talk.local_end,
            "sequence": 0,
            "status": "CONFIRMED",
        }
        for talk in talks
    ]
    assert events == {"icalendar": expected, "ical": expected, "vobject": expected}
    assert parse_all(body)["ical"].name == ["Zürich – “talks”, all; of them"]
    assert str(parse_all(body)["vobject"].x_wr_calname.value) == "Zürich – “talks”, all; of them"


def test_feed_of_the_demo_data_parses_with_three_parsers(demo):
    talks = list(Talk.objects.public().with_speakers().order_by("start"))
    body = build(talks)

    assert_wire_format(body)
    events = parsed_events(body)
    expected_uids = [str(talk.uid) for talk in talks]
    assert {parser: [event["uid"] for event in found] for parser, found in events.items()} == {
        "icalendar": expected_uids,
        "ical": expected_uids,
        "vobject": expected_uids,
    }
    assert len(expected_uids) == 10


def test_event_data_read_in_bulk_equals_that_of_a_fetched_talk(talk):
    assert event_data(Talk.objects.all()) == [fetch(talk)]


def test_event_key_changes_with_everything_the_event_shows(talk):
    event = fetch(talk)
    changes = {
        "title": "Another title",
        "start": event.start + datetime.timedelta(hours=1),
        "timezone": "Europe/Zurich",
        "abstract_text": "Another abstract.",
        "slug": "another-slug",
        "speakers": (("William Nixon", "ETH Zürich"),),
        "categories": ("Seminar",),
        "sequence": 1,
    }

    keys = {
        event.key(),
        *(replace(event, **{name: value}).key() for name, value in changes.items()),
    }

    assert len(keys) == len(changes) + 1
    assert event.key() == fetch(talk).key()


# Text that tests RFC 5545 escaping and folding: every special character, each kind of line
# break, and multibyte characters, backslashes and carets at and around the fold points.
HOSTILE_TEXTS = [
    "",
    "x" * 73,
    "x" * 74,
    "x" * 75,
    "x" * 500,
    "Commas, semicolons; backslashes \\ and \\\\ and a literal \\N, \\n and \\, here",
    "Lines\nwith\r\nevery\rkind of\n\nbreak\r\n",
    *("a" * n + "é" * 40 for n in range(60, 76)),
    *("a" * n + "日本語" * 30 for n in range(60, 76)),
    *("a" * n + "😀" * 30 for n in range(60, 76)),
    *("a" * n + "\\" * 5 + "b" * 80 for n in range(60, 76)),
    *("a" * n + "^" * 3 + ";" * 3 + "," * 3 + "b" * 80 for n in range(60, 76)),
    "\\" * 200,
    ("é\\,;\n😀^" * 40),
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_fold_and_escape_are_byte_exact_with_icalendar(text):
    from icalendar.parser import Contentline

    for name in ("SUMMARY", "DESCRIPTION", "LOCATION;TZID=Zone"):
        expected = Contentline(f"{name}:" + escaped_by_icalendar(text)).to_ical()

        assert ical.fold(f"{name}:".encode() + ical.text_value(text)) == expected


def escaped_by_icalendar(text: str) -> str:
    return icalendar.vText(text).to_ical().decode()


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_event_bytes_are_the_bytes_icalendar_makes_of_hostile_text(talk, text):
    event = replace(
        fetch(talk),
        title=text,
        place=text,
        abstract_text=text,
        speakers=((text, text), ("Ann", None)),
        categories=(text, "Plain"),
    )

    assert ical.event_bytes(event) == ical.talk_event(event).to_ical(sorted=False)


@pytest.mark.parametrize(
    "geo", [None, (0.0, 0.0), (-33.856784, 151.215297), (90.0, -180.0), (47.3765, 8.548)]
)
def test_event_bytes_write_geo_and_attachments_as_icalendar_does(talk, geo):
    materials = (("Slides", "https://example.org/a,b;c.pdf"), ("Code", "https://x.org/" + "é" * 80))
    event = replace(fetch(talk), geo=geo, materials=materials)

    built = ical.event_bytes(event)

    assert built == ical.talk_event(event).to_ical(sorted=False)
    assert (b"GEO:" in built, built.count(b"\r\nATTACH:")) == (geo is not None, 2)


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata"])
def test_event_bytes_name_every_timezone_as_icalendar_does(talk, zone):
    event = replace(fetch(talk), timezone=zone)

    assert ical.event_bytes(event) == ical.talk_event(event).to_ical(sorted=False)


def test_every_built_event_is_the_one_icalendar_builds_and_three_parsers_read(tricky_talks, talk):
    events = [fetch(each) for each in [*tricky_talks, talk]]
    body = build([*tricky_talks, talk])

    calendars = parse_all(body)

    reference = [ical.talk_event(event) for event in events]
    assert [component.to_ical(sorted=False) for component in reference] == [
        ical.event_bytes(event) for event in events
    ]
    assert [
        (str(parsed["UID"]), str(parsed["DESCRIPTION"]), parsed["LAST-MODIFIED"].dt)
        for parsed in calendars["icalendar"].events
    ] == [
        (str(built["UID"]), str(built["DESCRIPTION"]), built["LAST-MODIFIED"].dt)
        for built in reference
    ]
    assert [event.uid for event in calendars["ical"].events] == [e.uid for e in events]
    assert [event.uid.value for event in calendars["vobject"].vevent_list] == [
        e.uid for e in events
    ]


@pytest.mark.parametrize("minutes", ical.ALARM_MINUTES)
@pytest.mark.parametrize("title", ["A Year in LLM Serving", HOSTILE_TEXTS[-1]])
def test_event_with_alarm_is_the_bytes_icalendar_makes(talk, minutes, title):
    event = replace(fetch(talk), title=title)
    reference = ical.talk_event(event)
    reference.add_component(ical.talk_alarm(event, minutes))

    assert ical.with_alarm(ical.event_bytes(event), event, minutes) == reference.to_ical(
        sorted=False
    )
