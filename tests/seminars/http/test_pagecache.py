"""The page cache: anonymous GETs of public pages, revalidated every time, never stale."""

import contextlib
import datetime
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.urls import resolve
from django.utils.http import http_date

from seminars.http.conditional import is_cacheable
from seminars.http.pagecache import CachedPage, is_storable, page_window
from seminars.models import ContentVersion, Talk
from tests.factories import TalkFactory
from tests.query_budgets import PAGES, QUERIES

pytestmark = pytest.mark.django_db

INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
FIREFLY = "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters"
UTC = datetime.UTC


def etag_of(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def changed_at() -> datetime.datetime:
    return ContentVersion.objects.get().changed_at


def test_page_is_revalidated_every_time_by_etag_and_date(client, demo):
    response = client.get("/")

    assert {name: response.get(name) for name in ("Cache-Control", "ETag", "Last-Modified")} == {
        "Cache-Control": "no-cache",
        "ETag": etag_of(response.content),
        # The demo was loaded today, after midnight and after the last talk ended.
        "Last-Modified": http_date(changed_at().timestamp()),
    }


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_page_unchanged_is_304_after_one_query(client, demo, django_assert_num_queries, validator):
    first = client.get("/archive/")
    header = "If-None-Match" if validator == "ETag" else "If-Modified-Since"

    with django_assert_num_queries(QUERIES["cached page"]):
        response = client.get("/archive/", headers={header: first[validator]})

    assert (response.status_code, response.content) == (304, b"")
    assert response["ETag"] == first["ETag"]


def test_page_from_the_cache_keeps_every_header_of_the_site(client, demo):
    first = client.get("/speakers/")

    again = client.get("/speakers/")

    assert again.content == first.content
    headers = ("Content-Type", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy")
    assert {name: again.get(name) for name in headers} == {
        name: first.get(name) for name in headers
    }
    assert again["Content-Type"] == "text/html; charset=utf-8"
    assert again["X-Frame-Options"] == "DENY"


def test_page_changes_at_once_after_an_edit(client, demo):
    before = client.get("/")
    talk = Talk.objects.get(title=INFERENCE)

    talk.title = "Renamed talk"
    talk.save()
    after = client.get("/", headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert "Renamed talk" in after.content.decode()
    assert INFERENCE not in after.content.decode()
    assert after["ETag"] == etag_of(after.content) != before["ETag"]


def test_page_changes_when_a_talk_ends_without_any_edit(client, demo, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 8, 17, 59, tzinfo=UTC), tick=False)
    during = client.get("/")
    time_machine.move_to(datetime.datetime(2026, 12, 8, 18, 0, tzinfo=UTC), tick=False)

    after = client.get("/")

    assert "Happening now" in during.content.decode()
    assert after.content.decode().count("Happening now") == 0
    assert [talk.title for talk in after.context["next_talks"]] == [FIREFLY]
    # The page changed when the talk ended, after the last edit.
    assert after["Last-Modified"] == "Tue, 08 Dec 2026 18:00:00 GMT"


def test_page_window_runs_from_the_last_start_or_end_to_the_next(demo, now):
    # NOW is Wednesday 2 Dec 2026, 10:00 in New York; the talks are on Tuesdays 12:00-13:00.
    assert page_window(now) == (
        datetime.datetime(2026, 12, 2, 5, 0, tzinfo=UTC),  # midnight in New York
        datetime.datetime(2026, 12, 3, 5, 0, tzinfo=UTC),  # next midnight comes first
    )
    assert page_window(datetime.datetime(2026, 12, 8, 17, 30, tzinfo=UTC)) == (
        datetime.datetime(2026, 12, 8, 17, 0, tzinfo=UTC),  # the talk started
        datetime.datetime(2026, 12, 8, 18, 0, tzinfo=UTC),  # and ends
    )


def test_page_never_serves_yesterdays_page(client, db, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 23, 0, tzinfo=UTC), tick=False)
    # The migration made the version row at the real time, which may be later than this clock.
    ContentVersion.objects.update(changed_at=datetime.datetime(2026, 1, 1, tzinfo=UTC))
    TalkFactory(title="Long ago", start=datetime.datetime(2026, 1, 1, 17, 0, tzinfo=UTC))
    client.get("/")
    time_machine.move_to(datetime.datetime(2026, 12, 3, 5, 0, tzinfo=UTC), tick=False)

    after = client.get("/")

    assert after["Last-Modified"] == "Thu, 03 Dec 2026 05:00:00 GMT"


def test_page_query_parameters_it_does_not_read_share_the_cache(
    client, demo, django_assert_num_queries
):
    first = client.get("/archive/")

    with django_assert_num_queries(QUERIES["cached page"]):
        shared = client.get("/archive/?utm_source=mastodon&fbclid=IwAR3x")
    second_page = client.get("/archive/?page=1&utm_source=mastodon")

    assert shared.content == first.content
    assert second_page.context is not None  # page=1 is another key: rendered


def test_page_head_is_answered_from_the_cache(client, demo, django_assert_num_queries):
    first = client.get("/series/")

    with django_assert_num_queries(QUERIES["cached page"]):
        head = client.head("/series/")

    assert (head.status_code, head["ETag"]) == (200, first["ETag"])


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feed/", "application/rss+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
    ],
)
def test_rss_and_sitemap_are_cached_like_pages(
    client, demo, django_assert_num_queries, url, content_type
):
    first = client.get(url)

    with django_assert_num_queries(QUERIES["cached page"]):
        again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert (first["Content-Type"], first["Cache-Control"]) == (content_type, "no-cache")
    assert again.status_code == 304


def test_calendar_feeds_keep_their_own_cache_lifetime(client, demo):
    response = client.get("/calendar.ics")

    assert response["Cache-Control"] == "public, max-age=900"


def test_staff_draft_preview_is_never_cached_for_the_public(staff_client, client, demo):
    draft = TalkFactory(title="Secret draft", status=Talk.Status.DRAFT)
    preview = staff_client.get(draft.get_absolute_url())
    staff_client.logout()

    public = client.get(draft.get_absolute_url())

    assert (preview.status_code, public.status_code) == (200, 404)
    assert preview["Cache-Control"] == "private, no-cache"
    assert "ETag" not in preview


def test_staff_pages_neither_come_from_nor_fill_the_cache(
    staff_client, demo, django_assert_num_queries
):
    staff_client.get("/")  # signs the session in

    response = staff_client.get("/")

    assert "ETag" not in response
    staff_client.logout()
    with django_assert_num_queries(QUERIES["page cache miss"] + PAGES["/"]):
        staff_client.get("/")


def test_error_page_is_never_cached(client, demo, django_assert_num_queries):
    client.get("/talks/no-such-talk/")

    with django_assert_num_queries(QUERIES["unknown talk page"]):
        response = client.get("/talks/no-such-talk/")

    assert response.status_code == 404
    assert "ETag" not in response


@pytest.mark.urls("tests.seminars.http.cacheable_urls")
@pytest.mark.parametrize("url", ["/function/", "/class/", "/attribute/", "/inherited/"])
def test_view_that_declares_itself_cacheable_is_cached_with_no_other_registration(
    client, django_assert_num_queries, url
):
    with django_assert_num_queries(2):  # version, window: a miss
        first = client.get(url)
    with django_assert_num_queries(1):  # version: a hit
        again = client.get(url)
    revalidated = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.content == first.content
    assert {name: again[name] for name in ("Cache-Control", "ETag", "Last-Modified")} == {
        "Cache-Control": "no-cache",
        "ETag": etag_of(first.content),
        "Last-Modified": http_date(changed_at().timestamp()),
    }
    assert (revalidated.status_code, revalidated.content) == (304, b"")


@pytest.mark.urls("tests.seminars.http.cacheable_urls")
@pytest.mark.parametrize("url", ["/undeclared-function/", "/undeclared-class/"])
def test_view_that_does_not_declare_itself_cacheable_is_never_cached(
    client, db, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        first = client.get(url)
    again = client.get(url)

    assert again.content != first.content
    assert (again.get("ETag"), again.get("Cache-Control")) == (None, None)


@pytest.mark.parametrize(
    ("url", "declared"),
    [
        *(
            (url, True)
            for url in (
                "/",
                "/next/",
                "/talks/a-talk/",
                "/archive/",
                "/archive/2026/",
                "/series/",
                "/series/a-series/",
                "/tags/a-tag/",
                "/search/",
                "/subscribe/",
                "/feed/",
                "/sitemap.xml",
                "/speakers/",
                "/speakers/a-speaker/",
                "/affiliations/an-affiliation/",
            )
        ),
        # Validated by themselves before their body is built (ConditionalView).
        ("/calendar.ics", False),
        ("/talks/a-talk/calendar.ics", False),
        ("/api/talks/", False),
        # Not the same for everyone, or not worth a cache entry.
        ("/admin/", False),
        ("/series/a-series/announcement.txt", False),
        ("/embed/upcoming/", False),
        ("/robots.txt", False),
    ],
)
def test_public_pages_declare_themselves_cacheable(url, declared):
    assert is_cacheable(resolve(url).func) is declared


def page(status=200, **headers) -> HttpResponse:
    return HttpResponse(b"page", status=status, headers=headers)


def with_cookie() -> HttpResponse:
    response = page()
    response.set_cookie("seen", "1")
    return response


@pytest.mark.parametrize(
    ("response", "storable"),
    [
        pytest.param(page(), True, id="a page"),
        pytest.param(page(404), False, id="an error"),
        pytest.param(page(301), False, id="a redirect"),
        pytest.param(with_cookie(), False, id="a cookie"),
        pytest.param(page(**{"Cache-Control": "no-cache, private"}), False, id="private"),
        pytest.param(page(**{"Cache-Control": "no-store"}), False, id="no-store"),
        pytest.param(page(Vary="Accept-Language"), False, id="varies"),
    ],
)
def test_page_is_storable_only_when_the_same_for_everyone(rf, response, storable):
    assert is_storable(rf.get("/"), response) is storable


def test_page_that_used_a_csrf_token_is_not_storable(rf):
    request = rf.get("/")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True

    assert is_storable(request, page()) is False


def test_cached_page_holds_in_its_window_only():
    start = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    cached = CachedPage(b"", (), '"x"', start, start, start + datetime.timedelta(hours=1))

    assert [
        cached.holds_at(start - datetime.timedelta(seconds=1)),
        cached.holds_at(start),
        cached.holds_at(start + datetime.timedelta(minutes=59)),
        cached.holds_at(start + datetime.timedelta(hours=1)),
    ] == [False, True, True, False]


PROJECT = Path(__file__).resolve().parents[3]
LLM_PAGE = "/talks/a-year-in-llm-serving-workload-evolution-caching-and-load-balancing/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers) -> tuple[int, str, str]:
    """Return the status, ETag and body of a GET on a new connection (any worker)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http on loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers["ETag"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["ETag"], ""


@pytest.fixture
def served_site(tmp_path):
    """The site in production mode, gunicorn with two workers, on a SQLite file that other
    processes can see and a cache shared between processes (Redis when the suite uses it)."""
    port = free_port()
    shared_cache = os.environ.get("CACHE_URL", "")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "0",
        "SECRET_KEY": "two-processes-test-key-" + "x" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "CACHE_URL": shared_cache
        if shared_cache.startswith("redis")
        else f"filecache://{tmp_path / 'cache'}",
        "LOG_LEVEL": "WARNING",
    }
    setup = "from django.core.management import call_command as c; c('migrate'); c('load_demo')"
    manage(env, "shell", "-c", setup)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=PROJECT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                if fetch(base + "/healthz")[0] == 200:
                    break
            time.sleep(0.1)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=10)


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_edit_by_another_process_is_seen_by_every_worker_at_once(served_site):
    base, env = served_site
    before = [fetch(base + url) for url in [LLM_PAGE, "/"] * 6]  # both workers cache both
    edit = (
        "from seminars.models import Talk\n"
        f"talk = Talk.objects.get(slug={LLM_PAGE.split('/')[2]!r})\n"
        "talk.title = 'Edited by another process'\n"
        "talk.save()\n"
    )

    manage(env, "shell", "-c", edit)
    after = [fetch(base + url) for url in [LLM_PAGE, "/"] * 6]
    revalidated = fetch(base + LLM_PAGE, **{"If-None-Match": before[0][1]})

    assert {status for status, _, _ in before + after} == {200}
    assert len({etag for _, etag, _ in before[::2]}) == 1  # one cached talk page
    assert ["A Year in LLM Serving" in body for _, _, body in before] == [True] * 12
    assert ["Edited by another process" in body for _, _, body in after] == [True] * 12
    assert ["A Year in LLM Serving" in body for _, _, body in after] == [False] * 12
    assert revalidated[0] == 200
