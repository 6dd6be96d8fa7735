"""The data migration that turns free-text locations into venues, run forwards and back."""

import datetime
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from seminars.devdata import DEMO_FILE

BEFORE = [("seminars", "0019_venues")]
AFTER = [("seminars", "0020_location_strings_to_venues")]
MESSY = [
    "Seminar Room G115",
    "Seminar Room G115",
    "seminar room g115",
    "Seminar  Room G115",
    "Hörsaal 1, Gebäude C; Zürich",
    "",
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def demo_copy(apps, locations):
    """Write the demo series' talks with the given locations (one per talk, cycled)."""
    data = json.loads(DEMO_FILE.read_text())
    Series = apps.get_model("seminars", "Series")
    Talk = apps.get_model("seminars", "Talk")
    series = Series.objects.create(
        name=data["series"]["name"],
        slug=data["series"]["slug"],
        default_location=data["series"]["venue"]["name"],
    )
    start = datetime.datetime(2026, 12, 8, 17, tzinfo=datetime.UTC)
    for index, talk in enumerate(data["talks"]):
        Talk.objects.create(
            title=talk["title"],
            slug=f"talk-{index}",
            series=series,
            start=start + datetime.timedelta(weeks=index),
            end=start + datetime.timedelta(weeks=index, hours=1),
            location=locations[index % len(locations)],
        )
    return series


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_makes_one_venue_per_distinct_string_and_reverses(old_apps):
    demo_copy(old_apps, MESSY)
    Talk = old_apps.get_model("seminars", "Talk")
    before = dict(Talk.objects.values_list("slug", "location"))

    new_apps = migrate(AFTER)

    Venue = new_apps.get_model("seminars", "Venue")
    assert sorted(Venue.objects.values_list("name", "slug")) == [
        ("Hörsaal 1, Gebäude C; Zürich", "horsaal-1-gebaude-c-zurich"),
        ("Seminar  Room G115", "seminar-room-g115"),
        ("Seminar Room G115", "seminar-room-g115-2"),
        ("seminar room g115", "seminar-room-g115-3"),
    ]
    talks = new_apps.get_model("seminars", "Talk").objects.all()
    assert {
        slug: (venue or "") for slug, venue in talks.values_list("slug", "venue__name")
    } == before
    assert set(talks.values_list("location", flat=True)) == {""}
    series = new_apps.get_model("seminars", "Series").objects.get()
    assert (series.default_venue.name, series.default_location) == ("Seminar Room G115", "")

    old = migrate(BEFORE)

    assert dict(old.get_model("seminars", "Talk").objects.values_list("slug", "location")) == (
        before
    )
    assert old.get_model("seminars", "Series").objects.get().default_location == (
        "Seminar Room G115"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reverse_migration_keeps_a_room_detail_after_the_venue_name(old_apps):
    demo_copy(old_apps, ["Hall A"])
    new_apps = migrate(AFTER)
    new_apps.get_model("seminars", "Talk").objects.filter(slug="talk-0").update(location="Room 2")

    old = migrate(BEFORE)

    locations = old.get_model("seminars", "Talk").objects.values_list("slug", "location")
    assert dict(locations)["talk-0"] == "Hall A, Room 2"
    assert dict(locations)["talk-1"] == "Hall A"
