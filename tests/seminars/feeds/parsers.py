"""Checks of calendar bytes: the wire format, and three independent parsers' reading."""

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream


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
