"""Consent is honoured on every public output: a photo the speaker did not allow, or a
recording an invited speaker did not allow to be published, appears nowhere."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from seminars.models import Material
from tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

RECORDING_URL = "https://video.example.org/recording-1"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), "image/jpeg")


@pytest.fixture
def dijkstra_with_photo(published, media_root):
    speaker = published.talk_speakers.get().speaker
    speaker.photo.save("me.jpg", jpeg())
    return speaker


def public_outputs(client, talk, speaker) -> dict[str, str]:
    return {
        "talk page": client.get(talk.get_absolute_url()).content.decode(),
        "speaker page": client.get(speaker.get_absolute_url()).content.decode(),
        "api": client.get(f"/api/talks/{talk.slug}/").content.decode(),
        "calendar": client.get(f"/talks/{talk.slug}/calendar.ics").content.decode(),
        "feed": client.get("/calendar.ics").content.decode(),
        "embed": client.get("/embed/upcoming/").content.decode(),
    }


def test_a_photo_without_consent_is_on_no_public_output(client, published, dijkstra_with_photo):
    photo_name = dijkstra_with_photo.photo.name.rsplit("/", 1)[1]
    shown = public_outputs(client, published, dijkstra_with_photo)
    assert [name for name, body in shown.items() if photo_name in body] == [
        "talk page",
        "speaker page",
        "api",
    ]
    dijkstra_with_photo.photo_consent = False
    dijkstra_with_photo.save()
    shown = public_outputs(client, published, dijkstra_with_photo)
    assert [name for name, body in shown.items() if photo_name in body] == []
    assert client.get(dijkstra_with_photo.photo.url).status_code == 404
    assert client.get(dijkstra_with_photo.photo_thumbnail.url).status_code == 404


def test_staff_still_see_a_refused_photo_in_the_admin(staff_client, dijkstra_with_photo):
    dijkstra_with_photo.photo_consent = False
    dijkstra_with_photo.save()
    response = staff_client.get(dijkstra_with_photo.photo.url)
    response.close()
    assert response.status_code == 200


def test_a_recording_is_withheld_until_every_invited_speaker_consents(
    client, published, invite, dijkstra_with_photo
):
    MaterialFactory(talk=published, kind=Material.Kind.RECORDING, url=RECORDING_URL)
    before = public_outputs(client, published, dijkstra_with_photo)
    assert [name for name, body in before.items() if RECORDING_URL in body] == [
        "talk page",
        "api",
        "calendar",
        "feed",
    ]
    assert client.get("/api/talks/?has=recording").json()["count"] == 1
    [dijkstra] = invite(published)
    withheld = public_outputs(client, published, dijkstra_with_photo)
    assert [name for name, body in withheld.items() if RECORDING_URL in body] == []
    assert client.get("/api/talks/?has=recording").json()["count"] == 0

    dijkstra.consent_publish_recording = True
    dijkstra.save()
    after = public_outputs(client, published, dijkstra_with_photo)
    assert [name for name, body in after.items() if RECORDING_URL in body] == [
        "talk page",
        "api",
        "calendar",
        "feed",
    ]
