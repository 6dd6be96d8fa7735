"""The API's venue object, attendance, materials, and the venue and has filters."""

import pytest
from django.core.files.base import ContentFile

from seminars.models import Material, Talk
from tests.factories import MaterialFactory, TalkFactory, VenueFactory

pytestmark = pytest.mark.django_db

SITE = "https://seminars.example.org"


def test_api_talk_has_venue_attendance_and_materials(client, now, media_root):
    venue = VenueFactory(
        name="ETH, Main Building",
        slug="eth",
        address="Rämistrasse 101\n8092 Zürich",
        latitude="47.376887",
        longitude="8.547670",
        accessibility="Step-free access.",
        capacity=300,
    )
    talk = TalkFactory(
        slug="engines",
        venue=venue,
        location="HG F 1",
        audience="invitation",
        registration_required=True,
        registration_url="https://example.org/register",
    )
    slides = Material.objects.create(
        talk=talk, kind="slides", file=ContentFile(b"%PDF-1.7\n%%EOF", name="s.pdf"), order=0
    )
    MaterialFactory(talk=talk, kind="recording", url="https://video.example.org/1", order=1)

    data = client.get("/api/talks/engines/").json()

    assert data["venue"] == {
        "slug": "eth",
        "name": "ETH, Main Building",
        "online": False,
        "room": "",
        "address": ["Rämistrasse 101", "8092 Zürich"],
        "latitude": 47.376887,
        "longitude": 8.54767,
        "map_url": "https://www.openstreetmap.org/?mlat=47.376887&mlon=8.547670"
        "#map=18/47.376887/8.547670",
        "directions": "",
        "accessibility": "Step-free access.",
        "capacity": 300,
        "url": f"{SITE}/venues/eth/",
        "ics_url": f"{SITE}/venues/eth/calendar.ics",
        "talks_url": f"{SITE}/api/talks/?venue=eth",
    }
    assert {
        key: data[key]
        for key in (
            "location",
            "room",
            "audience",
            "registration_required",
            "registration_url",
            "materials",
            "slides_url",
            "recording_url",
        )
    } == {
        "location": "ETH, Main Building, HG F 1",
        "room": "HG F 1",
        "audience": "invitation",
        "registration_required": True,
        "registration_url": "https://example.org/register",
        "materials": [
            {
                "kind": "slides",
                "url": f"{SITE}/talks/engines/materials/{slides.pk}/",
                "size": 14,
            },
            {"kind": "recording", "url": "https://video.example.org/1", "size": None},
        ],
        "slides_url": f"{SITE}/talks/engines/materials/{slides.pk}/",
        "recording_url": "https://video.example.org/1",
    }


def test_api_talk_without_venue_has_null_venue(client, now):
    TalkFactory(slug="engines", series__default_location="", location="")

    data = client.get("/api/talks/engines/").json()

    assert (data["venue"], data["location"], data["room"], data["materials"]) == (
        None,
        "",
        "",
        [],
    )


def test_api_filters_by_venue_and_material(client, now):
    hall = VenueFactory(slug="hall")
    TalkFactory(title="At the hall", venue=hall)
    recorded = TalkFactory(title="Recorded at the hall", venue=hall)
    MaterialFactory(talk=recorded, kind="recording")
    TalkFactory(title="Elsewhere")
    TalkFactory(title="Draft", venue=hall, status=Talk.Status.DRAFT)

    def titles(query):
        return sorted(
            talk["title"] for talk in client.get(f"/api/talks/?{query}").json()["results"]
        )

    assert titles("venue=hall") == ["At the hall", "Recorded at the hall"]
    assert titles("has=recording") == ["Recorded at the hall"]
    assert titles("venue=hall&has=slides") == []
    response = client.get("/api/talks/?has=video")
    assert (response.status_code, response.json()) == (
        404,
        {"error": "“has” must be slides or recording, not “video”.", "parameter": "has"},
    )
    assert client.get("/api/talks/?venue=nowhere").json()["parameter"] == "venue"


def test_embed_lists_the_talks_of_a_venue(client, now):
    hall = VenueFactory(slug="hall")
    TalkFactory(title="At the hall", venue=hall)
    TalkFactory(title="Elsewhere")

    response = client.get("/embed/upcoming/?venue=hall")

    assert [talk.title for talk in response.context["talks"]] == ["At the hall"]
