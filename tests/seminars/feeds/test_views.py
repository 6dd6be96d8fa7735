import datetime
import re
from urllib.parse import quote

import icalendar
import pytest
from django.core.cache import cache
from django.utils.http import http_date, parse_http_date

from seminars.feeds.selection import event_data
from seminars.http.local_copies import clear_caches, local_events
from seminars.models import ContentVersion, EventType, Series, Talk
from seminars.services import cancel_talk, publish_talk
from seminars.signals import bump_content_version
from speakers.models import Speaker
from speakers.services import retire_slug
from tests.clock import BEFORE_DST_ENDS, NEW_YORK, ZURICH
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    NewSeriesFactory,
    SeriesFactory,
    SpeakerFactory,
    VenueFactory,
    WeeklyTalkFactory,
    make_talks,
)
from tests.query_budgets import CALENDARS, QUERIES
from tests.seminars.feeds.parsers import assert_wire_format, parse_all

pytestmark = pytest.mark.django_db

CALENDAR_TYPE = "text/calendar; charset=utf-8"
PLAIN_TYPE = "text/plain; charset=utf-8"
LATER = datetime.timedelta(minutes=10)


@pytest.fixture(autouse=True)
def _content_version_a_month_old(clock):
    ContentVersion.objects.update(
        counter=0, changed_at=BEFORE_DST_ENDS - datetime.timedelta(days=30)
    )


def at(day: datetime.date, zone=NEW_YORK) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), zone)


@pytest.fixture
def world():
    """Two series, two speakers, and talks past, recent, upcoming, draft and cancelled."""
    systems = SeriesFactory(name="Systems Seminar", slug="systems-seminar")
    zurich = SeriesFactory(
        name="Zürich Colloquium", slug="zurich-colloquium", timezone="Europe/Zurich"
    )
    william = SpeakerFactory(
        name="William Nixon",
        slug="william-nixon",
        affiliation=AffiliationFactory(name="University of Chicago"),
    )
    ori = SpeakerFactory(
        name="Ori Rottenstreich",
        slug="ori-rottenstreich",
        affiliation=AffiliationFactory(name="Technion – Israel Institute of Technology"),
    )
    seminar = EventTypeFactory(name="Seminar")
    round_table = EventTypeFactory(name="Round table")
    talks = {
        "old": WeeklyTalkFactory(
            title="Old",
            slug="old",
            series=systems,
            start=at(datetime.date(2025, 9, 16)),
            speakers=[william],
            event_types=[seminar],
        ),
        "recent": WeeklyTalkFactory(
            title="Recent",
            slug="recent",
            series=systems,
            start=at(datetime.date(2026, 10, 13)),
            speakers=[william],
            event_types=[seminar],
        ),
        "zurich": WeeklyTalkFactory(
            title="Zürich pair",
            slug="zurich-pair",
            series=zurich,
            start=at(datetime.date(2026, 10, 27), ZURICH),
            speakers=[ori, william],
            event_types=[seminar],
        ),
        "upcoming": WeeklyTalkFactory(
            title="Upcoming",
            slug="upcoming",
            series=systems,
            start=at(datetime.date(2026, 11, 3)),
            speakers=[ori],
            event_types=[round_table],
        ),
        "zurich_round_table": WeeklyTalkFactory(
            title="Zürich round table",
            slug="zurich-round-table",
            series=zurich,
            start=at(datetime.date(2026, 11, 10), ZURICH),
            event_types=[round_table],
        ),
        "draft": WeeklyTalkFactory(
            title="Draft",
            slug="draft",
            series=systems,
            start=at(datetime.date(2026, 11, 17)),
            speakers=[william, ori],
            event_types=[seminar, round_table],
            status=Talk.Status.DRAFT,
        ),
        "cancelled": WeeklyTalkFactory(
            title="Called off",
            slug="called-off",
            series=systems,
            start=at(datetime.date(2026, 11, 24)),
            speakers=[ori],
            event_types=[seminar],
            status=Talk.Status.CANCELLED,
        ),
    }
    return talks


def events(response) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(response.content).events


def summaries(response) -> list[str]:
    return [str(event["SUMMARY"]) for event in events(response)]


def calendar_name(response) -> str | None:
    names = parse_all(response.content)["ical"].name
    return names[0] if names else None


FEED_TALKS = [
    (
        "/calendar.ics",
        ["Recent", "Zürich pair", "Upcoming", "Zürich round table", "Cancelled: Called off"],
    ),
    ("/series/zurich-colloquium/calendar.ics", ["Zürich pair", "Zürich round table"]),
    ("/calendar.ics?series=zurich-colloquium", ["Zürich pair", "Zürich round table"]),
    (
        "/calendar.ics?series=zurich-colloquium&series=systems-seminar",
        ["Recent", "Zürich pair", "Upcoming", "Zürich round table", "Cancelled: Called off"],
    ),
    ("/tags/round-table/calendar.ics", ["Upcoming", "Zürich round table"]),
    ("/calendar.ics?series=zurich-colloquium&tag=round-table", ["Zürich round table"]),
    (
        "/calendar.ics?tag=round-table&tag=seminar&series=systems-seminar",
        ["Recent", "Upcoming", "Cancelled: Called off"],
    ),
    # A speaker's feed alone keeps all their talks; combined, it has the time window.
    ("/speakers/william-nixon/calendar.ics", ["Old", "Recent", "Zürich pair"]),
    ("/calendar.ics?speaker=william-nixon", ["Old", "Recent", "Zürich pair"]),
    ("/calendar.ics?speaker=william-nixon&series=systems-seminar", ["Recent"]),
    (
        "/calendar.ics?speaker=william-nixon&speaker=ori-rottenstreich",
        ["Old", "Recent", "Zürich pair", "Upcoming", "Cancelled: Called off"],
    ),
    ("/talks/upcoming/calendar.ics", ["Upcoming"]),
    ("/talks/called-off/calendar.ics", ["Cancelled: Called off"]),
]


@pytest.mark.parametrize(("url", "expected"), FEED_TALKS)
def test_calendar_feed_shows_its_public_talks_in_order(client, world, url, expected):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (200, CALENDAR_TYPE)
    assert summaries(response) == expected


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/calendar.ics", "Systems Seminar"),
        ("/series/zurich-colloquium/calendar.ics", "Zürich Colloquium"),
        ("/tags/round-table/calendar.ics", "Systems Seminar — Round table"),
        ("/speakers/william-nixon/calendar.ics", "Talks by William Nixon"),
        (
            "/calendar.ics?tag=round-table&series=zurich-colloquium",
            "Zürich Colloquium — Round table",
        ),
        (
            "/calendar.ics?speaker=william-nixon&speaker=ori-rottenstreich",
            "Talks by Ori Rottenstreich and William Nixon",
        ),
        (
            "/calendar.ics?speaker=william-nixon&tag=seminar",
            "Systems Seminar — Seminar — Talks by William Nixon",
        ),
        ("/talks/upcoming/calendar.ics", None),
    ],
)
def test_calendar_feed_is_named_after_what_it_shows(client, world, url, name):
    assert calendar_name(client.get(url)) == name


def test_calendar_feed_response_headers(client, world):
    response = client.get("/calendar.ics")

    assert {
        name: response.get(name)
        for name in (
            "Content-Type",
            "Cache-Control",
            "Last-Modified",
            "Content-Disposition",
            "Content-Encoding",
            "Vary",
        )
    } == {
        "Content-Type": CALENDAR_TYPE,
        "Cache-Control": "public, max-age=900",
        "Last-Modified": http_date(ContentVersion.objects.get().changed_at.timestamp()),
        "Content-Disposition": None,
        "Content-Encoding": None,
        "Vary": None,
    }
    assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
    assert response.cookies == {}


def test_talk_download_is_an_attachment_named_after_the_slug(client, world):
    response = client.get("/talks/upcoming/calendar.ics")

    assert response["Content-Disposition"] == 'attachment; filename="upcoming.ics"'
    assert [
        line
        for line in response.content.split(b"\r\n")
        if b"CALNAME" in line or line.startswith(b"NAME")
    ] == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/series/nope/calendar.ics", "There is no series “nope” with public talks."),
        ("/tags/nope/calendar.ics", "There is no tag “nope” with public talks."),
        ("/speakers/nope/calendar.ics", "There is no speaker “nope” with public talks."),
        ("/talks/nope/calendar.ics", "There is no public talk “nope”."),
        ("/talks/draft/calendar.ics", "There is no public talk “draft”."),
        (
            "/calendar.ics?series=zurich-colloquium&series=nope",
            "There is no series “nope” with public talks.",
        ),
        (
            "/calendar.ics?series=zurich-colloquium&tag=nope",
            "There is no tag “nope” with public talks.",
        ),
        ("/calendar.ics?speaker=nope", "There is no speaker “nope” with public talks."),
        ("/calendar.ics?series=%FF", "There is no series “\ufffd” with public talks."),
        ("/calendar.ics?tag=" + "x" * 5000, f"There is no tag “{'x' * 80}” with public talks."),
    ],
)
def test_calendar_feed_unknown_slug_answers_404_with_plain_text_reason(client, world, url, reason):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (404, PLAIN_TYPE)
    assert response.content.decode() == reason


def test_calendar_feed_hides_a_series_with_only_drafts(client, world):
    WeeklyTalkFactory(series=NewSeriesFactory(slug="secret"), status=Talk.Status.DRAFT)

    assert client.get("/series/secret/calendar.ics").status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("series=", 200),
        ("series=&tag=&speaker=", 200),
        ("series=%20&tag=%09", 200),
        ("utm_source=newsletter&series[]=x", 200),
        ("series=%FF%FE", 404),
        ("tag=%E2%80%94", 404),
        ("&&&=&==", 200),
        ("series=a%00b", 400),
        ("speaker=../../etc/passwd", 404),
        ("&".join(f"series=s{n}" for n in range(25)), 404),
        ("&".join("series=zurich-colloquium" for n in range(25)), 200),
    ],
)
def test_calendar_feed_junk_query_never_fails(client, world, query, status):
    assert client.get(f"/calendar.ics?{query}").status_code == status


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        ("/calendar.ics?series=", "/calendar.ics"),
        ("/calendar.ics?utm_source=x", "/calendar.ics"),
        (
            "/calendar.ics?series=zurich-colloquium&series=systems-seminar&series=zurich-colloquium",
            "/calendar.ics?series=systems-seminar&series=zurich-colloquium",
        ),
        ("/calendar.ics?series=+zurich-colloquium+", "/series/zurich-colloquium/calendar.ics"),
        ("/calendar.ics?tag=round-table", "/tags/round-table/calendar.ics"),
        (
            "/speakers/william-nixon/calendar.ics?series=systems-seminar",
            "/calendar.ics?speaker=william-nixon",
        ),
    ],
)
def test_calendar_feed_normalised_queries_share_bytes_and_etag(client, world, url, same_as):
    first, second = client.get(url), client.get(same_as)

    assert (first.content, first["ETag"]) == (second.content, second["ETag"])


def test_calendar_feed_keeps_at_most_20_values_of_a_key(client):
    slugs = [f"series-{n:02}" for n in range(25)]
    for slug in slugs:
        WeeklyTalkFactory(title=slug, series=SeriesFactory(slug=slug, name=slug))

    response = client.get("/calendar.ics?" + "&".join(f"series={slug}" for slug in reversed(slugs)))

    assert sorted(summaries(response)) == slugs[:20]


FEED_URLS = [
    "/calendar.ics",
    "/calendar.ics?series=zurich-colloquium&tag=seminar",
    "/series/systems-seminar/calendar.ics",
    "/tags/round-table/calendar.ics",
    "/speakers/ori-rottenstreich/calendar.ics",
    "/talks/zurich-pair/calendar.ics",
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_calendar_feed_unchanged_gives_same_bytes_then_304(client, world, clock, url):
    first = client.get(url)
    clock.shift(LATER)
    clear_caches()  # even rebuilt, the bytes are the same
    second = client.get(url)
    by_etag = client.get(url, headers={"If-None-Match": second["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": second["Last-Modified"]})

    assert (second.status_code, second.content, second["ETag"]) == (
        200,
        first.content,
        first["ETag"],
    )
    assert [by_etag.status_code, by_date.status_code] == [304, 304]
    assert by_etag.content == b""
    assert {name: by_etag.get(name) for name in ("ETag", "Last-Modified", "Cache-Control")} == {
        "ETag": first["ETag"],
        "Last-Modified": second["Last-Modified"],
        "Cache-Control": "public, max-age=900",
    }


@pytest.mark.parametrize("url", FEED_URLS)
@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_calendar_feed_304_costs_at_most_one_query(
    client, world, django_assert_max_num_queries, url, validator
):
    first = client.get(url)
    header = "If-None-Match" if validator == "ETag" else "If-Modified-Since"

    with django_assert_max_num_queries(QUERIES["calendar 304"]):
        response = client.get(url, headers={header: first[validator]})

    assert response.status_code == 304


def test_calendar_feed_304_without_cached_body_does_not_build_it(
    client, world, django_assert_num_queries
):
    etag = client.get("/series/systems-seminar/calendar.ics")["ETag"]
    clear_caches()

    with django_assert_num_queries(QUERIES["calendar 304 without cached body"]):
        response = client.get(
            "/series/systems-seminar/calendar.ics", headers={"If-None-Match": etag}
        )

    assert response.status_code == 304


@pytest.mark.parametrize("count", [10, 2000])
@pytest.mark.parametrize(("url", "queries"), CALENDARS.items())
def test_calendar_feed_query_count_does_not_grow_with_talks(
    client, django_assert_num_queries, count, url, queries
):
    make_talks(count, BEFORE_DST_ENDS, past=0)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.content.count(b"BEGIN:VEVENT") == count


@pytest.mark.parametrize("count", [10, 200])
def test_talk_download_query_count_does_not_grow_with_talks(
    client, django_assert_num_queries, count
):
    make_talks(count, BEFORE_DST_ENDS, past=0)

    with django_assert_num_queries(QUERIES["talk calendar"]):
        response = client.get("/talks/talk-3/calendar.ics")

    assert response.content.count(b"BEGIN:VEVENT") == 1


def test_calendar_feed_last_modified_moves_forward_after_a_delete(client, world, clock):
    url = "/series/systems-seminar/calendar.ics"
    before = client.get(url)
    clock.shift(LATER)

    Talk.objects.get(slug="recent").delete()
    after = client.get(url)
    conditional = client.get(url, headers={"If-Modified-Since": before["Last-Modified"]})

    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert after["ETag"] != before["ETag"]
    assert conditional.status_code == 200
    assert "Recent" not in summaries(after)


def test_calendar_feed_talk_put_back_to_draft_disappears(client, world, clock):
    talk = world["upcoming"]
    before = client.get("/calendar.ics")
    clock.shift(LATER)

    talk.status = Talk.Status.DRAFT
    talk.save()
    after = client.get("/calendar.ics")
    conditional = client.get(
        "/calendar.ics", headers={"If-Modified-Since": before["Last-Modified"]}
    )

    assert str(talk.uid).encode() in before.content
    assert str(talk.uid).encode() not in after.content
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert conditional.status_code == 200
    assert client.get("/talks/upcoming/calendar.ics").status_code == 404


def test_calendar_feed_last_modified_never_goes_backwards(client, world, clock):
    url = "/calendar.ics"
    seen = [parse_http_date(client.get(url)["Last-Modified"])]
    for change in (
        lambda: Talk.objects.get(slug="recent").delete(),
        lambda: clock.move_to(BEFORE_DST_ENDS + LATER),
        lambda: cancel_talk(Talk.objects.get(slug="upcoming")),
        lambda: clock.move_to(BEFORE_DST_ENDS + datetime.timedelta(days=2)),
        lambda: publish_talk(Talk.objects.get(slug="draft")),
        # The clock goes back.
        lambda: clock.move_to(BEFORE_DST_ENDS + datetime.timedelta(days=2, minutes=-5)),
        lambda: Talk.objects.get(slug="draft").delete(),
    ):
        change()
        seen.append(parse_http_date(client.get(url)["Last-Modified"]))

    assert seen == sorted(seen)
    assert seen[-1] > seen[0]


def test_calendar_feed_window_moves_with_the_date(client, clock):
    WeeklyTalkFactory(title="A year ago today", start=at(datetime.date(2025, 10, 20)))
    WeeklyTalkFactory(title="Next week", start=at(datetime.date(2026, 10, 27)))
    today = client.get("/calendar.ics")

    clock.move_to(datetime.datetime(2026, 10, 21, 9, 0, tzinfo=datetime.UTC))
    tomorrow = client.get("/calendar.ics")
    conditional = client.get("/calendar.ics", headers={"If-None-Match": today["ETag"]})

    assert summaries(today) == ["A year ago today", "Next week"]
    assert summaries(tomorrow) == ["Next week"]
    assert tomorrow["ETag"] != today["ETag"]
    # The window moved at midnight in New York, when the feed changed.
    assert tomorrow["Last-Modified"] == http_date(
        datetime.datetime(2026, 10, 21, 4, 0, tzinfo=datetime.UTC).timestamp()
    )
    assert conditional.status_code == 200


def test_calendar_feed_past_months_setting_widens_the_window(client, world, settings):
    settings.FEED_PAST_MONTHS = 14

    assert summaries(client.get("/calendar.ics"))[0] == "Old"


@pytest.mark.parametrize(
    ("field", "value", "sequence"),
    [
        ("start", at(datetime.date(2026, 11, 3)) + datetime.timedelta(minutes=30), 1),
        ("end", at(datetime.date(2026, 11, 3)) + datetime.timedelta(hours=2), 1),
        ("location", "Room 2", 1),
        ("title", "Upcoming, renamed", 1),
        ("status", Talk.Status.CANCELLED, 1),
        ("abstract", "A new abstract.", 0),
        ("online_url", "https://meet.example.org/new", 0),
    ],
)
def test_calendar_feed_change_bumps_sequence_and_last_modified(
    client, world, clock, field, value, sequence
):
    talk = world["upcoming"]
    before = events(client.get("/talks/upcoming/calendar.ics"))[0]
    clock.shift(LATER)

    setattr(talk, field, value)
    talk.save()
    after = events(client.get("/talks/upcoming/calendar.ics"))[0]

    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, sequence)
    assert before["LAST-MODIFIED"].dt == BEFORE_DST_ENDS
    assert after["LAST-MODIFIED"].dt == BEFORE_DST_ENDS + LATER
    assert after["UID"] == before["UID"] == str(talk.uid)


def test_calendar_feed_cancelled_talk_stays_marked(client, world, clock):
    talk = world["upcoming"]
    client.get("/calendar.ics")
    clock.shift(LATER)

    cancel_talk(talk)
    event = next(e for e in events(client.get("/calendar.ics")) if e["UID"] == str(talk.uid))

    assert (event["SUMMARY"], event["STATUS"], event["SEQUENCE"]) == (
        "Cancelled: Upcoming",
        "CANCELLED",
        1,
    )


def test_calendar_feed_moved_talk_shows_new_time_in_its_zone(client, world, clock):
    talk = world["zurich"]
    client.get("/calendar.ics")
    clock.shift(LATER)

    talk.start = at(datetime.date(2026, 10, 29), ZURICH)
    talk.end = talk.start + datetime.timedelta(hours=2)
    talk.save()
    event = next(e for e in events(client.get("/calendar.ics")) if e["UID"] == str(talk.uid))

    assert (event.DTSTART, event.DTEND, event["SEQUENCE"]) == (
        datetime.datetime(2026, 10, 29, 12, 0, tzinfo=ZURICH),
        datetime.datetime(2026, 10, 29, 14, 0, tzinfo=ZURICH),
        1,
    )
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich"


@pytest.mark.parametrize("url", FEED_URLS)
def test_calendar_feed_no_gzip_cookie_redirect_or_406(client, world, admin_user, url):
    anonymous = client.get(
        url, headers={"Accept-Encoding": "gzip, deflate, br", "Accept": "text/calendar"}
    )
    client.force_login(admin_user)
    staff = client.get(url, headers={"Accept-Encoding": "gzip"})

    for response in (anonymous, staff):
        assert (response.status_code, response["Content-Type"]) == (200, CALENDAR_TYPE)
        assert (response.get("Content-Encoding"), response.get("Vary")) == (None, None)
        assert response.cookies == {}
    # Staff see exactly what subscribers see: no drafts.
    assert staff.content == anonymous.content


@pytest.mark.parametrize("url", FEED_URLS)
def test_calendar_feed_head_answers_like_get_without_body(client, world, url):
    get = client.get(url)
    head = client.head(url)

    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.headers) == dict(get.headers)
    assert head["Content-Length"] == str(len(get.content))


def test_calendar_feed_renamed_series_keeps_its_old_address(client, world):
    series = Series.objects.get(slug="zurich-colloquium")
    old = client.get("/series/zurich-colloquium/calendar.ics")
    series.slug = "zurich"
    series.save()
    retire_slug(series, "zurich-colloquium")

    response = client.get("/series/zurich-colloquium/calendar.ics")

    assert response.status_code == 200
    assert summaries(response) == summaries(old)


def test_robots_txt_lets_crawlers_fetch_the_feeds(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert [line for line in lines if line.startswith(("Allow", "Disallow"))] == [
        "Disallow: /admin/",
        "Allow: /",
    ]


def test_every_feed_of_the_demo_data_parses_with_three_parsers(client, demo):
    urls = [
        "/calendar.ics",
        *(f"/series/{slug}/calendar.ics" for slug in Series.objects.values_list("slug", flat=True)),
        *(
            f"/tags/{slug}/calendar.ics"
            for slug in EventType.objects.filter(talks__isnull=False)
            .distinct()
            .values_list("slug", flat=True)
        ),
        *(
            f"/speakers/{slug}/calendar.ics"
            for slug in Speaker.objects.values_list("slug", flat=True)
        ),
        *(f"/talks/{slug}/calendar.ics" for slug in Talk.objects.values_list("slug", flat=True)),
    ]

    counts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_wire_format(response.content)
        calendars = parse_all(response.content)
        counts[url] = (
            len(calendars["icalendar"].events),
            len(calendars["ical"].events),
            len(getattr(calendars["vobject"], "vevent_list", [])),
        )

    assert counts["/calendar.ics"] == (10, 10, 10)
    assert all(len(set(found)) == 1 and found[0] > 0 for found in counts.values())
    assert len([url for url in urls if url.startswith("/talks/")]) == 10


def test_every_feed_of_tricky_generated_data_parses_with_three_parsers(client, world):
    Talk.objects.filter(slug="zurich-pair").update(
        title="Caches, queues;\nand newlines – Zürich",
        location="Room 1, Building; ETH Zürich",
        abstract="Back\\slash; semi, comma\n\n" + "Very long abstract – naïve café 🚀 " * 300,
    )
    bump_content_version()

    for url in [*FEED_URLS, "/calendar.ics?speaker=william-nixon&speaker=ori-rottenstreich"]:
        response = client.get(url)
        assert_wire_format(response.content)
        parsed = parse_all(response.content)
        summaries_by_parser = [
            [str(event["SUMMARY"]) for event in parsed["icalendar"].events],
            [event.summary for event in parsed["ical"].events],
            [event.summary.value for event in parsed["vobject"].vevent_list],
        ]
        assert summaries_by_parser[0] == summaries_by_parser[1] == summaries_by_parser[2], url


def test_subscribe_page_offers_every_way_to_subscribe(client, world):
    html = client.get("/subscribe/").content.decode()
    https = "https://seminars.example.org/calendar.ics"

    assert 'href="webcal://seminars.example.org/calendar.ics"' in html
    assert f'href="https://calendar.google.com/calendar/r?cid={quote(https, safe="")}"' in html
    assert (
        'href="https://outlook.live.com/calendar/0/addfromweb?url='
        'https%3A%2F%2Fseminars.example.org%2Fcalendar.ics&amp;name=Systems%20Seminar"'
    ) in html
    assert f'value="{https}" readonly' in html
    assert 'href="webcal://seminars.example.org/series/zurich-colloquium/calendar.ics"' in html
    assert 'href="webcal://seminars.example.org/tags/round-table/calendar.ics"' in html
    # CSP-ready: scripts come from files, no inline script or style.
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " style=" not in html
    assert '<script src="/static/js/copy.js" defer></script>' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    headings = re.findall(r"<h2 [^>]*>([^<]+)</h2>", html)
    assert headings == [
        "Subscribe or download?",
        "Every talk",
        "Subscribe to “Systems Seminar”",
        "Subscribe to “Zürich Colloquium”",
        "Subscribe to “Systems Seminar — Round table”",
        "Subscribe to “Systems Seminar — Seminar”",
        "Build your own calendar",
        "Every speaker, and your own mix",
    ]


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/calendar.ics"),
        ("/series/zurich-colloquium/", "/series/zurich-colloquium/calendar.ics"),
        ("/tags/round-table/", "/tags/round-table/calendar.ics"),
        ("/speakers/william-nixon/", "/speakers/william-nixon/calendar.ics"),
    ],
)
def test_subscribe_control_on_pages(client, world, page, feed):
    html = client.get(page).content.decode()

    assert f'href="webcal://seminars.example.org{feed}"' in html
    assert f'value="https://seminars.example.org{feed}" readonly' in html
    assert '<a href="/subscribe/">Subscribe</a>' in html


def test_talk_page_offers_the_ics_download(client, world):
    html = client.get("/talks/upcoming/").content.decode()

    assert (
        '<a class="button" href="/talks/upcoming/calendar.ics" download>Download .ics</a>' in html
    )


def admin_change_data(talk: Talk, **changes) -> dict:
    """Return the admin change form's POST data for `talk` as it is, with `changes`."""
    links = list(talk.talk_speakers.all())
    data = {
        "title": talk.title,
        "slug": talk.slug,
        "series": talk.series_id,
        "status": talk.status,
        "event_types": [event_type.pk for event_type in talk.event_types.all()],
        "start_0": talk.local_start.strftime("%Y-%m-%d"),
        "start_1": talk.local_start.strftime("%H:%M:%S"),
        "end_0": talk.local_end.strftime("%Y-%m-%d"),
        "end_1": talk.local_end.strftime("%H:%M:%S"),
        "location": talk.location,
        "online_url": talk.online_url,
        "online_link_visibility": talk.online_link_visibility,
        "is_placeholder": "on" if talk.is_placeholder else "",
        "abstract": talk.abstract,
        "host": talk.host,
        "loaded_edit_version": talk.edit_version,
        "talk_speakers-TOTAL_FORMS": len(links),
        "talk_speakers-INITIAL_FORMS": len(links),
        "talk_speakers-MIN_NUM_FORMS": 0,
        "talk_speakers-MAX_NUM_FORMS": 1000,
        "audience": talk.audience,
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
    }
    for index, link in enumerate(links):
        data |= {
            f"talk_speakers-{index}-id": link.pk,
            f"talk_speakers-{index}-talk": talk.pk,
            f"talk_speakers-{index}-order": link.order,
            f"talk_speakers-{index}-speaker": link.speaker_id,
            f"talk_speakers-{index}-affiliation": link.affiliation_id or "",
        }
    return data | changes


def test_calendar_feed_follows_a_cancel_and_a_move_made_in_the_admin(
    client, staff_client, demo, clock
):
    to_cancel, to_move = Talk.objects.upcoming(BEFORE_DST_ENDS)[:2]
    before = client.get("/calendar.ics")
    clock.shift(LATER)

    cancelled = staff_client.post(
        "/admin/seminars/talk/", {"action": "cancel_selected", "_selected_action": [to_cancel.pk]}
    )
    moved = staff_client.post(
        f"/admin/seminars/talk/{to_move.pk}/change/",
        admin_change_data(to_move, start_1="15:30:00", end_1="16:30:00", location="Room 2"),
    )
    after = client.get("/calendar.ics", headers={"If-None-Match": before["ETag"]})
    unchanged = client.get("/calendar.ics", headers={"If-None-Match": after["ETag"]})

    assert [cancelled.status_code, moved.status_code] == [302, 302]
    assert [after.status_code, unchanged.status_code] == [200, 304]
    changed = {
        event["UID"]: (event["STATUS"], event["SEQUENCE"], event.DTSTART, event["LOCATION"])
        for event in events(after)
        if event["UID"] in (str(to_cancel.uid), str(to_move.uid))
    }
    assert changed == {
        str(to_cancel.uid): ("CANCELLED", 1, to_cancel.local_start, "Seminar Room G115"),
        str(to_move.uid): (
            "CONFIRMED",
            1,
            to_move.local_start.replace(hour=15, minute=30),
            "Room 2",
        ),
    }
    parsed = parse_all(after.content)
    assert [
        len(parsed["icalendar"].events),
        len(parsed["ical"].events),
        len(parsed["vobject"].vevent_list),
    ] == [10, 10, 10]


def event_keys() -> dict[str, str]:
    return {event.title: event.key() for event in event_data(Talk.objects.public())}


def test_calendar_feed_rebuild_takes_unchanged_events_from_the_cache(client, world):
    client.get("/calendar.ics")
    cache.set(event_keys()["Upcoming"], b"X-REUSED:yes\r\n")
    local_events.clear()  # as in another worker

    bump_content_version()  # the body must be built again
    body = client.get("/calendar.ics").content

    assert body.count(b"BEGIN:VEVENT") == 4
    assert b"X-REUSED:yes\r\n" in body


def test_calendar_feed_rebuild_takes_unchanged_events_from_the_workers_copy(client, world):
    client.get("/calendar.ics")
    key = event_keys()["Upcoming"]
    local_events.set(key, b"X-REUSED:yes\r\n", 14)
    cache.delete(key)

    bump_content_version()
    body = client.get("/calendar.ics").content

    assert body.count(b"BEGIN:VEVENT") == 4
    assert b"X-REUSED:yes\r\n" in body


def test_calendar_feed_event_changes_with_a_renamed_speaker_though_its_row_does_not(client, world):
    client.get("/calendar.ics")
    before = event_keys()
    william = Speaker.objects.get(slug="william-nixon")

    william.name = "William N. Nixon"
    william.save()
    body = client.get("/calendar.ics").content

    after = event_keys()
    assert sorted(title for title in after if after[title] != before[title]) == [
        "Old",
        "Recent",
        "Zürich pair",
    ]
    assert (body.count(b"William N. Nixon"), body.count(b"William Nixon")) == (2, 0)


def test_calendar_feed_follows_a_bulk_update_that_leaves_updated_alone(client, world, clock):
    client.get("/series/systems-seminar/calendar.ics")

    Talk.objects.filter(slug="upcoming").update(location="Hall B")  # no signal, same `updated`
    bump_content_version()
    after = events(client.get("/series/systems-seminar/calendar.ics"))

    assert [str(event.get("LOCATION")) for event in after] == [
        "Room 101",
        "Hall B",
        "Room 101",
    ]


@pytest.mark.parametrize(
    "rename",
    [
        pytest.param(lambda talk: talk.speakers.get(), id="speaker"),
        pytest.param(lambda talk: talk.talk_speakers.get().affiliation, id="affiliation"),
        pytest.param(lambda talk: talk.event_types.get(), id="event type"),
        pytest.param(lambda talk: talk.series, id="series"),
        pytest.param(lambda talk: talk.venue, id="venue"),
    ],
)
def test_calendar_event_last_modified_moves_on_a_rename_of_what_it_shows(client, clock, rename):
    talk = WeeklyTalkFactory(
        speakers=[SpeakerFactory(affiliation=AffiliationFactory())],
        event_types=[EventTypeFactory(name="Colloquium")],
        venue=VenueFactory(name="Hall A"),
    )
    before = icalendar.Calendar.from_ical(client.get("/calendar.ics").content).events[0]
    clock.shift(datetime.timedelta(days=2))
    renamed = rename(talk)
    renamed.name = f"{renamed.name} (renamed)"
    renamed.save()

    after = icalendar.Calendar.from_ical(client.get("/calendar.ics").content).events[0]

    moved = BEFORE_DST_ENDS + datetime.timedelta(days=2)
    assert [before.LAST_MODIFIED, before.DTSTAMP] == [BEFORE_DST_ENDS, BEFORE_DST_ENDS]
    assert [after.LAST_MODIFIED, after.DTSTAMP, after.sequence] == [moved, moved, before.sequence]


@pytest.mark.parametrize(
    "url", ["/calendar.ics?alarm=15", "/speakers/william-nixon/calendar.ics?alarm=15"]
)
def test_calendar_feed_alarm_adds_a_reminder_to_every_event_for_three_parsers(client, world, url):
    body = client.get(url).content

    calendars = parse_all(body)

    reminders = [
        [(str(alarm["ACTION"]), alarm["TRIGGER"].dt) for alarm in event.walk("VALARM")]
        for event in calendars["icalendar"].events
    ]
    assert len(reminders) == body.count(b"BEGIN:VEVENT") > 0
    assert reminders == [[("DISPLAY", -datetime.timedelta(minutes=15))]] * len(reminders)
    assert [
        [(alarm.action, alarm.trigger) for alarm in event.alarm]
        for event in calendars["ical"].events
    ] == [[("DISPLAY", -datetime.timedelta(minutes=15))]] * len(reminders)
    assert [
        [(alarm.action.value, alarm.trigger.value) for alarm in event.valarm_list]
        for event in calendars["vobject"].vevent_list
    ] == [[("DISPLAY", -datetime.timedelta(minutes=15))]] * len(reminders)
    assert [
        str(event.walk("VALARM")[0]["DESCRIPTION"]) for event in calendars["icalendar"].events
    ] == [str(event["SUMMARY"]) for event in calendars["icalendar"].events]


def test_calendar_feed_alarm_is_cached_per_value(client, world):
    plain, five, hour = (
        client.get(f"/calendar.ics{query}") for query in ("", "?alarm=5", "?alarm=60")
    )

    assert len({plain["ETag"], five["ETag"], hour["ETag"]}) == 3
    assert (plain.content.count(b"BEGIN:VALARM"), five.content.count(b"TRIGGER:-PT5M")) == (
        0,
        five.content.count(b"BEGIN:VEVENT"),
    )
    assert hour.content.count(b"TRIGGER:-PT1H") == hour.content.count(b"BEGIN:VEVENT")
    assert (
        client.get("/calendar.ics?alarm=5", headers={"If-None-Match": five["ETag"]}).status_code
        == 304
    )


@pytest.mark.parametrize(
    "query", ["alarm=7", "alarm=abc", "alarm=", "alarm=15&alarm=30", "alarm=-5", "alarm=015"]
)
def test_calendar_feed_alarm_other_than_offered_is_400(client, world, query):
    response = client.get(f"/calendar.ics?{query}")

    assert (response.status_code, response["Content-Type"], response.content.decode()) == (
        400,
        PLAIN_TYPE,
        "alarm must be one of 5, 10, 15, 30, 60 (minutes before the start).",
    )
