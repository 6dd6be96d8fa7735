import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from seminars.models import Announcement, EventType, Series, Talk, TalkSpeaker
from speakers.history import latest_version_id
from speakers.models import Affiliation, RetiredSlug, Speaker
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    make_talks,
)
from tests.query_budgets import ADMIN_CHANGELISTS, QUERIES

pytestmark = pytest.mark.django_db

MODELS = [Talk, Series, EventType, Speaker, Affiliation]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def talk_form_data(series, **overrides):
    data = {
        "title": "A new talk",
        "slug": "",
        "series": series.pk,
        "status": Talk.Status.DRAFT,
        "start_0": "2026-12-08",
        "start_1": "12:00",
        "end_0": "",
        "end_1": "",
        "location": "",
        "online_url": "",
        "online_link_visibility": "before_start",
        "abstract": "",
        "host": "",
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


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_add_and_change_pages_render(staff_client, model):
    talk = TalkFactory(
        speakers=[SpeakerFactory()], event_types=[EventType.objects.get(name="Seminar")]
    )
    objects = {
        Talk: talk,
        Series: talk.series,
        EventType: EventType.objects.get(name="Seminar"),
        Speaker: talk.speakers.get(),
        Affiliation: talk.speakers.get().affiliation,
    }
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "add")).status_code == 200
    assert staff_client.get(admin_url(model, "change", objects[model].pk)).status_code == 200


def test_admin_talk_changelist_search_finds_affiliation(staff_client):
    keysight = AffiliationFactory(name="Keysight")
    TalkFactory(title="Inference", speakers=[SpeakerFactory(affiliation=keysight)])
    TalkFactory(title="Other talk")
    response = staff_client.get(admin_url(Talk, "changelist"), {"q": "Keysight"})
    assert [talk.title for talk in response.context["cl"].result_list] == ["Inference"]


def test_admin_talk_changelist_shows_series_time_and_speakers(staff_client):
    TalkFactory(
        title="Firefly",
        start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC),
        speakers=[SpeakerFactory(name="Yuliang Li")],
    )
    content = staff_client.get(admin_url(Talk, "changelist")).content.decode()
    assert "Tue 8 Dec 2026, 12:00 EST" in content
    assert "Yuliang Li" in content


@pytest.mark.parametrize("count", [3, 30])
def test_admin_talk_changelist_query_count_is_constant(
    staff_client, now, django_assert_num_queries, count
):
    make_talks(count, now, spread=True)
    url = admin_url(Talk, "changelist")
    staff_client.get(url)  # warm up the session and content types
    with django_assert_num_queries(QUERIES["admin talk changelist"]):
        response = staff_client.get(url)
    assert len(response.context["cl"].result_list) == count


LOG_FIELDS = {
    AccessAttempt: {"user_agent": "test", "failures_since_start": 1},
    AccessLog: {"user_agent": "test"},
    AccessFailureLog: {"user_agent": "test"},
}


def make_other_rows(talks, now):
    """Add, for each talk, a row to the admin's other lists: an announcement, a staff user
    and login logs."""
    Announcement.objects.bulk_create(
        Announcement(
            series=talk.series,
            kind="talk",
            talk=talk,
            recipient="list@example.org",
            status=Announcement.Status.SENT,
            claimed_at=now,
        )
        for talk in talks
    )
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"user-{talk.pk}", is_staff=True) for talk in talks
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.bulk_create(
            model(username=f"user-{talk.pk}", ip_address="192.0.2.1", **LOG_FIELDS[model])
            for talk in talks
        )


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("model", "budget"), ADMIN_CHANGELISTS.items())
def test_admin_changelist_query_count_is_constant(
    staff_client, now, django_assert_num_queries, model, budget, count
):
    talks = make_talks(count, now, spread=True)
    make_other_rows(talks, now)
    url = admin_url(model, "changelist")
    staff_client.get(url)

    with django_assert_num_queries(budget):
        response = staff_client.get(url)

    assert len(response.context["cl"].result_list) == model.objects.count()


def test_admin_add_talk_with_blank_end_and_location_takes_series_defaults(staff_client):
    series = SeriesFactory(
        default_location="Hall B", default_duration=datetime.timedelta(minutes=90)
    )
    response = staff_client.post(admin_url(Talk, "add"), talk_form_data(series))
    assert response.status_code == 302
    talk = Talk.objects.get(title="A new talk")
    assert talk.location == "Hall B"
    assert talk.local_start.isoformat() == "2026-12-08T12:00:00-05:00"
    assert talk.local_end.isoformat() == "2026-12-08T13:30:00-05:00"
    assert talk.slug == "a-new-talk"


def test_admin_talk_times_are_entered_in_the_series_timezone(staff_client):
    zurich = SeriesFactory(name="Zurich Seminar", timezone="Europe/Zurich")
    staff_client.post(
        admin_url(Talk, "add"),
        talk_form_data(
            zurich, start_0="2026-07-07", start_1="12:00", end_0="2026-07-07", end_1="13:00"
        ),
    )
    talk = Talk.objects.get(title="A new talk")
    assert talk.start == datetime.datetime(2026, 7, 7, 10, 0, tzinfo=datetime.UTC)
    response = staff_client.get(admin_url(Talk, "change", talk.pk))
    assert response.context["adminform"].form.initial["start"] == datetime.datetime(  # noqa: DTZ001
        2026, 7, 7, 12, 0
    )


def test_admin_talk_end_before_start_is_a_form_error(staff_client):
    series = SeriesFactory()
    response = staff_client.post(
        admin_url(Talk, "add"),
        talk_form_data(series, end_0="2026-12-08", end_1="11:00"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end": ["The end must be after the start."]
    }
    assert not Talk.objects.exists()


def test_admin_talk_with_two_ordered_speakers(staff_client):
    series = SeriesFactory()
    keysight = AffiliationFactory(name="Keysight")
    venkat = SpeakerFactory(name="Venkat Pullela", affiliation=keysight)
    tushar = SpeakerFactory(name="Tushar Krishna")
    data = talk_form_data(
        series,
        **{
            "talk_speakers-TOTAL_FORMS": "2",
            "talk_speakers-0-order": "0",
            "talk_speakers-0-speaker": venkat.pk,
            "talk_speakers-0-affiliation": "",
            "talk_speakers-1-order": "1",
            "talk_speakers-1-speaker": tushar.pk,
            "talk_speakers-1-affiliation": "",
        },
    )
    assert staff_client.post(admin_url(Talk, "add"), data).status_code == 302
    links = TalkSpeaker.objects.filter(talk__title="A new talk").order_by("order")
    assert [(link.speaker.name, link.affiliation) for link in links] == [
        ("Venkat Pullela", keysight),
        ("Tushar Krishna", tushar.affiliation),
    ]


def test_admin_add_talk_link_prefills_the_series_next_free_slot(staff_client, now):
    series = SeriesFactory(default_location="Hall B")
    TalkFactory(series=series, start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC))
    response = staff_client.get(admin_url(Talk, "add"), {"series": series.pk})
    initial = response.context["adminform"].form.initial
    assert initial["start"] == datetime.datetime(2026, 12, 15, 12, 0)  # noqa: DTZ001
    assert initial["end"] == datetime.datetime(2026, 12, 15, 13, 0)  # noqa: DTZ001
    assert initial["location"] == "Hall B"
    assert str(initial["series"]) == str(series.pk)


@pytest.mark.parametrize("junk", ["abc", "999999", "", "1 OR 1=1"])
def test_admin_add_talk_with_junk_series_parameter_still_renders(staff_client, junk):
    assert staff_client.get(admin_url(Talk, "add"), {"series": junk}).status_code == 200


def test_admin_series_page_links_to_add_a_talk(staff_client):
    series = SeriesFactory()
    content = staff_client.get(admin_url(Series, "change", series.pk)).content.decode()
    assert f"{admin_url(Talk, 'add')}?series={series.pk}" in content


def run_action(client, action, talks):
    return client.post(
        admin_url(Talk, "changelist"),
        {"action": action, "_selected_action": [talk.pk for talk in talks]},
    )


def test_admin_action_publish(staff_client):
    drafts = [TalkFactory(status=Talk.Status.DRAFT) for _ in range(2)]
    run_action(staff_client, "publish_selected", drafts)
    assert [talk.status for talk in Talk.objects.order_by("pk")] == ["published", "published"]


def test_admin_action_cancel_bumps_sequence(staff_client):
    talk = TalkFactory()
    run_action(staff_client, "cancel_selected", [talk])
    talk.refresh_from_db()
    assert (talk.status, talk.sequence) == (Talk.Status.CANCELLED, 1)


def test_admin_action_duplicate_makes_a_draft_one_week_later(staff_client):
    speakers = [SpeakerFactory(name="Venkat Pullela"), SpeakerFactory(name="Tushar Krishna")]
    tags = [EventType.objects.get(name="Special event"), EventType.objects.get(name="Tech week")]
    # The Tuesday before the end of daylight saving time: the copy keeps 12:00 local time.
    original = TalkFactory(
        title="Inference",
        start=datetime.datetime(2026, 10, 27, 16, 0, tzinfo=datetime.UTC),
        speakers=speakers,
        event_types=tags,
    )
    run_action(staff_client, "duplicate_selected", [original])
    copy = Talk.objects.exclude(pk=original.pk).get()
    assert copy.status == Talk.Status.DRAFT
    assert copy.title == "Inference"
    assert copy.slug == "inference-2"
    assert copy.uid != original.uid
    assert copy.local_start.isoformat() == "2026-11-03T12:00:00-05:00"
    assert copy.local_end.isoformat() == "2026-11-03T13:00:00-05:00"
    assert [link.speaker for link in copy.talk_speakers.all()] == speakers
    assert set(copy.event_types.all()) == set(tags)


def test_admin_action_duplicate_names_a_week_whose_clocks_skip_the_talks_time(staff_client):
    # Sunday 2027-03-07 02:30 in New York; a week later 02:30 is skipped (clocks go forward).
    original = TalkFactory(
        title="Night owls", start=datetime.datetime(2027, 3, 7, 7, 30, tzinfo=datetime.UTC)
    )

    response = run_action(staff_client, "duplicate_selected", [original])

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "“Night owls” was not duplicated: 2027-03-14 02:30:00 couldn’t be interpreted in "
        "time zone America/New_York; it may be ambiguous or it may not exist.",
        "Made 0 draft cop(ies) one week later.",
    ]
    assert list(Talk.objects.all()) == [original]


def test_talk_form_refuses_a_time_the_series_clocks_skip(staff_client):
    series = SeriesFactory(name="Berlin Seminar", timezone="Europe/Berlin")
    data = talk_form_data(
        series, start_0="2027-03-28", start_1="02:30", end_0="2027-03-28", end_1="03:30"
    )

    response = staff_client.post(admin_url(Talk, "add"), data)

    assert response.context["adminform"].form.errors == {
        "start": [
            "2027-03-28 02:30:00 couldn’t be interpreted in time zone Europe/Berlin; it may "
            "be ambiguous or it may not exist."
        ]
    }
    assert not Talk.objects.exists()


def test_admin_refuses_to_delete_an_event_type_in_use(staff_client):
    used = EventTypeFactory(name="Colloquium")
    TalkFactory(title="Tagged talk", event_types=[used])
    url = admin_url(EventType, "delete", used.pk)
    response = staff_client.get(url)
    assert "Talk: Tagged talk" in response.content.decode()
    staff_client.post(url, {"post": "yes"})
    assert EventType.objects.filter(pk=used.pk).exists()


def test_admin_refuses_to_delete_a_speaker_in_use(staff_client):
    speaker = SpeakerFactory(name="Ori Rottenstreich")
    TalkFactory(title="Sketches", speakers=[speaker])
    url = admin_url(Speaker, "delete", speaker.pk)
    content = staff_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in content
    staff_client.post(url, {"post": "yes"})
    assert Speaker.objects.filter(pk=speaker.pk).exists()


def test_admin_refuses_bulk_delete_of_series_in_use(staff_client):
    talk = TalkFactory()
    staff_client.post(
        admin_url(Series, "changelist"),
        {"action": "delete_selected", "_selected_action": [talk.series.pk], "post": "yes"},
    )
    assert Series.objects.filter(pk=talk.series.pk).exists()
    assert Talk.objects.filter(pk=talk.pk).exists()


def test_admin_slug_change_is_remembered_for_redirects(staff_client):
    speaker = SpeakerFactory(name="Binxu Wang")
    url = admin_url(Speaker, "change", speaker.pk)
    data = {
        "name": "Binxu Wang",
        "slug": "binxu",
        "affiliation": speaker.affiliation.pk,
        "position": "",
        "bio": "",
        "homepage": "",
        "email": "",
        "loaded_version": latest_version_id(speaker),
    }
    assert staff_client.post(url, data).status_code == 302
    assert list(RetiredSlug.objects.values_list("slug", "object_id")) == [
        ("binxu-wang", speaker.pk)
    ]


def test_admin_speaker_photo_that_is_not_an_image_is_a_form_error(staff_client, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.jpg", b"this is not an image", content_type="image/jpeg")
    response = staff_client.post(
        admin_url(Speaker, "add"),
        {"name": "New Speaker", "slug": "", "photo": upload, "bio": "", "email": ""},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["photo"]
    assert not Speaker.objects.filter(name="New Speaker").exists()


def test_admin_speaker_photo_upload_shows_thumbnail(staff_client, media_root):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format="PNG")
    upload = SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png")
    response = staff_client.post(
        admin_url(Speaker, "add"),
        {"name": "Pictured Speaker", "slug": "", "photo": upload, "bio": "", "email": ""},
    )
    assert response.status_code == 302
    speaker = Speaker.objects.get(name="Pictured Speaker")
    changelist = staff_client.get(admin_url(Speaker, "changelist")).content.decode()
    assert speaker.photo_thumbnail.url.startswith("/media/speakers/thumbnails/")
    assert f'src="{speaker.photo_thumbnail.url}" alt="Pictured Speaker"' in changelist


def test_admin_speaker_page_lists_the_speakers_talks(staff_client):
    speaker = SpeakerFactory()
    TalkFactory(title="First talk", speakers=[speaker])
    TalkFactory(title="Second talk", speakers=[speaker], status=Talk.Status.DRAFT)
    content = staff_client.get(admin_url(Speaker, "change", speaker.pk)).content.decode()
    assert "First talk" in content
    assert "Second talk" not in content
    assert "Also in 1 draft(s), listed under Talks." in content


def test_admin_changing_only_the_speakers_marks_the_talk_changed(staff_client):
    talk = TalkFactory(speakers=[SpeakerFactory(name="First Speaker")])
    Talk.objects.filter(pk=talk.pk).update(
        updated=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    link = talk.talk_speakers.get()
    data = talk_form_data(
        talk.series,
        loaded_edit_version=Talk.objects.get(pk=talk.pk).edit_version,
        title=talk.title,
        slug=talk.slug,
        status=talk.status,
        start_0="2026-12-08",
        start_1="12:00",
        end_0="2026-12-08",
        end_1="13:00",
        location=talk.location,
        **{
            "talk_speakers-TOTAL_FORMS": "2",
            "talk_speakers-INITIAL_FORMS": "1",
            "talk_speakers-0-id": link.pk,
            "talk_speakers-0-talk": talk.pk,
            "talk_speakers-0-order": "0",
            "talk_speakers-0-speaker": link.speaker_id,
            "talk_speakers-0-affiliation": link.affiliation_id,
            "talk_speakers-1-order": "1",
            "talk_speakers-1-speaker": SpeakerFactory(name="Second Speaker").pk,
            "talk_speakers-1-affiliation": "",
        },
    )
    assert staff_client.post(admin_url(Talk, "change", talk.pk), data).status_code == 302
    talk.refresh_from_db()
    assert talk.updated.year == 2026
    assert talk.updated > datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    assert [link.speaker.name for link in talk.talk_speakers.all()] == [
        "First Speaker",
        "Second Speaker",
    ]
    assert talk.sequence == 0


def test_admin_refuses_a_stale_edit_and_names_who_changed_the_talk(client):
    alice = get_user_model().objects.create(username="alice", is_staff=True, is_superuser=True)
    bob = get_user_model().objects.create(username="bob", is_staff=True, is_superuser=True)
    talk = TalkFactory(title="Firefly", location="Room 1")
    url = admin_url(Talk, "change", talk.pk)

    client.force_login(alice)
    alice_form = client.get(url).context["adminform"].form
    client.force_login(bob)
    bob_form = client.get(url).context["adminform"].form

    def post_with(form, **changes):
        data = talk_form_data(
            talk.series,
            title="Firefly",
            slug=talk.slug,
            status=talk.status,
            start_0="2026-12-08",
            start_1="12:00",
            end_0="2026-12-08",
            end_1="13:00",
            loaded_edit_version=form["loaded_edit_version"].value(),
            **changes,
        )
        return client.post(url, data)

    client.force_login(alice)
    assert post_with(alice_form, location="Room 2").status_code == 302
    client.force_login(bob)
    response = post_with(bob_form, location="Room 3")
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("This talk was changed by alice at ")
    assert "Your changes were not saved" in errors[0]
    talk.refresh_from_db()
    assert talk.location == "Room 2"


def test_admin_saves_a_fresh_edit_twice_in_a_row(staff_client):
    talk = TalkFactory(title="Firefly")
    url = admin_url(Talk, "change", talk.pk)
    for room in ["Room 2", "Room 3"]:
        form = staff_client.get(url).context["adminform"].form
        data = talk_form_data(
            talk.series,
            title="Firefly",
            slug=talk.slug,
            status=talk.status,
            start_0="2026-12-08",
            start_1="12:00",
            end_0="2026-12-08",
            end_1="13:00",
            location=room,
            loaded_edit_version=form["loaded_edit_version"].value(),
        )
        assert staff_client.post(url, data).status_code == 302
    talk.refresh_from_db()
    assert (talk.location, talk.edit_version) == ("Room 3", 2)


def test_admin_talk_form_shows_every_field_exactly_once(staff_client):
    talk = TalkFactory()

    response = staff_client.get(admin_url(Talk, "change", talk.pk))

    adminform = response.context["adminform"]
    shown = [
        field.field["name"] if field.is_readonly else field.field.name
        for fieldset in adminform
        for line in fieldset
        for field in line
    ]
    assert shown == [
        "title",
        "speaker_invitations",
        "slug",
        "series",
        "status",
        "is_placeholder",
        "event_types",
        "loaded_edit_version",
        "start",
        "end",
        "venue",
        "location",
        "online_url",
        "online_link_visibility",
        "audience",
        "registration_required",
        "registration_url",
        "abstract",
        "host",
        "uid",
        "sequence",
        "previous_start",
        "created",
        "updated",
    ]
    assert list(adminform.form.fields) == [shown[0], *shown[2:19]]
    html = response.content.decode()
    assert [len(re.findall(rf"\bfield-{name}\b", html)) for name in shown] == [1] * len(shown)
