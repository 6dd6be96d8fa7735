"""Every public URL and feed, fed hostile values: never a server error.

The routes are read from the URL configuration, so a new page is covered without being
listed here; each also has a positive control that its valid form answers 200 (or 302).
"""

import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminars.mail import tokens
from seminars.models import Invitation, Material, Talk, TalkSpeaker
from tests.factories import SubscriberFactory

ACCEPTABLE = {200, 301, 302, 304, 400, 404}
QUERY_KEYS = [
    "page",
    "q",
    "series",
    "tag",
    "speaker",
    "venue",
    "has",
    "when",
    "from",
    "to",
    "limit",
]
NASTY = [
    "",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%FF%FE",
    "x" * 5000,
    "😀🎉",
    "日本語",
    "' OR '1'='1' --",
    "1; DROP TABLE seminars_talk",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "\ud800",
    "\u202e",
    " ",
]
hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


def public_routes(patterns=None, prefix=""):
    """Yield every public route as a path template with {name} placeholders."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route).lstrip("^").rstrip("$")
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if isinstance(entry, URLResolver):
            if route.startswith("admin"):
                continue
            yield from public_routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


ROUTES = [*sorted(set(public_routes())), "/healthz"]


def encode(value: str) -> str:
    """Percent-encode `value` as raw bytes, lone surrogates too (invalid UTF-8 on the wire)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def fill(route, value):
    return re.sub(r"\{\w+\}", lambda _: encode(value), route)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    value=hostile,
    params=st.lists(st.tuples(st.sampled_from(QUERY_KEYS), hostile), max_size=5),
)
def test_hostile_input_never_gives_a_server_error(client, demo, route, value, params):
    url = fill(route, value)
    query = "&".join(f"{encode(key)}={encode(value)}" for key, value in params)
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code in ACCEPTABLE, (url, params, response.status_code)


@pytest.mark.parametrize("route", ROUTES)
def test_every_public_route_answers_its_valid_form(client, demo, media_root, route):
    talk = Talk.objects.get(
        title="Inference and AI Infrastructure (Special Event for #BosTechWeek)"
    )
    slides = Material.objects.create(
        talk=talk, kind="slides", file=ContentFile(b"%PDF-1.7\n%%EOF", name="slides.pdf")
    )
    valid = {
        "slug": {
            "talks": talk.slug,
            "series": "systems-seminar",
            "tags": "tech-week",
            "speakers": "venkat-pullela",
            "affiliations": "keysight",
            "venues": "seminar-room-g115",
        },
        "pk": str(slides.pk),
        "year": "2026",
        "month": "12",
    }
    segments = route.strip("/").split("/")
    kind = segments[segments.index("{slug}") - 1] if "{slug}" in segments else ""
    url = route.replace("{slug}", valid["slug"].get(kind, "x")).replace("{year}", valid["year"])
    url = url.replace("{pk}", valid["pk"])
    if url.startswith("/speak/"):
        # A speaker's own link: to a talk that has not ended.
        link = TalkSpeaker.objects.filter(talk__end__gt=timezone.now()).first()
        invitation = Invitation.objects.create(talk_speaker=link, invited_at=timezone.now())
        url = url.replace("{token}", invitation.token)
    if "{token}" in url:
        subscriber = SubscriberFactory()
        make = tokens.confirm_token if "/confirm/" in url else tokens.manage_token
        url = url.replace("{token}", make(subscriber))
    url = url.replace("{month}", valid["month"])
    if "{path}" in url:
        pytest.skip("media files are tested in tests/config/test_deploy.py")
    response = client.get(url)
    response.close()  # a file download holds its file open until closed
    assert response.status_code in {200, 301, 302}, url
    if route not in {"/next/", "/favicon.ico"}:
        assert response.status_code == 200, url


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_survives_every_known_nasty_value(client, demo, route):
    for value in NASTY:
        query = "&".join(f"{key}={encode(value)}&{key}={encode(value + '2')}" for key in QUERY_KEYS)
        response = client.get(f"{fill(route, value)}?{query}")
        assert response.status_code in ACCEPTABLE, (route, value, response.status_code)


@pytest.mark.parametrize("path", ["/", "/subscribe/email/", "/admin/login/"])
def test_a_form_body_django_cannot_decode_is_a_bad_request(db, path):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.get("/subscribe/email/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        path,
        f"csrfmiddlewaretoken={token}&email=someone%40example.org",  # sent as UTF-16
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
