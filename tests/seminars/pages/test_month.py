"""The month view: a grid of days with their public talks, month to month."""

import datetime
import re
import zoneinfo

import pytest

from seminars.models import Talk
from seminars.pages.month import month_weeks, shift_month
from tests.demo import DEMO_UPCOMING, INFERENCE
from tests.factories import NewSeriesFactory, TalkFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def days_with_talks(html: str) -> dict[str, list[str]]:
    """Return {"2026-12-08": ["12:00 EST Title", ...]} from a month page."""
    found = {}
    for cell in re.findall(r'<td class="month__day[^"]*"[^>]*>(.*?)</td>', html, re.S):
        date = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)">', cell).group(1)
        talks = [
            f"{clock} {title}"
            for clock, title in re.findall(
                r'<time datetime="[^"]+T[^"]+">([^<]+)</time>\s*<a href="[^"]+">([^<]+)</a>', cell
            )
        ]
        if talks:
            found[date] = talks
    return found


def test_current_month_shows_this_months_talks_by_day(client, demo):
    html = client.get("/calendar/").content.decode()

    assert '<h1 class="page-title">Talks in December 2026</h1>' in html
    assert days_with_talks(html) == {
        "2026-12-01": [
            "12:00 EST Systems at the Crossroad of Agents &amp; Infrastructure "
            "(MLSys ’26 Digest Talk)"
        ],
        "2026-12-08": [f"12:00 EST {INFERENCE}"],
        "2026-12-15": [f"12:00 EST {DEMO_UPCOMING[1]}"],
        "2026-12-22": [f"12:00 EST {DEMO_UPCOMING[2]}"],
        "2026-12-29": [f"12:00 EST {DEMO_UPCOMING[3]}"],
    }
    assert '<td class="month__day month__day--today" aria-current="date">' in html


def test_month_links_to_the_previous_and_next_months(client, demo):
    html = client.get("/calendar/2027/01/").content.decode()

    assert re.findall(r'<a rel="(prev|next)" href="([^"]+)">([^<]+)</a>', html) == [
        ("prev", "/calendar/2026/12/", "← December 2026"),
        ("next", "/calendar/2027/02/", "February 2027 →"),
    ]


def test_month_with_no_talks_says_so(client, demo):
    html = client.get("/calendar/2030/05/").content.decode()

    assert days_with_talks(html) == {}
    assert '<p class="empty">No talks in May 2030.</p>' in html
    assert html.count('<td class="month__day') == 31


def test_cancelled_talk_is_marked_and_drafts_are_absent(client, demo):
    talk = Talk.objects.get(title=INFERENCE)
    talk.status = Talk.Status.CANCELLED
    talk.save()
    TalkFactory(
        title="Secret draft",
        status=Talk.Status.DRAFT,
        start=datetime.datetime(2026, 12, 10, 17, 0, tzinfo=datetime.UTC),
    )

    html = client.get("/calendar/2026/12/").content.decode()

    cell = re.search(r'<time datetime="2026-12-08">.*?</td>', html, re.S).group(0)
    assert '<li class="month__talk month__talk--cancelled">' in cell
    assert '<strong class="status-badge status-badge--cancelled">Cancelled</strong>' in cell
    assert "Secret draft" not in html


def test_talks_sit_on_their_series_day_across_the_end_of_daylight_saving(client, db, now):
    new_york = NewSeriesFactory(timezone="America/New_York")
    tokyo = NewSeriesFactory(timezone="Asia/Tokyo")
    for title, start, series in [
        ("Before the change", datetime.datetime(2026, 10, 31, 23, 30, tzinfo=NEW_YORK), new_york),
        ("Night of the change", datetime.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK), new_york),
        ("After the change", datetime.datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK), new_york),
        ("Last evening", datetime.datetime(2026, 11, 30, 23, 0, tzinfo=NEW_YORK), new_york),
        ("Tokyo morning", datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO), tokyo),
    ]:
        TalkFactory(title=title, start=start, series=series)

    html = client.get("/calendar/2026/11/").content.decode()

    assert days_with_talks(html) == {
        "2026-11-01": ["01:30 EDT Night of the change", "23:30 EST After the change"],
        "2026-11-30": ["23:00 EST Last evening"],
    }
    assert html.count('<td class="month__day') == 30


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/2026/13/",
        "/calendar/2026/00/",
        "/calendar/2026/1/",
        "/calendar/0999/05/",
        "/calendar/2100/01/",
        "/calendar/abcd/01/",
        "/calendar/2026/",
        "/calendar/2026/12/x/",
    ],
)
def test_junk_year_or_month_is_404(client, db, path):
    assert client.get(path).status_code == 404


def test_grid_has_whole_weeks_monday_first():
    weeks = month_weeks(2026, 11, [], datetime.date(2026, 11, 5))

    assert [len(week) for week in weeks] == [7] * 6
    assert (weeks[0][0].date, weeks[0][6].date) == (
        datetime.date(2026, 10, 26),
        datetime.date(2026, 11, 1),
    )
    assert [day.date.day for day in weeks[0] if day.in_month] == [1]
    assert [day.date for week in weeks for day in week if day.is_today] == [
        datetime.date(2026, 11, 5)
    ]


def test_shift_month_crosses_years():
    assert (shift_month(2026, 12, 1), shift_month(2027, 1, -1), shift_month(2026, 5, 0)) == (
        (2027, 1),
        (2026, 12),
        (2026, 5),
    )
