"""The data migration that rewrites what subscribers were told of a talk's place as its
venue and room detail, so that an upgrade does not send a change notice for every talk."""

import datetime

import pytest
from django.db.migrations.executor import MigrationExecutor

from seminars.mail.compose import TalkState
from tests.seminars.migrations.test_location_strings_to_venues import migrate

BEFORE = [("seminars", "0023_venue_history_and_one_line_fields")]
AFTER = [("seminars", "0024_told_states_name_venues")]
START = datetime.datetime(2026, 12, 8, 17, tzinfo=datetime.UTC)


@pytest.fixture
def old_apps():
    from django.db import connection

    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def told_before_venues(talk, location: str) -> str:
    """A state as the code before venues wrote it: start|end|status|location."""
    utc = datetime.UTC
    return "|".join(
        (talk.start.astimezone(utc).isoformat(), talk.end.astimezone(utc).isoformat(), talk.status)
        + (location,)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_told_states_name_the_talks_venue_after_the_upgrade_and_reverse(old_apps):
    Series = old_apps.get_model("seminars", "Series")
    Venue = old_apps.get_model("seminars", "Venue")
    Talk = old_apps.get_model("seminars", "Talk")
    Subscriber = old_apps.get_model("seminars", "Subscriber")
    ToldState = old_apps.get_model("seminars", "ToldState")
    series = Series.objects.create(name="Systems", slug="systems")
    room = Venue.objects.create(name="Seminar Room G115", slug="seminar-room-g115")
    in_a_venue = Talk.objects.create(
        title="In a venue", slug="in-a-venue", series=series, status="published",
        start=START, end=START + datetime.timedelta(hours=1), venue=room,
    )  # fmt: skip
    elsewhere = Talk.objects.create(
        title="Elsewhere", slug="elsewhere", series=series, status="cancelled",
        start=START, end=START + datetime.timedelta(hours=1), location="Hörsaal 1 | Zürich",
    )  # fmt: skip
    subscriber = Subscriber.objects.create(email="reader@example.org")
    told = {
        in_a_venue.pk: told_before_venues(in_a_venue, "Seminar Room G115"),
        elsewhere.pk: told_before_venues(elsewhere, "Hörsaal 1 | Zürich"),
    }
    for talk_id, state in told.items():
        ToldState.objects.create(subscriber=subscriber, talk_id=talk_id, state=state)

    new_apps = migrate(AFTER)

    rows = new_apps.get_model("seminars", "ToldState").objects.select_related("talk")
    assert {row.talk_id: TalkState.parse(row.state) for row in rows} == {
        row.talk_id: TalkState.of(row.talk) for row in rows
    }  # nothing reads as changed: no notice is sent for the upgrade

    old_apps = migrate(BEFORE)

    rows = old_apps.get_model("seminars", "ToldState").objects.all()
    assert dict(rows.values_list("talk_id", "state")) == told
