"""The pages a visitor and an integrator meet (issue 17): indexes, the month view, the feed
builder, the visitor's own time in lists, and the self-sizing embed; each checked for
accessibility (axe), valid HTML (Nu), phone width and keyboard use."""

import calendar
import datetime
import re
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from seminars.models import Talk
from seminars.services import cancel_talk
from tests.demo import INFERENCE
from tests.e2e.checks import WCAG_21_AA, nu_html_errors

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PAGES = [
    "/tags/",
    "/affiliations/",
    "/calendar/",
    "/calendar/2026/11/",
    "/calendar/2030/05/",
    "/subscribe/?series=systems-seminar&tag=seminar",
    "/subscribe/?tag=nope",
]


def cancel_the_next_talk() -> None:
    cancel_talk(Talk.objects.get(title=INFERENCE))


@pytest.mark.parametrize("path", NEW_PAGES)
@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_new_pages_have_no_wcag_violations(site, page, csp_violations, path, colour_scheme):
    cancel_the_next_talk()  # the month view marks it
    page.emulate_media(color_scheme=colour_scheme)
    page.goto(site.url + path)
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [
        f"{violation['id']}: {violation['help']} ({violation['nodes'][0]['html'][:120]})"
        for violation in results.response["violations"]
    ]
    assert violations == []
    assert csp_violations == []


def test_new_pages_are_valid_html(site, tmp_path):
    cancel_the_next_talk()
    pages = {}
    for path in NEW_PAGES:
        try:
            body = urllib.request.urlopen(site.url + path).read()  # noqa: S310
        except urllib.error.HTTPError as error:  # the builder's 400 is a page too
            body = error.read()
        pages[path] = body
    assert nu_html_errors(pages, tmp_path) == []


@pytest.mark.parametrize("path", [*NEW_PAGES[:5], "/subscribe/"])
def test_new_pages_fit_a_phone(site, browser, screenshot, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site.url + path)
    if path == "/calendar/":
        screenshot("month-phone", page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def month_of_next_talk() -> tuple[str, set[datetime.date]]:
    """Return the month view's path for the next talk's month, and the days in it with talks."""
    start = Talk.objects.get(title=INFERENCE).local_start
    days = {
        talk.local_start.date()
        for talk in Talk.objects.public().select_related("series")
        if (talk.local_start.year, talk.local_start.month) == (start.year, start.month)
    }
    return f"/calendar/{start.year:04d}/{start.month:02d}/", days


def test_month_view_is_a_list_of_days_on_a_phone_and_a_grid_on_a_desktop(site, browser):
    path, days = month_of_next_talk()
    today = timezone.localdate()
    shown = days | (
        {today} if (today.year, today.month) == (min(days).year, min(days).month) else set()
    )
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.goto(site.url + path)
    visible_days = page.locator("td.month__day:visible time[datetime]:not([datetime*=T])")
    expect(visible_days).to_have_count(len(shown))
    assert visible_days.evaluate_all("times => times.map(t => t.dateTime)") == [
        day.isoformat() for day in sorted(shown)
    ]
    expect(page.locator("thead")).to_be_hidden()
    phone.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(site.url + path)
    expect(page.locator("thead th")).to_have_text(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    month_length = calendar.monthrange(min(days).year, min(days).month)[1]
    expect(page.locator("td.month__day:visible")).to_have_count(month_length)
    desktop.close()


def test_keyboard_alone_moves_between_months_and_opens_a_talk(site, page):
    path, _days = month_of_next_talk()
    page.goto(site.url + "/calendar/2020/01/")
    next_month = page.get_by_role("link", name="February 2020 →")
    for _ in range(30):
        page.keyboard.press("Tab")
        if next_month.evaluate("link => link === document.activeElement"):
            break
    expect(next_month).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Talks in February 2020")
    page.goto(site.url + path)
    talk = page.locator(".month__talk a").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if talk.evaluate("link => link === document.activeElement"):
            break
    expect(talk).to_be_focused()
    title = talk.inner_text()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_feed_builder_by_keyboard_gives_the_combinations_address(site, page):
    page.goto(site.url + "/subscribe/")
    box = page.get_by_role("checkbox", name="Round table")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_role("button", name="Show this calendar’s address").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/subscribe/\?.*tag=round-table.*#your-calendar$"))
    address = page.get_by_label("Calendar address, for any other app:").last
    expect(address).to_have_value(f"{site.url}/calendar.ics?tag=round-table")
    expect(page.get_by_role("heading", name="Your calendar: Systems Seminar — Round table"))
    with urllib.request.urlopen(f"{site.url}/calendar.ics?tag=round-table") as response:  # noqa: S310
        assert b"SUMMARY:Systems Seminar: Round Table Discussion" in response.read()


def test_lists_show_the_visitors_own_time_when_it_differs(site, browser):
    context = browser.new_context(timezone_id="Europe/Zurich", locale="en-GB")
    page = context.new_page()
    page.goto(site.url + "/")
    first = page.locator(".talk-list .local-time").first
    expect(first).to_be_visible()
    expect(first).to_have_text(re.compile(r"^Your time: .*18:00–19:00 CET$"))
    context.close()


def test_lists_hide_the_visitors_time_when_the_clock_is_the_same(site, browser):
    # Detroit is another zone name with New York's clock.
    context = browser.new_context(timezone_id="America/Detroit", locale="en-GB")
    page = context.new_page()
    page.goto(site.url + "/archive/")
    expect(page.locator(".local-time:visible")).to_have_count(0)
    context.close()


def test_embed_frame_sizes_itself_to_the_list(site, page):
    page.goto(site.url + "/embed/?limit=2")
    frame = page.locator("iframe.embed-preview")
    inner = page.frame_locator("iframe.embed-preview").locator("html")
    expect(inner.locator(".embed-talk")).to_have_count(2)
    page.wait_for_function(
        "() => document.querySelector('iframe.embed-preview').style.height !== ''"
    )
    content = inner.evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    assert frame.evaluate("f => f.style.height") == f"{content}px"
    assert frame.evaluate("f => f.getBoundingClientRect().height") < 36 * 16
