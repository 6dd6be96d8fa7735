"""Factories and helpers shared by the calendar feed tests."""

import datetime
import zoneinfo

import factory
import icalendar
import vobject
from factory.django import DjangoModelFactory
from ical.calendar_stream import IcsCalendarStream

from seminars.models import EventType, Series, Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
# A Tuesday before the autumn daylight-saving changes of 2026 (Europe: 25 Oct, US: 1 Nov).
NOW = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"Series {n}")
    timezone = "America/New_York"
    default_location = "Room 101"


class EventTypeFactory(DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ("name",)  # the default event types come with a migration

    name = factory.Sequence(lambda n: f"Event type {n}")


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = Affiliation

    name = factory.Sequence(lambda n: f"University {n}")


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    affiliation = factory.SubFactory(AffiliationFactory)


class TalkFactory(DjangoModelFactory):
    """A published talk, weekly on Tuesdays at 12:00 (series time) from 27 October 2026."""

    class Meta:
        model = Talk
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Talk {n}")
    series = factory.SubFactory(SeriesFactory)
    start = factory.LazyAttributeSequence(
        lambda talk, n: (
            datetime.datetime(2026, 10, 27, 12, 0, tzinfo=talk.series.zoneinfo)
            + datetime.timedelta(weeks=n % 50)
        )
    )
    status = Talk.Status.PUBLISHED

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        for order, speaker in enumerate(extracted or ()):
            TalkSpeaker.objects.create(talk=self, speaker=speaker, order=order)

    @factory.post_generation
    def event_types(self, create, extracted, **kwargs):
        if extracted:
            self.event_types.set(extracted)


def assert_wire_format(body: bytes) -> None:
    """Check the raw bytes: UTF-8, CRLF line ends only, no line over 75 octets (RFC 5545 §3.1)."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    assert [line for line in lines if b"\n" in line or b"\r" in line] == []
    assert [line for line in lines if len(line) > 75] == []
    # Folding never splits a character: every physical line is UTF-8 on its own.
    for line in lines:
        line.decode("utf-8")


def parse_all(body: bytes) -> dict:
    """Parse `body` with icalendar, ical (strict RFC 5545) and vobject; return the three."""
    text = body.decode("utf-8")
    return {
        "icalendar": icalendar.Calendar.from_ical(body),
        "ical": IcsCalendarStream.calendar_from_ics(text),
        "vobject": vobject.readOne(text),
    }


def parsed_events(body: bytes) -> dict[str, list[dict]]:
    """Return, per parser, each event as a dict of the values the tests compare."""
    calendars = parse_all(body)
    return {
        "icalendar": [
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "description": str(event["DESCRIPTION"]),
                "location": str(event.get("LOCATION", "")),
                "start": event.DTSTART,
                "end": event.DTEND,
                "sequence": event.sequence,
                "status": str(event["STATUS"]),
            }
            for event in calendars["icalendar"].events
        ],
        "ical": [
            {
                "uid": event.uid,
                "summary": event.summary,
                "description": event.description,
                "location": event.location or "",
                "start": event.dtstart,
                "end": event.dtend,
                "sequence": event.sequence,
                "status": str(event.status.value),
            }
            for event in calendars["ical"].events
        ],
        "vobject": [
            {
                "uid": event.uid.value,
                "summary": event.summary.value,
                "description": event.description.value,
                "location": event.location.value if hasattr(event, "location") else "",
                "start": event.dtstart.value,
                "end": event.dtend.value,
                "sequence": int(event.sequence.value),
                "status": event.status.value,
            }
            for event in calendars["vobject"].vevent_list
        ],
    }
