"""Every public page type: no accessibility violation, valid HTML, no CSP violation."""

import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe

from seminars.models import Talk
from tests.e2e.checks import WCAG_21_AA, nu_html_errors

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = [
    "/",
    "/next/",
    "/archive/",
    "/archive/2026/",
    "/series/",
    "/series/systems-seminar/",
    "/tags/round-table/",
    "/speakers/",
    "/speakers/venkat-pullela/",
    "/affiliations/keysight/",
    "/search/",
    "/search/?q=LLM",
    "/subscribe/",
    "/subscribe/email/",
    "/no-such-page/",
    "ROUND_TABLE",
    "CANCELLED_TALK",
]


def resolve(path):
    if path == "ROUND_TABLE":
        return Talk.objects.get(title="Systems Seminar: Round Table Discussion").get_absolute_url()
    if path == "CANCELLED_TALK":
        talk = Talk.objects.public().with_speakers().next_talk()
        talk.status = Talk.Status.CANCELLED
        talk.save()
        return talk.get_absolute_url()
    return path


@pytest.mark.parametrize("path", PAGE_TYPES)
@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_page_has_no_wcag_violations(site, page, csp_violations, path, colour_scheme):
    page.emulate_media(color_scheme=colour_scheme)
    page.goto(site.url + resolve(path))
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
        f"{violation['nodes'][0]['html'][:120]})"
        for violation in results.response["violations"]
    ]
    assert violations == []
    assert csp_violations == []


def test_every_page_type_is_valid_html(site, tmp_path):
    pages = {}
    for path in PAGE_TYPES:
        try:
            body = urllib.request.urlopen(site.url + resolve(path)).read()  # noqa: S310
        except urllib.error.HTTPError as error:  # the 404 page is a page too
            body = error.read()
        pages[path] = body
    assert nu_html_errors(pages, tmp_path) == []
