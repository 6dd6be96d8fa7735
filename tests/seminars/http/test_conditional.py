"""One rule for the validators of pages, calendar feeds and the API."""

import datetime

import pytest
from django.http import HttpResponse
from django.utils.http import http_date

from seminars.http.conditional import Validators, day_window, last_modified
from seminars.models import ContentVersion

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MOMENT = datetime.datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
VALIDATORS = Validators(etag='"abc"', last_modified=MOMENT, max_age=900)
INFERENCE_SLUG = "inference-and-ai-infrastructure-special-event-for-bostechweek"

PAGES = ["/", "/archive/", "/speakers/", f"/talks/{INFERENCE_SLUG}/"]
FEEDS = ["/calendar.ics", "/series/systems-seminar/calendar.ics"]
API = ["/api/talks/", "/api/series/", f"/api/talks/{INFERENCE_SLUG}/"]


def test_validators_set_etag_date_and_lifetime():
    response = VALIDATORS.apply(HttpResponse())

    assert {name: response[name] for name in ("ETag", "Last-Modified", "Cache-Control")} == {
        "ETag": '"abc"',
        "Last-Modified": "Tue, 08 Dec 2026 18:00:00 GMT",
        "Cache-Control": "public, max-age=900",
    }


def test_validators_without_a_lifetime_ask_to_revalidate_every_time():
    response = Validators('"abc"', MOMENT).apply(HttpResponse())

    assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-None-Match": '"abc"'}, 304),
        ({"If-None-Match": '"other", "abc"'}, 304),
        ({"If-None-Match": '"other"'}, None),
        ({"If-Modified-Since": "Tue, 08 Dec 2026 18:00:00 GMT"}, 304),
        ({"If-Modified-Since": "Tue, 08 Dec 2026 17:59:59 GMT"}, None),
        # An ETag that does not match wins over a date that does (RFC 9110 §13.2.2).
        ({"If-None-Match": '"other"', "If-Modified-Since": http_date(MOMENT.timestamp())}, None),
        ({"If-Match": '"other"'}, 412),
        ({}, None),
    ],
)
def test_validators_answer_a_conditional_request_alone(rf, headers, status):
    answer = VALIDATORS.answer(rf.get("/", headers=headers))

    assert (answer.status_code if answer else None) == status
    if status == 304:
        assert (answer.content, answer["ETag"], answer["Cache-Control"]) == (
            b"",
            '"abc"',
            "public, max-age=900",
        )


def test_last_modified_is_the_later_of_the_change_and_the_window_start():
    version = ContentVersion(counter=3, changed_at=MOMENT)

    assert [
        last_modified(version),
        last_modified(version, MOMENT - datetime.timedelta(hours=1)),
        last_modified(version, MOMENT + datetime.timedelta(hours=1)),
    ] == [MOMENT, MOMENT, MOMENT + datetime.timedelta(hours=1)]


def test_day_window_runs_from_midnight_to_midnight_in_site_time():
    start, end = day_window(datetime.date(2026, 11, 1))

    # The clocks go back on 1 November 2026 in New York: a day of 25 hours.
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime.datetime(2026, 11, 1, 4, 0, tzinfo=UTC),
        datetime.datetime(2026, 11, 2, 5, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("url", PAGES + FEEDS + API)
def test_every_cacheable_response_answers_304_to_its_own_etag(client, demo, url):
    first = client.get(url)

    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert first.status_code == 200
    assert (again.status_code, again.content) == (304, b"")
    assert {name: again[name] for name in ("ETag", "Last-Modified", "Cache-Control")} == {
        name: first[name] for name in ("ETag", "Last-Modified", "Cache-Control")
    }
    assert by_date.status_code == 304


def next_release(monkeypatch) -> None:
    """Deploy another release: other code, same data."""
    monkeypatch.setattr("seminars.http.release.code_digest", lambda: "the next release")


@pytest.mark.parametrize("url", FEEDS + API)
def test_feed_and_api_etags_change_with_the_release(client, demo, monkeypatch, url):
    before = client.get(url)

    next_release(monkeypatch)
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    again = client.get(url, headers={"If-None-Match": after["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert again.status_code == 304


@pytest.mark.parametrize("url", PAGES)
def test_page_is_made_anew_by_another_release(client, demo, monkeypatch, url):
    before = client.get(url)
    cached = client.get(url)

    next_release(monkeypatch)
    after = client.get(url)

    assert (before.context is None, cached.context is None, after.context is None) == (
        False,
        True,
        False,
    )
    # A page's ETag names its bytes: the same bytes keep it, other bytes change it.
    assert after["ETag"] == before["ETag"]


def test_page_etag_changes_when_the_release_changes_its_bytes(client, demo, settings):
    before = client.get("/")

    settings.SITE_TAGLINE = "Systems talks, every Tuesday"
    after = client.get("/", headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert "Systems talks, every Tuesday" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_api_last_modified_moves_when_a_talk_ends(client, demo, time_machine):
    changed_at = ContentVersion.objects.get().changed_at
    detail = f"/api/talks/{INFERENCE_SLUG}/"
    before = {url: client.get(url)["Last-Modified"] for url in ("/api/talks/", detail)}

    time_machine.move_to(datetime.datetime(2026, 12, 8, 18, 30, tzinfo=UTC), tick=False)
    after = {url: client.get(url)["Last-Modified"] for url in ("/api/talks/", detail)}

    assert before == {url: http_date(changed_at.timestamp()) for url in before}
    # The list changed when the talk ended at 18:00; the talk itself did not.
    assert after == {
        "/api/talks/": "Tue, 08 Dec 2026 18:00:00 GMT",
        detail: http_date(changed_at.timestamp()),
    }


LINK = "https://meet.example.org/room-7"
LINK_START = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
LINK_SHOWN_AT = LINK_START - datetime.timedelta(minutes=15)  # ONLINE_LINK_MINUTES_BEFORE


@pytest.fixture
def timed_link(db, clock):
    from tests.factories import TalkFactory

    clock.move_to(LINK_SHOWN_AT - datetime.timedelta(minutes=1))
    return TalkFactory(title="Linked talk", start=LINK_START, online_url=LINK)


@pytest.mark.parametrize("url", ["/talks/linked-talk/", "/calendar.ics", "/api/talks/linked-talk/"])
def test_online_link_appears_at_its_time_without_any_write(client, clock, timed_link, url):
    before = client.get(url)
    counter = ContentVersion.objects.get().counter
    clock.move_to(LINK_SHOWN_AT)

    after = client.get(url)
    again = client.get(url, headers={"If-None-Match": after["ETag"]})

    assert ContentVersion.objects.get().counter == counter
    assert (LINK.encode() in before.content, LINK.encode() in after.content) == (False, True)
    assert before["ETag"] != after["ETag"]
    assert (after["Last-Modified"], again.status_code) == ("Tue, 08 Dec 2026 16:45:00 GMT", 304)


def test_page_cached_before_a_link_appears_is_not_served_after(client, clock, timed_link):
    etag = client.get("/talks/linked-talk/")["ETag"]
    assert client.get("/talks/linked-talk/", headers={"If-None-Match": etag}).status_code == 304
    clock.move_to(LINK_SHOWN_AT - datetime.timedelta(microseconds=1))
    assert client.get("/talks/linked-talk/", headers={"If-None-Match": etag}).status_code == 304
    clock.move_to(LINK_SHOWN_AT)

    response = client.get("/talks/linked-talk/", headers={"If-None-Match": etag})

    assert (response.status_code, LINK.encode() in response.content) == (200, True)
