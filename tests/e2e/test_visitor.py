"""What a visitor meets: the journeys through the public pages, by mouse, keyboard and phone."""

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from seminars.models import Talk

pytestmark = pytest.mark.django_db(transaction=True)


def next_talk():
    return Talk.objects.public().with_speakers().next_talk()


def test_home_to_next_talk_speaker_series_and_archive(site, page, csp_violations, screenshot):
    talk = next_talk()
    first_speaker = talk.speaker_links()[0].speaker
    page.goto(site.url)
    screenshot("home-desktop")
    expect(page.locator("h1")).to_have_text("Systems Seminar")

    page.locator(".next-talk").get_by_role("link", name=talk.title).click()
    expect(page).to_have_url(re.compile(re.escape(talk.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text(talk.title)
    screenshot("talk-desktop")

    page.locator(".speaker-cards").get_by_role("link", name=first_speaker.name).click()
    expect(page.locator("h1")).to_have_text(first_speaker.name)
    screenshot("speaker-desktop")

    page.get_by_role("link", name=talk.title).first.click()
    page.locator(".talk__series").get_by_role("link", name="Systems Seminar").click()
    expect(page.locator("h1")).to_have_text("Systems Seminar")
    expect(page.locator("#upcoming-heading + .talk-list .talk-item__title").first).to_have_text(
        talk.title
    )

    page.goto(site.url + "/subscribe/")
    screenshot("subscribe-desktop")
    page.goto(site.url + "/series/systems-seminar/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    expect(page.locator("h1")).to_have_text("Archive of past talks")
    expect(page.locator(".talk-item")).to_have_count(5)
    assert csp_violations == []


def test_event_type_badge_leads_to_the_tag_page(site, page):
    round_table = Talk.objects.get(title="Systems Seminar: Round Table Discussion")
    page.goto(site.url + round_table.get_absolute_url())
    page.locator(".badges").get_by_role("link", name="Round table").click()
    expect(page.locator("h1")).to_have_text("Round table")
    expect(page.locator(".talk-item__title")).to_have_text([round_table.title])


def test_search_from_the_header_finds_a_talk(site, page):
    page.goto(site.url)
    page.get_by_role("searchbox", name="Search talks").fill("Keysight")
    page.get_by_role("searchbox", name="Search talks").press("Enter")
    expect(page.locator(".result-count")).to_have_text("1 talk found for “Keysight”.")
    expect(page.locator(".talk-item__title")).to_have_text(
        ["Inference and AI Infrastructure (Special Event for #BosTechWeek)"]
    )


def test_talk_page_shows_the_visitors_own_time_when_it_differs(site, browser):
    talk = next_talk()
    context = browser.new_context(timezone_id="Europe/Zurich", locale="en-GB")
    page = context.new_page()
    page.goto(site.url + talk.get_absolute_url())
    local = page.locator(".local-time")
    expect(local).to_be_visible()
    expect(local).to_contain_text(re.compile(r"^Your time: .*18:00–19:00 CET$"))
    context.close()


def test_talk_page_hides_the_visitors_time_when_it_is_the_same(site, page):
    page.goto(site.url + next_talk().get_absolute_url())
    expect(page.locator(".local-time")).to_be_hidden()


def test_keyboard_alone_reaches_the_next_talk(site, page):
    talk = next_talk()
    page.goto(site.url)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    target = page.locator(".next-talk").get_by_role("link", name=talk.title)
    for _ in range(10):
        page.keyboard.press("Tab")
        if target.evaluate("link => link === document.activeElement"):
            break
    expect(target).to_be_focused()
    outline = target.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(talk.title)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/archive/",
        "/series/",
        "/series/systems-seminar/",
        "/tags/seminar/",
        "/speakers/",
        "/speakers/venkat-pullela/",
        "/affiliations/harvard-university/",
        "/search/?q=LLM",
        "/subscribe/",
        "TALK",
    ],
)
def test_phone_width_does_not_scroll_sideways(site, browser, screenshot, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    if path == "TALK":
        path = next_talk().get_absolute_url()
    page.goto(site.url + path)
    shots = {
        next_talk().get_absolute_url(): "talk",
        "/speakers/venkat-pullela/": "speaker",
        "/subscribe/": "subscribe",
    }
    if path in shots:
        screenshot(f"{shots[path]}-phone", page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    context.close()


def test_phone_navigation_works(site, browser, screenshot):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site.url)
    screenshot("home-phone", page)
    nav = page.get_by_role("navigation", name="Main")
    for name, heading in [
        ("Archive", "Archive of past talks"),
        ("Series", "Seminar series"),
        ("Speakers", "Speakers"),
        ("Upcoming", "Systems Seminar"),
    ]:
        nav.get_by_role("link", name=name).click()
        expect(page.locator("h1")).to_have_text(heading)
    context.close()


def test_add_to_calendar_downloads_a_valid_ics(site, page):
    talk = next_talk()
    page.goto(site.url + talk.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download .ics").click()
    download = download_info.value
    assert download.suggested_filename == f"{talk.slug}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert [(str(event["UID"]), str(event["SUMMARY"])) for event in events] == [
        (str(talk.uid), talk.title)
    ]


def test_subscribe_control_gives_webcal_and_copies_the_address(site, browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    page.goto(site.url)
    box = page.locator(".subscribe").first
    feed_url = site.url + "/calendar.ics"
    expect(box.get_by_role("link", name="Apple Calendar or Outlook")).to_have_attribute(
        "href", "webcal://" + feed_url.split("://", 1)[1]
    )
    expect(box.locator("input[readonly]")).to_have_value(feed_url)
    box.get_by_role("button", name="Copy").click()
    expect(box.locator("[role=status]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    context.close()
