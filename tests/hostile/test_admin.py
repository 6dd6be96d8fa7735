"""Findings 7, 8 and 13 in the admin: "View on site" is scoped per organiser, a retired slug
stays its talk's, and a junk year in the date hierarchy is no server error."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from seminars.models import Announcement, Talk
from speakers.models import Speaker
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory
from tests.seminars.test_admin import talk_form_data

pytestmark = pytest.mark.django_db


def shortcut(model, object_id) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(model).pk}/{object_id}/"


def test_view_on_site_shortcut_keeps_other_series_drafts_hidden(organiser_client):
    mine = TalkFactory(series=SeriesFactory(name="Series A"), status=Talk.Status.DRAFT)
    theirs = TalkFactory(
        series=SeriesFactory(name="Series B"),
        title="Secret merger talk",
        status=Talk.Status.DRAFT,
    )
    speaker = SpeakerFactory()

    answers = {
        "mine": organiser_client.get(shortcut(Talk, mine.pk)),
        "theirs": organiser_client.get(shortcut(Talk, theirs.pk)),
        "speaker": organiser_client.get(shortcut(Speaker, speaker.pk)),
        "junk id": organiser_client.get(shortcut(Talk, "1'--")),
        "junk type": organiser_client.get("/admin/r/999999/1/"),
    }

    assert {name: response.status_code for name, response in answers.items()} == {
        "mine": 302,
        "theirs": 404,
        "speaker": 302,
        "junk id": 404,
        "junk type": 404,
    }
    assert answers["mine"]["Location"].endswith(mine.get_absolute_url())
    assert b"secret" not in answers["theirs"].content.lower()


def test_view_on_site_shortcut_asks_anonymous_visitors_to_log_in(client, db):
    talk = TalkFactory(status=Talk.Status.DRAFT)

    response = client.get(shortcut(Talk, talk.pk))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")


def test_admin_refuses_a_slug_that_still_redirects_to_another_talk(staff_client, client):
    renamed = TalkFactory(title="First", slug="old-address")
    renamed.slug = "new-address"
    form = talk_form_data(renamed.series, title="First", slug="new-address", status="published")
    form["loaded_edit_version"] = renamed.edit_version
    staff_client.post(reverse("admin:seminars_talk_change", args=[renamed.pk]), form)

    takeover = staff_client.post(
        reverse("admin:seminars_talk_add"),
        talk_form_data(renamed.series, title="Second", slug="old-address"),
    )

    assert takeover.context["adminform"].form.errors["slug"] == [
        "“old-address” was the address of another one before it was renamed, and still "
        "leads there; choose another slug."
    ]
    assert client.get("/talks/old-address/")["Location"] == "/talks/new-address/"
    # The API answers the old path with the renamed talk, never with another one.
    assert client.get("/api/talks/old-address/").json()["slug"] == "new-address"


@pytest.mark.parametrize(
    "query",
    [
        "start__year=99999999999999999999",
        "start__year=99999999999999999999&start__month=1",
        "start__year=2026&start__month=99999999999999999999",
        "start__year=0",
        "start__year=9999&start__month=12&start__day=31",
        "start__year=abc",
    ],
)
def test_admin_date_hierarchy_junk_is_no_server_error(staff_client, query):
    TalkFactory()

    url = reverse("admin:seminars_talk_changelist")

    response = staff_client.get(f"{url}?{query}")

    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


def test_admin_announcement_date_hierarchy_junk_is_no_server_error(staff_client):
    assert Announcement.objects.count() == 0
    url = reverse("admin:seminars_announcement_changelist")

    response = staff_client.get(url + "?claimed_at__year=99999999999999999999")

    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
