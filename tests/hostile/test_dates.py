"""Finding 2: talk dates lie in 1900–2200 (model, admin form, CSV alike, with one message),
and every page and feed tolerates any date already stored."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from seminars.models import TALK_YEARS_MESSAGE, Talk
from seminars.organisers.csv_io import read_import
from tests.factories import SeriesFactory, TalkFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
STORED_EXTREMES = [
    datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    datetime.datetime(1026, 3, 4, 17, 0, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 22, 0, tzinfo=UTC),
]
PUBLIC_URLS = [
    "/",
    "/archive/",
    "/series/",
    "/calendar.ics",
    "/feed/",
    "/api/talks/",
    "/api/talks/?when=past",
    "/sitemap.xml",
    "/speakers/",
    "/next/",
    "/embed/past/",
    "/search/?q=Typo",
]


def stored_talk(start: datetime.datetime, **fields) -> Talk:
    """Return a talk stored at `start`, as a row saved before the range was checked."""
    talk = TalkFactory(title="Typo year", **fields)
    end = min(start + datetime.timedelta(hours=1), datetime.datetime.max.replace(tzinfo=UTC))
    Talk.objects.filter(pk=talk.pk).update(start=start, end=end)
    return Talk.objects.get(pk=talk.pk)


@pytest.mark.parametrize("start", STORED_EXTREMES, ids=["year-1", "year-1026", "year-9999"])
def test_stored_far_off_dates_never_break_a_page_or_feed(client, now, start):
    good = TalkFactory(title="Good talk")
    talk = stored_talk(start)
    statuses = {url: client.get(url).status_code for url in PUBLIC_URLS}
    statuses |= {
        url: client.get(url).status_code
        for url in (
            talk.get_absolute_url(),
            f"/talks/{talk.slug}/calendar.ics",
            f"{good.series.get_absolute_url()}",
            f"/series/{good.series.slug}/calendar.ics",
            f"/api/talks/{talk.slug}/",
            f"/archive/{start.year:04d}/",
        )
    }

    assert statuses == {
        **dict.fromkeys(PUBLIC_URLS, 200),
        "/next/": 302,
        talk.get_absolute_url(): 404,
        f"/talks/{talk.slug}/calendar.ics": 404,
        good.series.get_absolute_url(): 200,
        f"/series/{good.series.slug}/calendar.ics": 200,
        f"/api/talks/{talk.slug}/": 404,
        f"/archive/{start.year:04d}/": 404,
    }
    assert b"Typo year" not in client.get("/archive/").content
    assert b"Good talk" in client.get("/").content


@pytest.mark.parametrize("start", STORED_EXTREMES, ids=["year-1", "year-1026", "year-9999"])
def test_stored_far_off_dates_open_in_the_admin(staff_client, start):
    talk = stored_talk(start)

    pages = [
        reverse("admin:seminars_talk_changelist"),
        reverse("admin:seminars_talk_change", args=[talk.pk]),
        talk.get_absolute_url(),  # no preview: fix the date first
        reverse("admin:seminars_talk_changelist") + "?start__year=0001",
    ]
    assert [staff_client.get(url).status_code for url in pages] == [200, 200, 404, 302]


def test_duplicating_a_talk_beyond_the_years_says_why(staff_client):
    talk = stored_talk(datetime.datetime(2200, 12, 30, 17, 0, tzinfo=UTC))

    response = staff_client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": "duplicate_selected", "_selected_action": [talk.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        f"“Typo year” was not duplicated: {TALK_YEARS_MESSAGE}",
        "Made 0 draft cop(ies) one week later.",
    ]
    assert Talk.objects.count() == 1


@pytest.mark.parametrize(
    "start", ["1899-12-31T12:00:00+00:00", "2201-01-01T12:00:00+00:00", "0001-01-01T00:00:00+05:00"]
)
def test_model_refuses_a_date_outside_the_years(start):
    talk = Talk(title="T", series=SeriesFactory(), start=datetime.datetime.fromisoformat(start))

    with pytest.raises(ValidationError) as refusal:
        talk.full_clean()

    assert refusal.value.message_dict["start"] == [TALK_YEARS_MESSAGE]


@pytest.mark.parametrize(
    ("day", "time"),
    [
        ("0001-01-01", "00:00"),
        ("1026-03-04", "12:00"),
        ("9999-12-31", "23:30"),
        ("2201-01-01", "00:00"),
    ],
)
def test_admin_form_refuses_a_date_outside_the_years(staff_client, day, time):
    from tests.seminars.test_admin import talk_form_data

    series = SeriesFactory()
    response = staff_client.post(
        reverse("admin:seminars_talk_add"),
        talk_form_data(series, start_0=day, start_1=time),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["start"] == [TALK_YEARS_MESSAGE]
    assert Talk.objects.count() == 0


@pytest.mark.parametrize(
    "start", ["1026-03-04T12:00:00-05:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"]
)
def test_csv_refuses_a_date_outside_the_years(start):
    from django.contrib.auth import get_user_model

    from seminars.organisers.csv_io import COLUMNS

    superuser = get_user_model().objects.create(username="root", is_superuser=True)
    text = ",".join(COLUMNS[:7]) + f"\r\n,,Talk,published,{start},,Series\r\n"

    assert [str(error) for error in read_import(text, superuser).errors] == [
        f"Row 2: start “{start}”: {TALK_YEARS_MESSAGE}"
    ]
