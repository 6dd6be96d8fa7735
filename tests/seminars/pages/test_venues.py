"""Venue pages, the talk page's venue, attendance and materials, the archive's filter, and
the structured data of places."""

import json
import re

import pytest

from seminars.models import Talk
from seminars.pages.jsonld import talk_event
from tests.factories import MaterialFactory, TalkFactory, VenueFactory

pytestmark = pytest.mark.django_db

SITE = "https://seminars.example.org"


def text(response) -> str:
    """Return the page's text, tags removed and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def hall():
    return VenueFactory(
        name="Stata Center",
        slug="stata",
        room="Room 32-G882",
        address="32 Vassar Street\nCambridge, MA 02139",
        directions="Take the elevator to the eighth floor.",
        accessibility="Step-free access; hearing loop.",
        capacity=60,
    )


def fetched(talk: Talk) -> Talk:
    return Talk.objects.with_speakers().with_materials().get(pk=talk.pk)


def test_venue_page_shows_where_and_how_and_its_talks(client, now, hall):
    TalkFactory(title="Upcoming one", venue=hall)
    TalkFactory(title="Past one", venue=hall, start=now.replace(month=11))
    TalkFactory(title="Draft one", venue=hall, status=Talk.Status.DRAFT)

    response = client.get("/venues/stata/")

    page = text(response)
    assert response.status_code == 200
    assert (
        "Room Room 32-G882 Address 32 Vassar Street Cambridge, MA 02139 Map Open a map "
        "Directions Take the elevator to the eighth floor. "
        "Accessibility Step-free access; hearing loop. Seats 60"
    ) in page
    assert [talk.title for talk in response.context["upcoming_talks"]] == ["Upcoming one"]
    assert [talk.title for talk in response.context["past_page"]] == ["Past one"]
    assert "Draft one" not in page
    assert (
        'href="https://www.openstreetmap.org/search?query=32+Vassar+Street%2C+Cambridge%2C+MA+02139"'
        in response.content.decode()
    )
    assert 'value="https://seminars.example.org/venues/stata/calendar.ics"' in (
        response.content.decode()
    )


def test_venue_list_shows_venues_of_public_talks_only(client, now, hall):
    TalkFactory(venue=hall)
    TalkFactory(venue=VenueFactory(name="Secret room"), status=Talk.Status.DRAFT)
    TalkFactory(venue=VenueFactory(name="Zoom", slug="zoom", is_online=True))

    response = client.get("/venues/")

    assert [venue.name for venue in response.context["object_list"]] == ["Stata Center", "Zoom"]
    assert "Stata Center 32 Vassar Street, Cambridge, MA 02139 1 upcoming" in text(response)
    assert client.get("/venues/secret-room/").status_code == 404


def test_map_link_prefers_the_given_one_then_coordinates():
    with_coordinates = VenueFactory(latitude="42.361600", longitude="-71.090600")
    given = VenueFactory(map_url="https://maps.example.org/x", latitude="1", longitude="2")

    assert with_coordinates.map_link == (
        "https://www.openstreetmap.org/?mlat=42.361600&mlon=-71.090600#map=18/42.361600/-71.090600"
    )
    assert given.map_link == "https://maps.example.org/x"
    assert VenueFactory().map_link == ""
    assert VenueFactory(is_online=True, address="Nowhere").map_link == ""


def test_talk_page_shows_venue_attendance_and_materials(client, now, hall):
    talk = TalkFactory(
        slug="engines",
        venue=hall,
        location="Room 7",
        audience="members",
        registration_required=True,
        registration_url="https://example.org/register",
    )
    MaterialFactory(talk=talk, kind="recording", url="https://video.example.org/1")
    MaterialFactory(talk=talk, kind="code", url="https://git.example.org/engines")

    response = client.get("/talks/engines/")

    page = text(response)
    assert '<dt>Where</dt><dd><a href="/venues/stata/">Stata Center</a>, Room 7</dd>' in (
        response.content.decode()
    )
    assert "Who may come Members of the institution; registration required — Register" in page
    assert "Materials Recording Code" in page
    assert "Getting there: Stata Center Room Room 32-G882 Address 32 Vassar Street" in page


def test_archive_filters_and_marks_talks_with_slides_or_a_recording(client, now):
    past = now.replace(month=11)
    slides = TalkFactory(title="With slides", start=past)
    MaterialFactory(talk=slides, kind="slides")
    video = TalkFactory(title="With video", start=past.replace(day=3))
    MaterialFactory(talk=video, kind="recording")
    TalkFactory(title="Bare", start=past.replace(day=4))

    def titles(url):
        return [talk.title for talk in client.get(url).context["page_obj"]]

    assert titles("/archive/") == ["Bare", "With video", "With slides"]
    assert titles("/archive/?has=slides") == ["With slides"]
    assert titles("/archive/?has=recording") == ["With video"]
    assert titles("/archive/2026/?has=slides&has=recording") == ["With video", "With slides"]
    page = text(client.get("/archive/"))
    assert "With video Tue 3 Nov 2026" in page
    assert page.count("· slides") == 1
    assert page.count("· video") == 1
    assert client.get("/archive/?has=pdf").status_code == 404


def test_json_ld_place_has_postal_address_and_coordinates(now, hall):
    hall.latitude, hall.longitude = "42.361600", "-71.090600"
    hall.save()
    talk = TalkFactory(
        slug="engines", venue=hall, location="", registration_url="https://example.org/r"
    )
    MaterialFactory(talk=talk, kind="recording", url="https://video.example.org/1")

    event = talk_event(fetched(talk))

    assert event["location"] == {
        "@type": "Place",
        "name": "Stata Center, Room 32-G882",
        "url": f"{SITE}/venues/stata/",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "32 Vassar Street, Cambridge, MA 02139",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 42.3616, "longitude": -71.0906},
        "hasMap": "https://www.openstreetmap.org/?mlat=42.361600&mlon=-71.090600"
        "#map=18/42.361600/-71.090600",
    }
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert {key: event[key] for key in ("isAccessibleForFree", "audience", "offers")} == {
        "isAccessibleForFree": True,
        "audience": {"@type": "Audience", "audienceType": "Open to all"},
        "offers": {
            "@type": "Offer",
            "url": "https://example.org/r",
            "price": 0,
            "availability": "https://schema.org/InStock",
        },
    }
    assert event["recordedIn"] == {
        "@type": "CreativeWork",
        "name": f"Recording of “{talk.title}”",
        "url": "https://video.example.org/1",
    }


def test_json_ld_online_venue_is_a_virtual_location(now):
    talk = TalkFactory(slug="engines", venue=VenueFactory(name="Zoom", is_online=True))

    event = talk_event(fetched(talk))

    assert event["location"] == {
        "@type": "VirtualLocation",
        "url": f"{SITE}/talks/engines/",
        "name": "Zoom",
    }
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert "offers" not in event
    assert "recordedIn" not in event


def test_talk_page_json_ld_is_valid_json_with_a_tricky_address(client, now):
    venue = VenueFactory(name="Hall </script>", address="Rämistrasse 101; 8092 Zürich")
    TalkFactory(slug="engines", venue=venue)

    html = client.get("/talks/engines/").content.decode()

    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(script)["location"]["address"]["streetAddress"] == (
        "Rämistrasse 101; 8092 Zürich"
    )
