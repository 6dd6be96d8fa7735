import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from seminars.models import Announcement, Series, Talk
from tests.factories import NewSeriesFactory, SeriesFactory, SpeakerFactory, TalkFactory, make_talks
from tests.query_budgets import QUERIES

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def series_a():
    """Series A (the shared `organiser` organises it), with a list address announcing each
    talk."""
    return SeriesFactory(
        name="Series A", announcement_email="a@example.org", announcement_kind="talk"
    )


@pytest.fixture
def series_b():
    return SeriesFactory(name="Series B")


@pytest.fixture
def talks(now, series_a, series_b):
    """In each series: a talk tomorrow, an open slot in 5 and 9 weeks, a draft in 2 weeks."""
    made = {}
    for series in (series_a, series_b):
        name = series.name[-1]
        made[f"next {name}"] = TalkFactory(
            title=f"Tomorrow {name}",
            series=series,
            start=now + DAY,
            speakers=[SpeakerFactory(name=f"Speaker {name}")],
        )
        made[f"slot {name}"] = TalkFactory(
            title="Speaker to be announced",
            series=series,
            start=now + 5 * 7 * DAY,
            status=Talk.Status.DRAFT,
            is_placeholder=True,
        )
        TalkFactory(
            title="Speaker to be announced",
            series=series,
            start=now + 9 * 7 * DAY,
            status=Talk.Status.DRAFT,
            is_placeholder=True,
        )
        TalkFactory(title=f"Draft {name}", series=series, start=now + 14 * DAY, status="draft")
        TalkFactory(title=f"Late draft {name}", series=series, start=now + 30 * DAY, status="draft")
    Announcement.objects.create(
        series=series_a,
        kind="talk",
        talk=made["slot A"],
        recipient="a@example.org",
        status=Announcement.Status.FAILED,
        claimed_at=now - DAY,
        error="Connection refused",
    )
    return made


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.context["dashboard"]


def test_dashboard_shows_an_organiser_only_their_series(client, organiser, talks, series_a):
    board = dashboard(client, organiser)

    assert [talk.title for talk in board.next_talks] == [
        "Tomorrow A",
        "Draft A",
        "Late draft A",
        "Speaker to be announced",
        "Speaker to be announced",
    ]
    assert [talk.local_start.date() for talk in board.open_slots] == [datetime.date(2027, 1, 6)]
    assert [talk.title for talk in board.drafts_soon] == ["Draft A"]
    assert [talk.title for talk in board.due_talks] == ["Tomorrow A"]
    assert [str(a) for a in board.failed_announcements] == ["Series A: Speaker to be announced"]
    assert board.series == [series_a]
    # Speaker A of tomorrow's talk was never invited (the others are placeholders or drafts
    # without speakers).
    assert [
        (link.speaker.name, link.talk.title, link.invitation_status)
        for link in board.unconfirmed_speakers
    ] == [("Speaker A", "Tomorrow A", None)]


def test_dashboard_shows_a_superuser_every_series(staff_client, talks, series_a, series_b):
    board = staff_client.get(reverse("admin:index")).context["dashboard"]

    assert [talk.title for talk in board.drafts_soon] == ["Draft A", "Draft B"]
    assert [(talk.series.name, talk.local_start.date()) for talk in board.open_slots] == [
        ("Series A", datetime.date(2027, 1, 6)),
        ("Series B", datetime.date(2027, 1, 6)),
    ]
    assert board.series == [series_a, series_b]


def test_dashboard_page_links_each_series_tools(client, organiser, talks, series_a, series_b):
    client.force_login(organiser)
    html = client.get(reverse("admin:index")).content.decode()

    for name in ("plan", "agenda", "announcement"):
        assert html.count(reverse(f"admin:seminars_series_{name}", args=[series_a.pk])) >= 1
        assert reverse(f"admin:seminars_series_{name}", args=[series_b.pk]) not in html
    assert "Tomorrow A</a> — Speaker A" in html
    assert "Tomorrow B" not in html
    assert "Speaker A: <a" in html
    assert "Speaker B" not in html


def test_dashboard_lists_the_week_due_of_a_weekly_series(staff_client, now):
    weekly = NewSeriesFactory(
        announcement_email="list@example.org", announcement_kind="week", announce_days_before=6
    )
    TalkFactory(series=weekly, start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC))

    board = staff_client.get(reverse("admin:index")).context["dashboard"]

    assert [(week.series, week.week_start) for week in board.due_weeks] == [
        (weekly, datetime.date(2026, 12, 7))
    ]


def test_admin_is_named_after_the_site(staff_client, settings):
    settings.SITE_NAME = "Quantum Lunch"

    html = staff_client.get(reverse("admin:index")).content.decode()

    assert "<title>What needs doing | Quantum Lunch admin</title>" in html
    assert '<a href="/admin/">Quantum Lunch</a>' in html
    assert "Django administration" not in html


def test_login_logs_are_for_superusers_only(client, organiser, staff_client):
    log_list = reverse("admin:axes_accessattempt_changelist")
    assert staff_client.get(log_list).status_code == 200
    assert "Access attempts" in staff_client.get(reverse("admin:index")).content.decode()

    organiser.user_permissions.add(*Group.objects.get(name="Seminar organisers").permissions.all())
    client.force_login(organiser)
    assert client.get(log_list).status_code == 403
    assert "Access attempts" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_query_count_is_constant(staff_client, now, django_assert_num_queries, count):
    make_talks(count, now, spread=True)
    for series in Series.objects.all():
        TalkFactory(series=series, start=now + 7 * DAY, status="draft", is_placeholder=True)
    staff_client.get(reverse("admin:index"))

    with django_assert_num_queries(QUERIES["admin dashboard"]):
        response = staff_client.get(reverse("admin:index"))

    assert len(response.context["dashboard"].series) == count
