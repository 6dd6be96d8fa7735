"""Embeds as a department web editor and their readers meet them: the /embed/ page, its
snippets pasted into a plain HTML page on another origin, the framed list, and embed.js."""

import functools
import http.server
import threading
import urllib.request
import zoneinfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from seminars.models import Talk
from seminars.services import cancel_talk
from tests.demo import DEMO_UPCOMING
from tests.e2e.checks import WCAG_21_AA, nu_html_errors

pytestmark = pytest.mark.django_db(transaction=True)

DEPARTMENT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Department</title></head>
<body>
<h1>Department of Computer Science</h1>
<h2>Seminars</h2>
{snippet}
</body>
</html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def department(tmp_path):
    """A plain static web server on another origin (127.0.0.1, its own port): the
    department's site. Returns a function that publishes a page there and gives its URL."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(snippet: str, name: str = "seminars.html") -> str:
        (tmp_path / name).write_text(DEPARTMENT_PAGE.format(snippet=snippet), encoding="utf-8")
        return f"http://127.0.0.1:{server.server_port}/{name}"

    yield publish
    server.shutdown()
    server.server_close()


def upcoming_talks() -> list[Talk]:
    return list(Talk.objects.public().with_speakers().upcoming())


def test_site_and_department_are_different_origins(site, department):
    assert site.url.split(":")[:2] == ["http", "//localhost"]
    assert department("<p>x</p>").startswith("http://127.0.0.1:")


@pytest.mark.parametrize("kind", ["script", "iframe"])
def test_editor_copies_a_snippet_into_another_site_and_readers_see_the_series_talks(
    site, browser, department, screenshot, kind
):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    page.goto(site.url)
    page.get_by_role("link", name="Embed on your page").click()
    expect(page.locator("h1")).to_have_text("Embed the talks on your page")
    page.get_by_label("Series").select_option(label="Systems Seminar")
    page.get_by_label("At most this many talks").fill("3")
    page.get_by_role("button", name="Show this list").click()
    preview = page.frame_locator(".embed-preview")
    expect(preview.locator(".embed-talk__title a")).to_have_text(DEMO_UPCOMING[:3])
    screenshot("embed-help-desktop", page)

    snippet = page.locator(".embed-snippet").filter(has=page.locator(f"#snippet-{kind}"))
    snippet.get_by_role("button", name="Copy").click()
    expect(snippet.locator("[role=status]")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert site.url in copied

    page.goto(department(copied))
    if kind == "script":
        titles = page.locator(".seminar-talk__title a")
    else:
        titles = page.frame_locator("iframe").locator(".embed-talk__title a")
    expect(titles).to_have_text(DEMO_UPCOMING[:3])
    screenshot(f"embed-{kind}-on-another-site", page)
    context.close()


def test_embed_script_on_another_origin_shows_talks_in_the_readers_timezone(
    site, browser, department
):
    cancel_talk(Talk.objects.get(title=DEMO_UPCOMING[1]))
    talks = upcoming_talks()
    url = department(
        f'<div data-seminar-talks="{site.url}/api/talks/?series=systems-seminar&amp;limit=3">'
        f'<a href="{site.url}/">All talks</a></div>\n'
        f'<script src="{site.url}/static/embed.js" defer></script>'
    )
    context = browser.new_context(timezone_id="Europe/Zurich", locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    page.goto(url)

    items = page.locator(".seminar-talk")
    expect(items).to_have_count(3)
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    first_start, first_end = (
        moment.astimezone(zurich) for moment in (talks[0].start, talks[0].end)
    )
    expect(items.nth(0).locator("time")).to_have_text(
        f"{first_start:%a}, {first_start.day} {first_start:%b %Y}, "
        f"{first_start:%H:%M}–{first_end:%H:%M} {first_end:%Z}"
    )
    expect(items.nth(0).locator("time")).to_have_attribute(
        "datetime", talks[0].local_start.isoformat()
    )
    expect(items.nth(0).locator(".seminar-talk__speakers")).to_have_text(
        "Venkat Pullela (Keysight) and Tushar Krishna (Georgia Tech)"
    )
    expect(items.nth(0).locator(".seminar-talk__title a")).to_have_attribute(
        "href", site.url + talks[0].get_absolute_url()
    )
    expect(items.nth(1)).to_have_class("seminar-talk seminar-talk--cancelled")
    expect(items.nth(1).locator(".seminar-talk__title")).to_have_text(
        f"Cancelled: {DEMO_UPCOMING[1]}"
    )
    expect(items.nth(1).locator("s time")).to_have_count(1)
    expect(page.get_by_role("link", name="All talks")).to_be_visible()
    assert errors == []
    context.close()


def test_embed_script_keeps_the_fallback_link_when_the_api_refuses(site, page, department):
    page.goto(
        department(
            f'<div data-seminar-talks="{site.url}/api/talks/?limit=lots">'
            f'<a href="{site.url}/">Upcoming talks</a></div>\n'
            f'<script src="{site.url}/static/embed.js" defer></script>'
        )
    )

    container = page.locator("[data-seminar-talks]")
    expect(container).to_have_attribute("data-seminar-talks-state", "failed")
    expect(container.get_by_role("link")).to_have_text(["Upcoming talks"])


def header(url: str, name: str) -> str | None:
    with urllib.request.urlopen(url) as response:  # noqa: S310 (the live test server)
        return response.headers.get(name)


def test_another_site_can_frame_the_embed_but_not_the_site(site, page, department):
    assert header(site.url + "/embed/upcoming/", "X-Frame-Options") is None
    assert "frame-ancestors *" in header(site.url + "/embed/upcoming/", "Content-Security-Policy")
    assert header(site.url + "/", "X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in header(site.url + "/", "Content-Security-Policy")
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(
        department(
            f'<iframe id="embed" src="{site.url}/embed/upcoming/" title="Talks"></iframe>\n'
            f'<iframe id="home" src="{site.url}/" title="Home"></iframe>'
        )
    )

    expect(page.frame_locator("#embed").locator(".embed-talk__title a")).to_have_text(DEMO_UPCOMING)
    embed = page.locator("#embed").element_handle().content_frame()
    home = page.locator("#home").element_handle().content_frame()
    # Chromium shows its own error page in place of the refused document.
    assert (embed.url, home.url) == (site.url + "/embed/upcoming/", "chrome-error://chromewebdata/")
    assert home.locator(".site-header, .site-footer, main").count() == 0
    assert [text for text in messages if "frame-ancestors" in text] == [
        f"Framing '{site.url}/' violates the following Content Security Policy directive: "
        "\"frame-ancestors 'none'\". The request has been blocked.\n"
    ]


def test_embed_page_previews_the_script_on_the_site_itself(site, page, csp_violations):
    page.goto(site.url + "/embed/")

    preview = page.locator(".embed-script-preview .seminar-talk__title a")
    expect(preview).to_have_text(DEMO_UPCOMING)
    expect(page.frame_locator(".embed-preview").locator(".embed-talk")).to_have_count(5)
    expect(page.get_by_role("button", name="Copy")).to_have_count(2)
    assert csp_violations == []


EMBED_PAGES = [
    "/embed/",
    "/embed/?series=systems-seminar&limit=3",
    "/embed/upcoming/",
    "/embed/past/",
]


@pytest.mark.parametrize("path", EMBED_PAGES)
@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_embed_pages_have_no_wcag_violations(
    site, page, csp_violations, screenshot, path, colour_scheme
):
    cancel_talk(Talk.objects.get(title=DEMO_UPCOMING[1]))
    page.emulate_media(color_scheme=colour_scheme)
    page.goto(site.url + path)
    if path == "/embed/upcoming/":
        screenshot(f"embed-upcoming-{colour_scheme}")

    results = Axe().run(page, options=WCAG_21_AA)

    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
        f"{violation['nodes'][0]['html'][:120]})"
        for violation in results.response["violations"]
    ]
    assert violations == []
    assert csp_violations == []


def test_embed_pages_are_valid_html(site, tmp_path):
    cancel_talk(Talk.objects.get(title=DEMO_UPCOMING[1]))
    pages = {path: urllib.request.urlopen(site.url + path).read() for path in EMBED_PAGES}  # noqa: S310
    assert nu_html_errors(pages, tmp_path) == []
