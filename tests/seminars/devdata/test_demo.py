import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from seminars.devdata.demo import demo_dates, load_demo
from seminars.models import ContentVersion, Series, Talk
from speakers.models import Affiliation, Speaker
from tests.demo import DEMO_PAST, DEMO_UPCOMING
from tests.snapshots import load_demo_once_per_process

pytestmark = pytest.mark.django_db

# The demo in listing order.
TITLES = [*reversed(DEMO_PAST), *DEMO_UPCOMING]


def speakers_of(title):
    talk = Talk.objects.with_speakers().get(title=title)
    return [(link.speaker.name, link.affiliation.name) for link in talk.speaker_links()]


def tags_of(title):
    return sorted(Talk.objects.get(title=title).event_types.values_list("name", flat=True))


@pytest.mark.usefixtures("now")
def test_load_demo_loads_the_ten_talks_in_listing_order():
    call_command("load_demo")
    talks = Talk.objects.order_by("start")
    assert [talk.title for talk in talks] == TITLES
    assert {talk.status for talk in talks} == {Talk.Status.PUBLISHED}
    assert Series.objects.get().slug == "systems-seminar"
    assert {talk.series.name for talk in talks} == {"Systems Seminar"}


@pytest.mark.usefixtures("now")
def test_load_demo_speakers_and_affiliations():
    call_command("load_demo")
    assert sorted(Speaker.objects.values_list("name", "affiliation__name")) == [
        ("Binxu Wang", "Harvard University"),
        ("Cameron Wong", "Harvard University"),
        ("Malte Schwarzkopf", "Brown University"),
        ("Ori Rottenstreich", "Technion"),
        ("Tushar Krishna", "Georgia Tech"),
        ("Venkat Pullela", "Keysight"),
        ("William Nixon", "University of Chicago"),
        ("Yiyu Liu", "Harvard University"),
        ("Yuliang Li", "Google"),
        ("Yunhao Mao", "University of Toronto"),
    ]
    assert Affiliation.objects.count() == 8
    assert speakers_of(TITLES[5]) == [
        ("Venkat Pullela", "Keysight"),
        ("Tushar Krishna", "Georgia Tech"),
    ]
    assert speakers_of(TITLES[2]) == []
    assert speakers_of(TITLES[0]) == [("William Nixon", "University of Chicago")]


@pytest.mark.usefixtures("now")
def test_load_demo_event_types():
    call_command("load_demo")
    assert tags_of(TITLES[2]) == ["Round table"]
    assert tags_of(TITLES[4]) == ["Digest talk"]
    assert tags_of(TITLES[5]) == ["Special event", "Tech week"]
    for title in TITLES[:2] + TITLES[3:4] + TITLES[6:]:
        assert tags_of(title) == ["Seminar"]


def test_load_demo_keeps_the_typographic_apostrophe_and_abstracts(demo):
    talk = Talk.objects.get(title__contains="MLSys")
    assert "MLSys ’26" in talk.title
    assert talk.abstract.startswith("As Large Language Models transition into autonomous")
    assert talk.abstract.endswith("covering agentic AI, LLM systems, and compilers.")
    first = Talk.objects.get(title=TITLES[0])
    assert first.abstract.endswith(
        "key systems implications for prefix caching and load balancing."
    )


def test_load_demo_dates_five_past_five_upcoming_on_tuesdays_at_noon(demo):
    talks = list(Talk.objects.order_by("start"))
    assert [talk.local_start.strftime("%a %Y-%m-%d %H:%M %Z") for talk in talks] == [
        "Tue 2026-11-03 12:00 EST",
        "Tue 2026-11-10 12:00 EST",
        "Tue 2026-11-17 12:00 EST",
        "Tue 2026-11-24 12:00 EST",
        "Tue 2026-12-01 12:00 EST",
        "Tue 2026-12-08 12:00 EST",
        "Tue 2026-12-15 12:00 EST",
        "Tue 2026-12-22 12:00 EST",
        "Tue 2026-12-29 12:00 EST",
        "Tue 2027-01-05 12:00 EST",
    ]
    assert {talk.local_end.strftime("%H:%M") for talk in talks} == {"13:00"}
    assert {talk.place for talk in talks} == {"Seminar Room G115"}
    assert {talk.venue.address for talk in talks} == {""}
    recorded = [talk for talk in talks if talk.materials.exists()]
    assert [
        (talk.title, *talk.materials.values_list("kind", "url").get()) for talk in recorded
    ] == [
        (
            "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing",
            "recording",
            "https://example.org/recordings/a-year-in-llm-serving",
        )
    ]
    assert recorded[0] in Talk.objects.past()
    assert Talk.objects.past().count() == 5
    assert Talk.objects.upcoming().count() == 5


def test_demo_dates_on_a_tuesday_leave_today_out():
    tuesday = datetime.date(2026, 12, 8)
    dates = demo_dates(10, tuesday)
    assert dates[4] == datetime.date(2026, 12, 1)
    assert dates[5] == datetime.date(2026, 12, 15)


@pytest.mark.usefixtures("now")
def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = list(Talk.objects.order_by("pk").values())
    call_command("load_demo")
    assert list(Talk.objects.order_by("pk").values()) == before
    assert Speaker.objects.count() == 10
    assert "nothing changed" in capsys.readouterr().out


def test_load_demo_reset_reloads_with_dates_around_today(demo):
    old_uids = set(Talk.objects.values_list("uid", flat=True))
    with time_machine.travel(datetime.datetime(2027, 6, 2, 15, 0, tzinfo=datetime.UTC), tick=False):
        call_command("load_demo")  # without --reset the old dates stay
        assert Talk.objects.upcoming().count() == 0
        call_command("load_demo", "--reset")
        assert Talk.objects.count() == 10
        assert Talk.objects.past().count() == 5
        assert Talk.objects.upcoming().count() == 5
        assert Talk.objects.next_talk().local_start.date() == datetime.date(2027, 6, 8)
    assert set(Talk.objects.values_list("uid", flat=True)) == old_uids
    assert Speaker.objects.count() == 10


@pytest.mark.usefixtures("now")
def test_load_demo_records_one_first_version_of_each_talk_with_its_speakers_and_tags():
    call_command("load_demo")
    special = Talk.objects.get(title=TITLES[5])
    versions = list(special.history.all())
    assert [version.history_type for version in versions] == ["+"]
    assert sorted(row.speaker.name for row in versions[0].speakers.all()) == [
        "Tushar Krishna",
        "Venkat Pullela",
    ]
    assert sorted(row.eventtype.name for row in versions[0].event_types.all()) == [
        "Special event",
        "Tech week",
    ]
    assert {speaker.history.count() for speaker in Speaker.objects.all()} == {1}


def demo_as_the_public_and_history_see_it():
    talks = Talk.objects.with_speakers().order_by("start")
    return {
        "talks": [
            (
                talk.title,
                talk.slug,
                talk.start,
                talk.venue.name,
                [(link.speaker.slug, link.affiliation.name) for link in talk.speaker_links()],
                sorted(talk.event_types.values_list("slug", flat=True)),
                list(talk.materials.values_list("kind", "url")),
            )
            for talk in talks
        ],
        "versions": [model.history.count() for model in (Talk, Speaker, Affiliation, Series)],
        "content version": ContentVersion.objects.current().counter,
    }


@pytest.mark.usefixtures("now")
def test_the_demo_fixtures_copied_rows_are_what_a_real_load_makes(demo_data):
    """tests/snapshots.py: later tests in a process get a copy of the first load's rows."""
    with transaction.atomic():
        load_demo(demo_data)
        loaded = demo_as_the_public_and_history_see_it()
        transaction.set_rollback(True)
    for _ in range(2):  # the first may be the process' real load, the second is a copy
        with transaction.atomic():
            load_demo_once_per_process(demo_data)
            copied = demo_as_the_public_and_history_see_it()
            transaction.set_rollback(True)
        assert copied == loaded
