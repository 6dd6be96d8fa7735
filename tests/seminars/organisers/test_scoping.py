import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seminars.models import Announcement, EventType, Material, Series, Talk
from speakers.history import latest_version_id
from speakers.models import Affiliation, Speaker
from tests.factories import AffiliationFactory, SeriesFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ORGANISER_PERMISSIONS = {
    "seminars.view_venue",
    "seminars.add_venue",
    "seminars.change_venue",
    "seminars.view_series",
    "seminars.change_series",
    "seminars.view_talk",
    "seminars.add_talk",
    "seminars.change_talk",
    "seminars.delete_talk",
    "seminars.view_talkspeaker",
    "seminars.add_talkspeaker",
    "seminars.change_talkspeaker",
    "seminars.delete_talkspeaker",
    "seminars.view_eventtype",
    "seminars.add_eventtype",
    "seminars.change_eventtype",
    "seminars.view_announcement",
    "seminars.delete_announcement",
    "seminars.view_material",
    "seminars.add_material",
    "seminars.change_material",
    "seminars.delete_material",
    "seminars.view_proposal",
    "seminars.change_proposal",
    "seminars.view_invitation",
    "speakers.view_speaker",
    "speakers.add_speaker",
    "speakers.change_speaker",
    "speakers.view_affiliation",
    "speakers.add_affiliation",
    "speakers.change_affiliation",
}


@pytest.fixture
def series_b():
    return SeriesFactory(name="Series B")


@pytest.fixture
def talk_a(series_a):
    return TalkFactory(title="Talk A", series=series_a, status=Talk.Status.DRAFT)


@pytest.fixture
def talk_b(series_b):
    return TalkFactory(
        title="Talk B",
        series=series_b,
        status=Talk.Status.DRAFT,
        speakers=[SpeakerFactory(name="Shared Speaker")],
    )


def talk_form_data(talk, **overrides):
    data = {
        "title": talk.title,
        "slug": talk.slug,
        "series": talk.series_id,
        "status": talk.status,
        "start_0": "2026-12-08",
        "start_1": "12:00",
        "end_0": "2026-12-08",
        "end_1": "13:00",
        "location": talk.location,
        "online_url": "",
        "online_link_visibility": "before_start",
        "abstract": talk.abstract,
        "host": "",
        "loaded_edit_version": talk.edit_version,
        "talk_speakers-TOTAL_FORMS": "0",
        "talk_speakers-INITIAL_FORMS": "0",
        "talk_speakers-MIN_NUM_FORMS": "0",
        "talk_speakers-MAX_NUM_FORMS": "1000",
        "audience": "open",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_organisers_group_has_the_permissions_of_its_data_migration():
    group = Group.objects.get(name="Seminar organisers")

    assert {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    } == ORGANISER_PERMISSIONS


def test_editable_by_gives_organisers_their_series_and_superusers_all(
    organiser, talk_a, talk_b, series_a, series_b
):
    superuser = get_user_model().objects.create(username="root", is_superuser=True)
    retired = get_user_model().objects.create(username="old", is_superuser=True, is_active=False)
    stranger = get_user_model().objects.create(username="bob", is_staff=True)

    assert list(Series.objects.editable_by(organiser)) == [series_a]
    assert list(Talk.objects.editable_by(organiser)) == [talk_a]
    assert list(Series.objects.editable_by(superuser)) == [series_a, series_b]
    assert list(Talk.objects.editable_by(superuser).order_by("title")) == [talk_a, talk_b]
    assert list(Talk.objects.editable_by(stranger)) == []
    assert list(Talk.objects.editable_by(retired)) == []
    assert list(Talk.objects.editable_by(AnonymousUser())) == []


def test_a_series_with_two_organisers_lists_its_talks_once(organiser, talk_a, series_a):
    series_a.organisers.add(get_user_model().objects.create(username="carol"))

    assert list(Talk.objects.editable_by(organiser)) == [talk_a]


def test_organiser_talk_changelist_lists_only_their_series(
    organiser_client, organiser, talk_a, talk_b
):
    series_c = SeriesFactory(name="Series C")
    series_c.organisers.add(organiser)
    TalkFactory(title="Talk C", series=series_c)

    response = organiser_client.get(reverse("admin:seminars_talk_changelist"))

    assert response.status_code == 200
    assert sorted(talk.title for talk in response.context["cl"].result_list) == [
        "Talk A",
        "Talk C",
    ]
    [series_filter] = [
        spec for spec in response.context["cl"].filter_specs if spec.title == "series"
    ]
    # The filter offers the series of the talks listed: never another organiser's series.
    assert [label for _, label in series_filter.lookup_choices] == ["Series A", "Series C"]


def test_organiser_series_changelist_lists_only_their_series(organiser_client, series_b):
    response = organiser_client.get(reverse("admin:seminars_series_changelist"))

    assert [series.name for series in response.context["cl"].result_list] == ["Series A"]


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_organiser_talk_urls_of_another_series_are_404(organiser_client, talk_b, view):
    url = reverse(f"admin:seminars_talk_{view}", args=[talk_b.pk])

    assert organiser_client.get(url).status_code == 404


def test_organiser_cannot_download_a_pdf_of_another_series_talk(
    organiser_client, talk_a, talk_b, media_root
):
    pdf = SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    theirs = Material.objects.create(talk=talk_b, kind="slides", file=pdf)
    mine = Material.objects.create(talk=talk_a, kind="slides", file=pdf)

    assert (
        organiser_client.get(
            reverse("admin:seminars_talk_material_file", args=[talk_b.pk, theirs.pk])
        ).status_code
        == 404
    )
    assert (
        organiser_client.get(
            reverse("admin:seminars_talk_material_file", args=[talk_a.pk, theirs.pk])
        ).status_code
        == 404
    )
    response = organiser_client.get(
        reverse("admin:seminars_talk_material_file", args=[talk_a.pk, mine.pk])
    )
    assert response.status_code == 200
    response.close()


def test_organiser_cannot_post_a_change_to_another_series_talk(organiser_client, talk_b):
    url = reverse("admin:seminars_talk_change", args=[talk_b.pk])

    response = organiser_client.post(url, talk_form_data(talk_b, title="Hijacked"))

    assert response.status_code == 404
    assert Talk.objects.get(pk=talk_b.pk).title == "Talk B"


def test_organiser_series_urls_of_another_series_are_404(organiser_client, series_b):
    for url in (
        reverse("admin:seminars_series_change", args=[series_b.pk]),
        reverse("admin:seminars_series_announcement", args=[series_b.pk]),
    ):
        assert organiser_client.get(url).status_code == 404


def test_organiser_announcement_page_of_another_series_talk_is_404(organiser_client, talk_b):
    url = reverse("admin:seminars_talk_announcement", args=[talk_b.pk])

    assert organiser_client.get(url).status_code == 404
    assert organiser_client.post(url).status_code == 404


@pytest.mark.parametrize(
    ("action", "messages"),
    [
        ("publish_selected", ["Published 0 talk(s)."]),
        ("cancel_selected", ["Cancelled 0 talk(s). They stay listed, marked as cancelled."]),
        ("delete_selected", []),
    ],
)
def test_organiser_actions_on_another_series_talk_change_nothing(
    organiser_client, talk_a, talk_b, action, messages
):
    response = organiser_client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": action, "_selected_action": [talk_b.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == messages
    assert list(Talk.objects.order_by("title").values_list("title", "status")) == [
        ("Talk A", Talk.Status.DRAFT),
        ("Talk B", Talk.Status.DRAFT),
    ]


def test_organiser_action_on_a_mixed_selection_touches_only_their_talk(
    organiser_client, talk_a, talk_b
):
    organiser_client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": "publish_selected", "_selected_action": [talk_a.pk, talk_b.pk]},
    )

    assert dict(Talk.objects.values_list("title", "status")) == {
        "Talk A": Talk.Status.PUBLISHED,
        "Talk B": Talk.Status.DRAFT,
    }


def test_organiser_export_of_another_series_talk_gives_no_row(organiser_client, talk_b):
    response = organiser_client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": "export_csv", "_selected_action": [talk_b.pk]},
    )

    assert response.content.decode() == (
        "\ufeffuid,slug,title,status,start,end,series,speakers,event_types,location,abstract,"
        "venue,version\r\n"
    )


def test_organiser_cannot_move_a_talk_into_another_series(organiser_client, talk_a, series_b):
    url = reverse("admin:seminars_talk_change", args=[talk_a.pk])

    response = organiser_client.post(url, talk_form_data(talk_a, series=series_b.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["series"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Talk.objects.get(pk=talk_a.pk).series == talk_a.series


def test_organiser_talk_form_offers_only_their_series(organiser_client, series_a, series_b):
    response = organiser_client.get(reverse("admin:seminars_talk_add"))

    field = response.context["adminform"].form.fields["series"]
    assert list(field.queryset) == [series_a]


def test_organiser_add_link_of_another_series_prefills_nothing(organiser_client, series_b):
    series_b.default_location = "Secret room"
    series_b.save()

    response = organiser_client.get(reverse("admin:seminars_talk_add"), {"series": series_b.pk})

    assert response.status_code == 200
    assert "location" not in response.context["adminform"].form.initial


def test_organiser_may_save_a_talk_of_their_series(organiser_client, talk_a):
    url = reverse("admin:seminars_talk_change", args=[talk_a.pk])

    response = organiser_client.post(url, talk_form_data(talk_a, title="Renamed A"))

    assert response.status_code == 302
    assert Talk.objects.get(pk=talk_a.pk).title == "Renamed A"


def test_organiser_may_add_a_talk_to_their_series(organiser_client, series_a):
    talk = Talk(title="Fresh", series=series_a, status=Talk.Status.DRAFT, location="")
    data = talk_form_data(talk, slug="", loaded_edit_version="")

    response = organiser_client.post(reverse("admin:seminars_talk_add"), data)

    assert response.status_code == 302
    assert Talk.objects.get(title="Fresh").series == series_a


def test_organiser_may_edit_shared_speakers_affiliations_and_event_types(organiser_client, talk_b):
    speaker = Speaker.objects.get(name="Shared Speaker")
    affiliation = AffiliationFactory(name="Shared Lab")
    event_type = EventType.objects.get(name="Seminar")

    for model, obj in ((Speaker, speaker), (Affiliation, affiliation), (EventType, event_type)):
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert organiser_client.get(changelist).status_code == 200
        assert organiser_client.get(change).status_code == 200
    response = organiser_client.post(
        reverse("admin:speakers_affiliation_change", args=[affiliation.pk]),
        {
            "name": "Shared Laboratory",
            "slug": affiliation.slug,
            "short_name": "",
            "url": "",
            "loaded_version": latest_version_id(affiliation),
        },
    )

    assert response.status_code == 302
    assert Affiliation.objects.get(pk=affiliation.pk).name == "Shared Laboratory"


def test_organiser_sees_but_cannot_choose_the_organisers_of_their_series(
    organiser_client, series_a
):
    response = organiser_client.get(reverse("admin:seminars_series_change", args=[series_a.pk]))

    assert response.status_code == 200
    assert "organisers" not in response.context["adminform"].form.fields
    assert "organisers" in response.context["adminform"].readonly_fields


def test_superuser_chooses_organisers_and_sees_every_series(staff_client, talk_a, talk_b):
    talks = staff_client.get(reverse("admin:seminars_talk_changelist"))
    series = staff_client.get(reverse("admin:seminars_series_change", args=[talk_b.series_id]))

    assert sorted(talk.title for talk in talks.context["cl"].result_list) == ["Talk A", "Talk B"]
    assert "organisers" in series.context["adminform"].form.fields


def test_organiser_sees_only_the_announcements_of_their_series(
    organiser_client, talk_a, talk_b, series_a, series_b
):
    for talk in (talk_a, talk_b):
        Announcement.objects.create(
            series=talk.series,
            kind=Announcement.Kind.TALK,
            talk=talk,
            recipient="list@example.org",
            claimed_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        )

    response = organiser_client.get(reverse("admin:seminars_announcement_changelist"))

    assert [str(item) for item in response.context["cl"].result_list] == ["Series A: Talk A"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:seminars_talk_changelist",
        "admin:seminars_talk_import",
        "admin:seminars_series_changelist",
        "admin:seminars_announcement_changelist",
        "admin:seminars_talk_add",
    ],
)
@pytest.mark.parametrize("who", ["organiser", "superuser"])
def test_admin_pages_render_for_organisers_and_superusers(client, organiser, talk_a, url_name, who):
    user = organiser
    if who == "superuser":
        user = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("who", ["organiser", "superuser"])
def test_admin_object_pages_render_for_organisers_and_superusers(client, organiser, talk_a, who):
    user = organiser
    if who == "superuser":
        user = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    series = talk_a.series

    for url in (
        reverse("admin:seminars_talk_change", args=[talk_a.pk]),
        reverse("admin:seminars_talk_announcement", args=[talk_a.pk]),
        reverse("admin:seminars_series_change", args=[series.pk]),
        reverse("admin:seminars_series_announcement", args=[series.pk]),
    ):
        response = client.get(url)
        assert (url, response.status_code) == (url, 200)
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_admin_templates_of_the_organiser_tools_have_no_inline_script_or_style():
    paths = [
        *(TEMPLATES / "admin" / "seminars").rglob("*.html"),
        TEMPLATES / "seminars" / "mail" / "announcement.html",
        TEMPLATES / "seminars" / "mail" / "announcement_email.html",
    ]
    for path in paths:
        source = path.read_text(encoding="utf-8")
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", source) == [], path
        assert re.findall(r"<style|\sstyle=|\son[a-z]+=", source) == [], path
    assert len(paths) == 13  # guards against the glob silently matching nothing


def test_admin_pages_link_to_the_tools(staff_client, talk_a):
    talk_page = staff_client.get(reverse("admin:seminars_talk_change", args=[talk_a.pk]))
    series_page = staff_client.get(reverse("admin:seminars_series_change", args=[talk_a.series_id]))
    changelist = staff_client.get(reverse("admin:seminars_talk_changelist"))

    assert reverse("admin:seminars_talk_announcement", args=[talk_a.pk]) in (
        talk_page.content.decode()
    )
    assert reverse("admin:seminars_series_announcement", args=[talk_a.series_id]) in (
        series_page.content.decode()
    )
    assert reverse("admin:seminars_talk_import") in changelist.content.decode()
