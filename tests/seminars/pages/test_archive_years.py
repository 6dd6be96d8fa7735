"""The archive's years are those talks start in, in their series' timezone (not the site's)."""

import datetime
import re
import zoneinfo

import pytest

from tests.factories import NewSeriesFactory, TalkFactory
from tests.query_budgets import PAGES, QUERIES

pytestmark = pytest.mark.django_db


def at(year, month, day, hour, minute, zone):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


def month_headings(response) -> list[str]:
    return re.findall(r'<h2 id="month-\d+">([^<]+)</h2>', response.text)


def year_links(response) -> list[str]:
    return re.findall(r'href="/archive/(\d{4})/"', response.text)


def titles(response) -> list[str]:
    return [talk.title for talk in response.context["page_obj"]]


@pytest.fixture
def new_year_talks(now):
    """Talks around New Year 2026 in Zurich, New York and Auckland; the site is in New York."""
    zurich = NewSeriesFactory(timezone="Europe/Zurich")
    new_york = NewSeriesFactory(timezone="America/New_York")
    auckland = NewSeriesFactory(timezone="Pacific/Auckland")
    TalkFactory(
        title="Zurich, just after midnight",
        series=zurich,
        start=at(2026, 1, 1, 0, 30, "Europe/Zurich"),
    )
    TalkFactory(
        title="New York, late evening",
        series=new_york,
        start=at(2025, 12, 31, 22, 0, "America/New_York"),
    )
    TalkFactory(
        title="Auckland, New Year's Day",
        series=auckland,
        start=at(2026, 1, 1, 1, 0, "Pacific/Auckland"),
    )
    TalkFactory(
        title="Auckland, New Year's Eve",
        series=auckland,
        start=at(2025, 12, 31, 23, 0, "Pacific/Auckland"),
    )
    TalkFactory(
        title="Zurich, midsummer", series=zurich, start=at(2025, 6, 21, 12, 0, "Europe/Zurich")
    )


def test_a_talk_after_midnight_in_zurich_is_in_the_new_year(client, now):
    zurich = NewSeriesFactory(timezone="Europe/Zurich")
    TalkFactory(
        title="Just after midnight", series=zurich, start=at(2026, 1, 1, 0, 30, "Europe/Zurich")
    )

    year_page = client.get("/archive/2026/")

    assert titles(year_page) == ["Just after midnight"]
    assert month_headings(year_page) == ["January 2026"]
    assert year_links(client.get("/archive/")) == ["2026"]
    assert client.get("/archive/2025/").status_code == 404


def test_each_talk_is_in_the_year_of_its_series_timezone(client, new_year_talks):
    year_2026 = client.get("/archive/2026/")
    year_2025 = client.get("/archive/2025/")

    assert year_links(client.get("/archive/")) == ["2026", "2025"]
    assert titles(year_2026) == ["Zurich, just after midnight", "Auckland, New Year's Day"]
    assert month_headings(year_2026) == ["January 2026"]
    assert titles(year_2025) == [
        "New York, late evening",
        "Auckland, New Year's Eve",
        "Zurich, midsummer",
    ]
    assert month_headings(year_2025) == ["December 2025", "June 2025"]


def test_a_year_that_only_new_years_eve_in_honolulu_reaches_is_not_listed(client, now):
    # 22:00 on 31 December in Honolulu is 03:00 on 1 January in New York, the site's timezone.
    honolulu = NewSeriesFactory(timezone="Pacific/Honolulu")
    TalkFactory(
        title="Late evening", series=honolulu, start=at(2025, 12, 31, 22, 0, "Pacific/Honolulu")
    )

    assert year_links(client.get("/archive/")) == ["2025"]
    assert titles(client.get("/archive/2025/")) == ["Late evening"]
    assert client.get("/archive/2026/").status_code == 404


@pytest.mark.parametrize(
    "zones", [["Europe/Zurich"], ["Europe/Zurich", "Pacific/Auckland", "America/Los_Angeles"]]
)
def test_the_archive_queries_do_not_grow_with_talks_or_timezones(
    client, now, django_assert_num_queries, zones
):
    for zone in zones:
        series = NewSeriesFactory(timezone=zone)
        for minute in range(len(zones) * 3):
            TalkFactory(series=series, start=at(2026, 1, 1, 0, minute, zone))
            TalkFactory(series=series, start=at(2025, 12, 31, 23, minute, zone))
            TalkFactory(series=series, start=at(2026, 3, 1, 12, minute, zone))
    client.get("/archive/")  # the content version, read once per process

    budget = QUERIES["page cache miss"] + PAGES["/archive/2026/"]
    with django_assert_num_queries(budget):
        client.get("/archive/2026/?page=1")
    with django_assert_num_queries(budget):
        client.get("/archive/2025/?page=1")
