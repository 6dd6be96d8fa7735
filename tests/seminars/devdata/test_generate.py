import datetime
import itertools

import pytest
from django.core.management import call_command
from django.db.models import Count

from seminars.devdata.generate import HOST_NAME, generate_data
from seminars.models import ContentVersion, EventType, Series, Talk, TalkSpeaker
from speakers.markdown import markdown_to_text
from speakers.models import Affiliation, Speaker
from tests.clock import NOW

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # a Wednesday


def test_generate_data_makes_weekly_talks_with_shared_speakers(now):
    before = ContentVersion.objects.get().counter

    made = generate_data(60, today=TODAY)

    assert (made.talks, made.series, made.speakers, made.affiliations) == (60, 1, 16, 30)
    assert ContentVersion.objects.get().counter == before + 1
    assert Talk.objects.count() == 60
    assert list(Series.objects.values_list("name", "timezone")) == [
        ("Systems Seminar", "America/New_York")
    ]
    starts = list(Talk.objects.order_by("start").values_list("start", flat=True))
    assert {b - a for a, b in itertools.pairwise(starts)} == {
        datetime.timedelta(weeks=1),
        # Daylight saving time begins or ends between two Tuesdays at noon in New York.
        datetime.timedelta(weeks=1, hours=1),
        datetime.timedelta(weeks=1, hours=-1),
    }
    assert sum(start.date() > TODAY for start in starts) == 13
    assert dict(Talk.objects.values_list("status").annotate(n=Count("pk"))) == {
        Talk.Status.PUBLISHED: 56,
        Talk.Status.CANCELLED: 1,
        Talk.Status.DRAFT: 3,
    }


def test_generate_data_puts_the_host_on_every_talk(now):
    generate_data(40, today=TODAY)

    host = Speaker.objects.get(name=HOST_NAME)
    assert host.talks.count() == 40
    per_talk = Talk.objects.annotate(n=Count("talk_speakers")).values_list("n", flat=True)
    assert set(per_talk) <= {2, 3}
    # Speakers are shared: fewer speakers (besides the host) than talks.
    guests = TalkSpeaker.objects.exclude(speaker=host)
    assert guests.values("speaker").distinct().count() < 40
    assert Talk.objects.filter(event_types__isnull=True).count() == 0


def test_generate_data_twice_adds_new_talks_and_reuses_series_and_affiliations(now):
    generate_data(10, today=TODAY)
    generate_data(10, today=TODAY, seed=9)

    assert Talk.objects.count() == 20
    assert Talk.objects.values("slug").distinct().count() == 20
    assert Series.objects.count() == 1
    assert Affiliation.objects.count() == 30
    assert EventType.objects.count() == 5
    assert Speaker.objects.filter(name=HOST_NAME).count() == 2


def test_generate_data_command_reports_what_it_made(now, capsys):
    call_command("generate_data", "--talks", "12")

    assert Talk.objects.count() == 12
    assert capsys.readouterr().out.startswith(
        "Generated 12 talks in 1 series with 4 speakers from 30 affiliations in "
    )


def test_generate_data_keeps_each_abstract_as_plain_text_as_save_would(now):
    generate_data(40)

    talks = list(Talk.objects.values_list("abstract", "abstract_text"))
    assert [text for _, text in talks] == [markdown_to_text(abstract) for abstract, _ in talks]
    assert len(talks) == 40
