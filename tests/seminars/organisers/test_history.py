"""History in the admin: who changed what (old → new), reverting, and stale edits refused."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from seminars.models import ContentVersion, EventType, Series, Talk, Venue
from seminars.organisers.csv_io import talks_csv
from speakers.admin import posted_form_data
from speakers.models import Affiliation, Speaker
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    VenueFactory,
    organiser_of,
)

pytestmark = pytest.mark.django_db


def url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def opened_form(client, obj):
    """Return what the change form of `obj` posts as it was opened, inlines included."""
    response = client.get(url(obj, "change"))
    assert response.status_code == 200
    data = posted_form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(posted_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(posted_form_data(form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
    return data


def save(client, obj, data, **changes):
    data = data.copy()
    for name, value in changes.items():
        data[name] = value
    return client.post(url(obj, "change"), data)


@pytest.fixture
def alice(client):
    return get_user_model().objects.create(username="alice", is_staff=True, is_superuser=True)


@pytest.fixture
def talk():
    return TalkFactory(
        title="Firefly",
        speakers=[SpeakerFactory(name="Ada Lovelace"), SpeakerFactory(name="Grace Hopper")],
        event_types=[EventType.objects.get(name="Seminar")],
    )


def test_history_shows_who_and_old_and_new_time_and_speakers(client, alice, talk):
    client.force_login(alice)
    data = opened_form(client, talk)
    # Move the talk two hours later and swap its speakers.
    data["start_1"], data["end_1"] = "14:00", "15:00"
    data["talk_speakers-0-order"], data["talk_speakers-1-order"] = "1", "0"
    assert save(client, talk, data).status_code == 302

    response = client.get(url(talk, "history"))

    latest, *earlier = response.context["versions"]
    assert (latest.kind, latest.who, earlier[-1].kind) == ("Changed", "alice", "Created")
    ada, grace = (link.affiliation.name for link in talk.talk_speakers.order_by("speaker__name"))
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("start", "Tue 8 Dec 2026, 12:00 EST", "Tue 8 Dec 2026, 14:00 EST"),
        ("end", "Tue 8 Dec 2026, 13:00 EST", "Tue 8 Dec 2026, 15:00 EST"),
        (
            "speakers",
            f"Ada Lovelace ({ada}), Grace Hopper ({grace})",
            f"Grace Hopper ({grace}), Ada Lovelace ({ada})",
        ),
    ]
    html = response.content.decode()
    assert "<td>Tue 8 Dec 2026, 12:00 EST</td><td>Tue 8 Dec 2026, 14:00 EST</td>" in html
    assert html.count("Revert to this version") == len(earlier)


def test_one_admin_save_records_one_version_with_tags(client, alice, talk):
    client.force_login(alice)
    before = talk.history.count()
    data = opened_form(client, talk)
    data.setlist("event_types", [str(EventType.objects.get(name="Tech week").pk)])

    save(client, talk, data, title="Firefly at scale")

    versions = client.get(url(talk, "history")).context["versions"]
    assert talk.history.count() == before + 1
    assert [(c.label, c.old, c.new) for c in versions[0].changes] == [
        ("title", "Firefly", "Firefly at scale"),
        ("event types", "Seminar", "Tech week"),
    ]


def test_revert_restores_time_and_speakers_and_bumps_sequence(client, alice, now, talk):
    client.force_login(alice)
    data = opened_form(client, talk)
    first_version = talk.history.latest().history_id
    data["start_1"], data["end_1"], data["location"] = "14:00", "15:00", "Hall B"
    data["talk_speakers-1-DELETE"] = "on"
    save(client, talk, data)
    talk.refresh_from_db()
    assert (talk.sequence, talk.location, talk.talk_speakers.count()) == (1, "Hall B", 1)
    before = ContentVersion.objects.current().counter

    response = client.post(url(talk, "revert", first_version))

    assert (response.status_code, response["Location"]) == (302, url(talk, "change"))
    talk.refresh_from_db()
    assert talk.local_start.isoformat() == "2026-12-08T12:00:00-05:00"
    assert (talk.location, talk.sequence) == ("Room 101", 2)
    assert [link.speaker.name for link in talk.talk_speakers.order_by("order")] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    assert ContentVersion.objects.current().counter > before
    latest = client.get(url(talk, "history")).context["versions"][0]
    assert latest.record.history_change_reason == (
        "Reverted to the version of Wed 2 Dec 2026, 10:00 EST"
    )
    assert [c.label for c in latest.changes] == ["start", "end", "room detail", "speakers"]


def test_revert_of_a_version_that_no_longer_validates_saves_nothing(client, alice):
    talk = TalkFactory(title="Old title")
    version = talk.history.latest().history_id
    talk.title = "New title"
    talk.save()
    Talk.history.filter(history_id=version).update(title="")

    client.force_login(alice)

    response = client.post(url(talk, "revert", version))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title": ["This field is required."]}
    talk.refresh_from_db()
    assert talk.title == "New title"


def test_revert_by_get_only_shows_the_history(client, alice, talk):
    client.force_login(alice)
    version = talk.history.latest().history_id

    response = client.get(url(talk, "revert", version))

    assert (response.status_code, response["Location"]) == (302, url(talk, "history"))


def test_organiser_sees_no_history_of_another_series(client, talk):
    organiser = organiser_of(SeriesFactory(name="Bob's series"), "bob")
    client.force_login(organiser)
    before = Talk.history.count()

    assert client.get(url(talk, "history")).status_code == 404
    assert client.post(url(talk, "revert", talk.history.latest().history_id)).status_code == 404
    assert Talk.history.count() == before


def test_planner_and_actions_record_versions_with_the_user(client, alice, now):
    series = SeriesFactory()
    client.force_login(alice)
    client.post(
        reverse("admin:seminars_series_plan", args=[series.pk]),
        {
            "first_day": "2027-01-04",
            "last_day": "2027-01-12",
            "weekday": "1",
            "start_time": "12:00",
            "every_weeks": "1",
            "skip_dates": "",
            "create": "1",
        },
    )
    placeholders = list(Talk.objects.filter(is_placeholder=True))
    client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": "publish_selected", "_selected_action": [talk.pk for talk in placeholders]},
    )

    records = Talk.history.order_by("history_id")
    assert [(r.history_type, r.status, r.history_user.username) for r in records] == [
        ("+", "draft", "alice"),
        ("+", "draft", "alice"),
        ("~", "published", "alice"),
        ("~", "published", "alice"),
    ]


STALE_EDITS = [
    (Series, lambda: SeriesFactory(name="Quantum Lunch"), "name", "Quantum Tea"),
    (EventType, lambda: EventTypeFactory(name="Colloquium"), "name", "Colloquia"),
    (Speaker, lambda: SpeakerFactory(name="Ada"), "name", "Ada L."),
    (Affiliation, lambda: AffiliationFactory(name="ETH"), "name", "ETH Zürich"),
    (Venue, lambda: VenueFactory(name="Hall A"), "name", "Hall A (north)"),
]


@pytest.mark.parametrize(("model", "make", "field", "value"), STALE_EDITS)
def test_stale_save_is_refused_on_every_model(client, model, make, field, value):
    alice = get_user_model().objects.create(username="alice", is_staff=True, is_superuser=True)
    bob = get_user_model().objects.create(username="bob", is_staff=True, is_superuser=True)
    obj = make()
    client.force_login(alice)
    alice_form = opened_form(client, obj)
    client.force_login(bob)
    bob_form = opened_form(client, obj)

    client.force_login(alice)
    assert save(client, obj, alice_form, **{field: value}).status_code == 302
    client.force_login(bob)
    response = save(client, obj, bob_form, **{field: "Bob's name"})

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.non_field_errors()
    assert error.startswith(f"This {model._meta.verbose_name} was changed by alice at ")
    assert error.endswith(
        "after you opened it. Your changes were not saved, so theirs are not lost: open it "
        "again to see the current version, then make your changes."
    )
    obj.refresh_from_db()
    assert getattr(obj, field) == value


@pytest.mark.parametrize(("model", "make", "field", "value"), STALE_EDITS)
def test_fresh_save_twice_in_a_row_is_accepted(staff_client, model, make, field, value):
    obj = make()
    for suffix in ("", " again"):
        data = opened_form(staff_client, obj)
        assert save(staff_client, obj, data, **{field: value + suffix}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == value + " again"
    assert [r.history_type for r in obj.history.all()] == ["~", "~", "+"]


def test_speaker_history_and_revert(staff_client):
    speaker = SpeakerFactory(name="Ada", position="Student")
    save(staff_client, speaker, opened_form(staff_client, speaker), position="Professor")
    first = speaker.history.earliest().history_id

    versions = staff_client.get(url(speaker, "history")).context["versions"]
    assert [(c.label, c.old, c.new) for c in versions[0].changes] == [
        ("position", "Student", "Professor")
    ]
    staff_client.post(url(speaker, "revert", first))
    speaker.refresh_from_db()
    assert speaker.position == "Student"


def test_history_page_of_a_row_saved_before_history_existed(staff_client):
    series = SeriesFactory()
    series.history.all().delete()

    response = staff_client.get(url(series, "history"))

    assert response.context["versions"] == []
    assert "No change has been recorded for this series yet." in response.content.decode()
    data = opened_form(staff_client, series)
    assert save(staff_client, series, data, name="Renamed").status_code == 302


def test_versions_keep_deleted_speakers_readable(staff_client):
    talk = TalkFactory(title="Draft", status=Talk.Status.DRAFT)
    guest = SpeakerFactory(name="Guest")
    data = opened_form(staff_client, talk)
    data.update(
        {
            "talk_speakers-TOTAL_FORMS": "1",
            "talk_speakers-0-speaker": str(guest.pk),
            "talk_speakers-0-affiliation": "",
            "talk_speakers-0-order": "0",
        }
    )
    save(staff_client, talk, data)
    talk.talk_speakers.all().delete()
    guest_id = guest.pk
    guest.delete()

    versions = staff_client.get(url(talk, "history")).context["versions"]

    assert [(c.label, c.old, c.new) for c in versions[0].changes] == [
        ("speakers", "—", f"deleted #{guest_id} ({guest.affiliation.name})")
    ]


def test_csv_import_records_a_version_with_the_imported_speakers(client, alice):
    talk = TalkFactory(title="Firefly", speakers=[SpeakerFactory(name="Ada Lovelace")])
    exported = talks_csv(Talk.objects.with_speakers().filter(pk=talk.pk))
    client.force_login(alice)

    client.post(
        reverse("admin:seminars_talk_import"),
        {
            "csv": base64.b64encode(exported.replace("Firefly", "Firefly II").encode()).decode(),
            "confirm": "Import",
        },
    )

    latest = client.get(url(talk, "history")).context["versions"][0]
    assert (latest.who, latest.record.history_change_reason) == ("alice", "Imported from CSV")
    assert latest.record.title == "Firefly II"
    assert [row.speaker.name for row in latest.record.speakers.all()] == ["Ada Lovelace"]
