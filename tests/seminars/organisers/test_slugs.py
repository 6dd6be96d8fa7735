"""Slugs follow content: a filled placeholder gets a slug from its new title."""

import pytest
from django.urls import reverse

from seminars.models import Talk
from speakers.models import RetiredSlug
from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placeholder():
    return TalkFactory(
        title="Speaker to be announced", slug="speaker-to-be-announced-3", is_placeholder=True
    )


def form_data(talk, **changes):
    data = {
        "title": talk.title,
        "slug": talk.slug,
        "series": talk.series_id,
        "status": talk.status,
        "is_placeholder": "on",
        "start_0": "2026-12-08",
        "start_1": "12:00",
        "end_0": "2026-12-08",
        "end_1": "13:00",
        "location": talk.location,
        "online_url": "",
        "online_link_visibility": "before_start",
        "abstract": "",
        "host": "",
        "audience": "open",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "loaded_edit_version": talk.edit_version,
        "talk_speakers-TOTAL_FORMS": "0",
        "talk_speakers-INITIAL_FORMS": "0",
        "talk_speakers-MIN_NUM_FORMS": "0",
        "talk_speakers-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_filled_placeholder_gets_a_slug_from_its_title_and_the_old_one_redirects(
    staff_client, client, placeholder
):
    response = staff_client.post(
        reverse("admin:seminars_talk_change", args=[placeholder.pk]),
        form_data(placeholder, title="Verified Compilers", is_placeholder=None),
    )

    assert response.status_code == 302
    placeholder.refresh_from_db()
    assert (placeholder.slug, placeholder.is_placeholder) == ("verified-compilers", False)
    assert list(RetiredSlug.objects.values_list("slug", "object_id")) == [
        ("speaker-to-be-announced-3", placeholder.pk)
    ]
    old = client.get("/talks/speaker-to-be-announced-3/")
    assert (old.status_code, old["Location"]) == (301, "/talks/verified-compilers/")


def test_filled_placeholder_keeps_a_slug_the_organiser_typed(staff_client, placeholder):
    staff_client.post(
        reverse("admin:seminars_talk_change", args=[placeholder.pk]),
        form_data(placeholder, title="Verified Compilers", slug="compcert", is_placeholder=None),
    )

    placeholder.refresh_from_db()
    assert placeholder.slug == "compcert"


def test_renamed_placeholder_that_stays_a_placeholder_keeps_its_slug(staff_client, placeholder):
    staff_client.post(
        reverse("admin:seminars_talk_change", args=[placeholder.pk]),
        form_data(placeholder, title="Speaker to be confirmed"),
    )

    placeholder.refresh_from_db()
    assert (placeholder.title, placeholder.slug) == (
        "Speaker to be confirmed",
        "speaker-to-be-announced-3",
    )


def test_filled_placeholder_title_already_taken_gets_a_numbered_slug(staff_client, placeholder):
    TalkFactory(title="Verified Compilers")

    staff_client.post(
        reverse("admin:seminars_talk_change", args=[placeholder.pk]),
        form_data(placeholder, title="Verified Compilers", is_placeholder=None),
    )

    assert Talk.objects.get(pk=placeholder.pk).slug == "verified-compilers-2"
