"""Right links with several series: lists name each talk's series, the home page each series'
next talk."""

import datetime
import re

import pytest

from seminars.models import Talk
from tests.demo import INFERENCE
from tests.factories import NewSeriesFactory, TalkFactory

pytestmark = pytest.mark.django_db


def series_names(html: str) -> list[str]:
    return re.findall(r'class="talk-item__series"><a href="[^"]+">([^<]+)</a>', html)


def test_lists_do_not_name_the_series_when_there_is_one(client, demo):
    response = client.get("/archive/")

    assert series_names(response.text) == []
    assert client.get("/").context["next_talks"][0].title == INFERENCE


def test_lists_name_each_talks_series_when_several_have_public_talks(client, demo):
    other = NewSeriesFactory(name="Theory Lunch")
    TalkFactory(
        title="Lower bounds",
        series=other,
        start=datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC),
    )

    response = client.get("/archive/")

    names = series_names(response.text)
    assert len(names) == Talk.objects.public().past().count()
    assert names[0] == "Theory Lunch"
    assert set(names[1:]) == {"Systems Seminar"}


def test_a_draft_series_does_not_make_lists_name_series(client, demo):
    TalkFactory(series=NewSeriesFactory(name="Hidden"), status=Talk.Status.DRAFT)

    assert series_names(client.get("/archive/").text) == []


def test_home_shows_the_next_talk_of_each_series(client, demo):
    other = NewSeriesFactory(name="Theory Lunch")
    TalkFactory(
        title="Far away",
        series=other,
        start=datetime.datetime(2027, 3, 2, 17, 0, tzinfo=datetime.UTC),
    )
    TalkFactory(
        title="Later still",
        series=other,
        start=datetime.datetime(2027, 4, 2, 16, 0, tzinfo=datetime.UTC),
    )

    response = client.get("/")

    assert [(talk.series.name, talk.title) for talk in response.context["next_talks"]] == [
        ("Systems Seminar", INFERENCE),
        ("Theory Lunch", "Far away"),
    ]
    assert "Next talk in each series" in response.text
    assert "Far away" not in [talk.title for talk in response.context["upcoming_talks"]]
