"""The front door: a repeated anonymous read answered as the whole stack answered it."""

import datetime
import io
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client, override_settings

# Imported here, not in wsgi_get: the import runs django.setup(), whose logging set-up would
# drop the log capture of the first test in a process to get there.
from config.wsgi import application
from seminars.http.conditional import PublicAnswer, Validators
from seminars.http.front import front_key, keep
from seminars.http.local_copies import local_answers
from seminars.models import ContentVersion, Talk
from tests.factories import TalkFactory
from tests.query_budgets import PAGES, QUERIES

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
INFERENCE_SLUG = "inference-and-ai-infrastructure-special-event-for-bostechweek"
URLS = [
    "/",
    "/archive/",
    f"/talks/{INFERENCE_SLUG}/",
    "/speakers/",
    "/feed/",
    "/calendar.ics",
    "/series/systems-seminar/calendar.ics",
    "/api/talks/",
    f"/api/talks/{INFERENCE_SLUG}/",
]
FRONT_DOOR = "seminars.http.front.FrontDoorMiddleware"


def from_front_door(response) -> bool:
    """Whether the front door answered: the middleware below it (authentication) never ran."""
    return not hasattr(response.wsgi_request, "user")


def sign_in_staff(client: Client) -> None:
    user = get_user_model().objects.create(username="organiser", is_staff=True, is_superuser=True)
    client.force_login(user)


def answer(response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.items()), response.content


def without_front_door(url: str, **headers: str):
    """Return the answer of the stack without the front door, to the same request."""
    middleware = [name for name in settings.MIDDLEWARE if name != FRONT_DOOR]
    with override_settings(MIDDLEWARE=middleware):
        return Client().get(url, headers=headers)


@pytest.mark.parametrize("url", URLS)
def test_front_door_answers_with_every_header_and_byte_of_the_whole_stack(client, demo, url):
    first = client.get(url)

    again = client.get(url)

    assert (from_front_door(first), from_front_door(again)) == (False, True)
    assert answer(again) == answer(first) == answer(without_front_door(url))
    assert first.status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_front_door_answers_304_with_the_headers_of_the_whole_stack(client, demo, url):
    etag = client.get(url)["ETag"]
    first = client.get(url, headers={"If-None-Match": etag})

    again = client.get(url, headers={"If-None-Match": etag})

    assert (from_front_door(first), from_front_door(again)) == (False, True)
    assert answer(again) == answer(first) == answer(without_front_door(url, If_None_Match=etag))
    assert (again.status_code, again.content) == (304, b"")


def test_front_door_answers_head_as_get(client, demo):
    full = client.get("/archive/")

    head = client.head("/archive/")

    assert from_front_door(head)
    assert list(head.items()) == list(full.items())


def test_front_door_costs_the_content_version_read_alone(client, demo, django_assert_num_queries):
    etag = client.get("/")["ETag"]
    client.get("/", headers={"If-None-Match": etag})

    with django_assert_num_queries(QUERIES["content version read"]):
        page = client.get("/")
    with django_assert_num_queries(QUERIES["content version read"]):
        not_modified = client.get("/", headers={"If-None-Match": etag})

    assert (page.status_code, not_modified.status_code) == (200, 304)
    assert from_front_door(page)
    assert from_front_door(not_modified)


def test_front_door_serves_an_edit_at_once(client, demo):
    before = client.get("/")
    client.get("/")
    talk = Talk.objects.get(title=INFERENCE)

    talk.title = "Renamed talk"
    talk.save()
    after = client.get("/", headers={"If-None-Match": before["ETag"]})

    assert (after.status_code, from_front_door(after)) == (200, False)
    assert "Renamed talk" in after.content.decode()
    assert INFERENCE not in after.content.decode()


def test_front_door_never_serves_a_page_after_its_window(client, demo, time_machine):
    # The Inference talk ends at 18:00 (UTC): the page changes then, with no edit.
    time_machine.move_to(datetime.datetime(2026, 12, 8, 17, 59, tzinfo=UTC), tick=False)
    client.get("/")
    during = client.get("/")
    time_machine.move_to(datetime.datetime(2026, 12, 8, 18, 0, tzinfo=UTC), tick=False)

    after = client.get("/")

    assert (from_front_door(during), from_front_door(after)) == (True, False)
    assert "Happening now" in during.content.decode()
    assert "Happening now" not in after.content.decode()


LINK = "https://meet.example.org/room-7"
LINK_START = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
LINK_SHOWN_AT = LINK_START - datetime.timedelta(minutes=15)  # ONLINE_LINK_MINUTES_BEFORE


@pytest.mark.parametrize("url", ["/talks/linked-talk/", "/calendar.ics", "/api/talks/linked-talk/"])
def test_front_door_shows_an_online_link_at_its_time_without_any_write(client, clock, url):
    clock.move_to(LINK_SHOWN_AT - datetime.timedelta(minutes=1))
    TalkFactory(title="Linked talk", start=LINK_START, online_url=LINK)
    client.get(url)
    before = client.get(url)
    clock.move_to(LINK_SHOWN_AT)

    after = client.get(url)

    assert (from_front_door(before), LINK.encode() in before.content) == (True, False)
    assert (from_front_door(after), LINK.encode() in after.content) == (False, True)


def test_signed_in_staff_never_get_the_public_answer(demo):
    visitor, staff = Client(), Client()
    draft = TalkFactory(title="Secret draft", status=Talk.Status.DRAFT)
    visitor.get("/")
    visitor.get(draft.get_absolute_url())
    sign_in_staff(staff)

    page = staff.get("/")
    preview = staff.get(draft.get_absolute_url())
    public = visitor.get(draft.get_absolute_url())

    assert (from_front_door(page), "ETag" in page) == (False, False)
    assert page["Vary"] == "Cookie"
    assert (preview.status_code, preview["Cache-Control"]) == (200, "private, no-cache")
    assert public.status_code == 404


def test_staff_answers_never_fill_the_front_door(demo):
    visitor, staff = Client(), Client()
    sign_in_staff(staff)
    staff.get("/calendar.ics")
    staff.get("/calendar.ics")

    response = visitor.get("/calendar.ics")

    assert from_front_door(response) is False
    assert len(local_answers.entries) == 1  # the visitor's, now


def test_visitor_with_a_session_cookie_goes_the_long_way(client, demo):
    client.get("/")
    client.get("/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-unknown"

    response = client.get("/")

    assert from_front_door(response) is False
    assert (response.status_code, response["Vary"]) == (200, "Cookie")


@pytest.mark.parametrize(
    ("method", "headers"),
    [("post", {}), ("get", {"Authorization": "Bearer x"}), ("options", {})],
)
def test_requests_that_may_be_answered_otherwise_go_the_long_way(rf, method, headers):
    request = getattr(rf, method)("/", headers=headers)

    assert front_key(request) is None


def test_another_query_string_is_another_answer(client, demo):
    client.get("/archive/")
    client.get("/archive/")

    other = client.get("/archive/?page=2")

    assert from_front_door(other) is False
    assert other.content != client.get("/archive/").content


def test_answers_with_cookies_or_vary_are_not_kept(rf, db):
    version = ContentVersion.objects.current()
    validators = Validators('"abc"', version.changed_at)
    for extra in ({"Vary": "Accept-Language"}, {"cookie": "x"}, {}):
        request = rf.get("/")
        request.public_answer = PublicAnswer(version, validators, None, None)
        response = validators.apply(HttpResponse(b"body"))
        if "cookie" in extra:
            response.set_cookie("x", "y")
        elif extra:
            response["Vary"] = extra["Vary"]
        keep(front_key(request), request, response)

    assert [entry.body for entry, _ in local_answers.entries.values()] == [b"body"]


class WSGIAnswer:
    """An answer of the WSGI application that gunicorn serves (config/wsgi.py)."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes, handled: bool):
        self.status, self.headers, self.body = status, headers, body
        # Whether Django's handler ran (it sends request_started); the front door's own
        # answer does not run it.
        self.handled = handled


def wsgi_get(path: str, method: str = "GET", **headers: str) -> WSGIAnswer:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started = []

    def on_request_started(**kwargs):
        started.append(True)

    sent = []
    # As Django's test client does: the test's connection stays open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(on_request_started)
    try:
        with mock.patch("seminars.http.front.close_old_connections"):
            result = application(environ, lambda status, headers: sent.append((status, headers)))
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()  # request_finished, as a server does
    finally:
        request_started.disconnect(on_request_started)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    ((status, headers_sent),) = sent
    return WSGIAnswer(status, headers_sent, body, handled=bool(started))


@pytest.mark.parametrize("url", ["/", "/calendar.ics", "/api/talks/"])
def test_served_by_wsgi_a_repeated_read_is_answered_before_djangos_handler(demo, url):
    first = wsgi_get(url)

    again = wsgi_get(url)

    assert (first.handled, again.handled) == (True, False)
    assert (again.status, again.headers, again.body) == (first.status, first.headers, first.body)
    assert first.status == "200 OK"


def test_served_by_wsgi_a_repeated_304_is_answered_before_djangos_handler(demo):
    etag = dict(wsgi_get("/calendar.ics").headers)["ETag"]
    first = wsgi_get("/calendar.ics", If_None_Match=etag)

    again = wsgi_get("/calendar.ics", If_None_Match=etag)

    assert (first.handled, again.handled) == (True, False)
    assert (again.status, again.headers, again.body) == ("304 Not Modified", first.headers, b"")


def test_served_by_wsgi_the_front_door_costs_the_version_read_alone(
    demo, django_assert_num_queries
):
    wsgi_get("/calendar.ics")

    with django_assert_num_queries(QUERIES["content version read"]):
        again = wsgi_get("/calendar.ics")

    assert (again.status, again.handled) == ("200 OK", False)


def test_served_by_wsgi_an_edit_is_served_at_once_reading_the_version_once(
    demo, django_assert_num_queries
):
    wsgi_get("/")
    talk = Talk.objects.get(title=INFERENCE)
    talk.title = "Renamed talk"
    talk.save()

    # The front door reads the version; the page cache below reuses it.
    with django_assert_num_queries(PAGES["/"] + QUERIES["page cache miss"]):
        after = wsgi_get("/")

    assert (after.status, after.handled) == ("200 OK", True)
    assert "Renamed talk" in after.body.decode()


def test_served_by_wsgi_signed_in_staff_go_the_long_way(demo):
    staff = Client()
    sign_in_staff(staff)
    session = staff.cookies[settings.SESSION_COOKIE_NAME].value
    wsgi_get("/")

    page = wsgi_get("/", Cookie=f"{settings.SESSION_COOKIE_NAME}={session}")

    assert page.handled is True
    assert dict(page.headers)["Vary"] == "Cookie"


def test_served_by_wsgi_a_failing_front_door_leaves_the_answer_to_django(demo, monkeypatch, caplog):
    wsgi_get("/archive/")

    def broken(*args):
        raise RuntimeError("front door broken")

    # A failure of the WSGI front door's own step (Django's handler makes its own request).
    monkeypatch.setattr("seminars.http.front.WSGIRequest", broken)
    page = wsgi_get("/archive/")

    assert (page.status, page.handled) == ("200 OK", True)
    assert "front door could not answer" in caplog.text
