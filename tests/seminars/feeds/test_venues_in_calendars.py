"""Venues, materials and the venue and has filters in calendar feeds."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile

from seminars.feeds import ical
from seminars.feeds.selection import event_data
from seminars.models import Material, Talk
from tests.clock import NEW_YORK
from tests.factories import MaterialFactory, VenueFactory, WeeklyTalkFactory

pytestmark = pytest.mark.django_db

TRICKY_ADDRESS = "Hörsaal 1; Gebäude C\nRämistrasse 101, 8092 Zürich"


def unfolded_lines(raw: bytes) -> list[str]:
    return re.sub(rb"\r\n[ \t]", b"", raw).decode("utf-8").split("\r\n")[:-1]


def event_lines(talk: Talk, *names: str) -> list[str]:
    """Return the lines of the talk's event (as feeds build it) that start with `names`."""
    [data] = event_data(Talk.objects.filter(pk=talk.pk))
    return [line for line in unfolded_lines(ical.event_bytes(data)) if line.startswith(names)]


def test_location_is_name_room_and_address_escaped_with_geo(clock):
    venue = VenueFactory(
        name="ETH, Main Building",
        address=TRICKY_ADDRESS,
        latitude="47.376887",
        longitude="8.547670",
    )
    talk = WeeklyTalkFactory(venue=venue, location="HG F 1")

    assert event_lines(talk, "LOCATION", "GEO") == [
        "LOCATION:ETH\\, Main Building\\, HG F 1\\, Hörsaal 1\\; Gebäude C\\, "
        "Rämistrasse 101\\, 8092 Zürich",
        "GEO:47.376887;8.54767",
    ]


@pytest.mark.parametrize(
    ("latitude", "longitude", "geo"),
    [
        ("0.000001", "-0.000010", "GEO:0.000001;-0.00001"),
        ("10.000000", "-120.000000", "GEO:10.0;-120.0"),
        ("0", "0", "GEO:0.0;0.0"),
    ],
)
def test_geo_is_written_in_plain_decimals_never_exponents(clock, latitude, longitude, geo):
    # RFC 5545 FLOAT has no exponent: "1e-06" is not a number to a calendar client.
    venue = VenueFactory(name="Null Island", latitude=latitude, longitude=longitude)
    talk = WeeklyTalkFactory(venue=venue)

    assert event_lines(talk, "GEO") == [geo]


def test_location_without_coordinates_or_room_uses_the_venue_room_and_no_geo(clock):
    venue = VenueFactory(name="Stata Center", room="Room 32-G882", address="32 Vassar Street")
    talk = WeeklyTalkFactory(venue=venue)

    assert event_lines(talk, "LOCATION", "GEO") == [
        "LOCATION:Stata Center\\, Room 32-G882\\, 32 Vassar Street"
    ]


def test_online_venue_is_its_name_alone(clock):
    talk = WeeklyTalkFactory(venue=VenueFactory(name="Zoom", is_online=True))

    assert event_lines(talk, "LOCATION", "GEO") == ["LOCATION:Zoom"]


def test_talk_without_venue_or_room_has_no_location(clock):
    talk = WeeklyTalkFactory(series__default_location="")

    assert event_lines(talk, "LOCATION", "GEO") == []


def test_materials_are_attached_and_listed_in_the_description(clock, media_root):
    talk = WeeklyTalkFactory(slug="engines")
    MaterialFactory(talk=talk, kind="recording", url="https://video.example.org/1", order=0)
    slides = Material.objects.create(
        talk=talk, kind="slides", file=ContentFile(b"%PDF-1.7\n%%EOF", name="x.pdf"), order=1
    )
    site = "https://seminars.example.org"

    lines = event_lines(talk, "ATTACH", "DESCRIPTION")

    assert lines == [
        "DESCRIPTION:Recording: https://video.example.org/1\\n"
        f"Slides: {site}/talks/engines/materials/{slides.pk}/\\n\\n"
        f"Talk page: {site}/talks/engines/",
        "ATTACH:https://video.example.org/1",
        f"ATTACH:{site}/talks/engines/materials/{slides.pk}/",
    ]


def test_venue_feed_and_filters_choose_the_talks(client, clock):
    hall = VenueFactory(name="Hall A", slug="hall-a")
    WeeklyTalkFactory(title="At the hall", venue=hall)
    recorded = WeeklyTalkFactory(title="Recorded", venue=hall)
    MaterialFactory(talk=recorded, kind="recording")
    WeeklyTalkFactory(title="Elsewhere", venue=VenueFactory(name="Hall B"))
    WeeklyTalkFactory(title="Draft at the hall", venue=hall, status=Talk.Status.DRAFT)

    def summaries(url):
        body = client.get(url).content
        return sorted(line[8:] for line in unfolded_lines(body) if line.startswith("SUMMARY:"))

    assert summaries("/venues/hall-a/calendar.ics") == ["At the hall", "Recorded"]
    assert summaries("/calendar.ics?venue=hall-a&has=recording") == ["Recorded"]
    assert summaries("/calendar.ics?has=recording") == ["Recorded"]
    assert b"X-WR-CALNAME:Talks at Hall A" in client.get("/venues/hall-a/calendar.ics").content


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/venues/nowhere/calendar.ics", "There is no venue “nowhere” with public talks."),
        ("/calendar.ics?has=slide", "“has” must be slides or recording, not “slide”."),
    ],
)
def test_unknown_venue_or_material_kind_is_a_404(client, clock, url, message):
    WeeklyTalkFactory(venue=VenueFactory())

    response = client.get(url)

    assert (response.status_code, response.content.decode()) == (404, message)


def test_changing_the_venue_moves_the_event_sequence(clock):
    talk = WeeklyTalkFactory(
        venue=VenueFactory(), start=datetime.datetime(2026, 11, 3, 12, tzinfo=NEW_YORK)
    )

    talk.venue = VenueFactory()
    talk.save()

    assert event_lines(talk, "SEQUENCE") == ["SEQUENCE:1"]


def test_a_venue_renamed_in_the_admin_reaches_subscribers_and_pages(clock, client, staff_client):
    from tests.seminars.organisers.test_history import opened_form

    venue = VenueFactory(name="G115", address="1 Old Street")
    talk = WeeklyTalkFactory(venue=venue, location="")
    feed = client.get("/calendar.ics")
    client.get(talk.get_absolute_url())  # cached
    data = opened_form(staff_client, venue) | {"name": "G999", "address": "99 New Street"}

    response = staff_client.post(f"/admin/seminars/venue/{venue.pk}/change/", data)
    again = client.get("/calendar.ics", headers={"if-none-match": feed["ETag"]})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert again.status_code == 200
    assert b"LOCATION:G999\\, 99 New Street" in again.content
    assert "G999" in client.get(talk.get_absolute_url()).content.decode()
