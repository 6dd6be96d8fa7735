"""The organisers' workplace in a browser: the dashboard, and the talk form's speaker order
moved by keyboard, by drag and drop, and without JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from seminars.models import Series, Talk
from tests.e2e.checks import WCAG_21_AA
from tests.factories import SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"


def log_in(page, site):
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()


@pytest.fixture
def organiser(site):
    return get_user_model().objects.create_superuser("organiser", "o@example.org", PASSWORD)


@pytest.fixture
def talk(site):
    series = Series.objects.get(slug="systems-seminar")
    return TalkFactory(
        title="Three speakers",
        series=series,
        speakers=[SpeakerFactory(name=name) for name in ("Ada", "Grace", "Barbara")],
    )


def speaker_names(talk):
    return [link.speaker.name for link in talk.talk_speakers.order_by("order")]


def axe_violations(page, context=None):
    results = Axe().run(page, context=context, options=WCAG_21_AA)
    return [
        f"{violation['id']}: {violation['help']} ({violation['nodes'][0]['html'][:120]})"
        for violation in results.response["violations"]
    ]


def test_dashboard_is_accessible_and_its_tools_reachable_by_keyboard(
    site, page, organiser, csp_violations, screenshot
):
    log_in(page, site)
    series = Series.objects.get(slug="systems-seminar")

    expect(page.get_by_role("heading", name="Next talks")).to_be_visible()
    expect(page.get_by_role("heading", name="Open slots in the next 8 weeks")).to_be_visible()
    screenshot("admin-dashboard")
    # Checked before axe, which itself applies inline styles that the policy refuses.
    assert csp_violations == []
    assert axe_violations(page, "#content-main") == []
    plan = page.get_by_role("link", name="plan a term")
    for _ in range(200):
        page.keyboard.press("Tab")
        if plan.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the “plan a term” link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/admin/seminars/series/{series.pk}/plan/")


def test_speakers_reordered_with_the_keyboard_save_in_that_order(
    site, page, organiser, talk, csp_violations, screenshot
):
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")
    rows = page.locator("#talk_speakers-group tbody tr.form-row.has_original")
    down = rows.first.get_by_role("button", name="Move down").element_handle()

    down.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")

    expect(rows.locator(".field-speaker .select2-selection__rendered")).to_have_text(
        ["Grace", "Barbara", "Ada"]
    )
    assert down.evaluate("button => button === document.activeElement")
    expect(page.locator(".row-order-status")).to_have_text("Moved to place 3 of 3.")
    expect(page.locator(".timezonewarning")).to_have_count(0)
    screenshot("admin-talk-speakers-moved")
    assert csp_violations == []  # before axe, which applies inline styles itself
    assert axe_violations(page, "#talk_speakers-group") == []
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert speaker_names(talk) == ["Grace", "Barbara", "Ada"]


def test_every_speaker_choice_has_a_name_for_screen_readers(site, page, organiser, talk):
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")
    group = page.locator("#talk_speakers-group")
    boxes = group.locator(".field-speaker .select2-selection__rendered[role=textbox]")
    expect(boxes).to_have_count(4)  # three speakers and the empty extra row

    group.locator(".add-row a").click()

    expect(boxes).to_have_count(5)
    expect(boxes.last).to_have_attribute("title", "Choose a speaker")
    assert axe_violations(page, "#talk_speakers-group") == []


def test_speakers_reordered_by_drag_and_drop_save_in_that_order(site, page, organiser, talk):
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")
    rows = page.locator("#talk_speakers-group tbody tr.form-row.has_original")

    # A row is dragged by its description (“Barbara at …”), left of its fields.
    rows.nth(2).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))

    expect(rows.locator(".field-speaker .select2-selection__rendered")).to_have_text(
        ["Barbara", "Ada", "Grace"]
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert speaker_names(talk) == ["Barbara", "Ada", "Grace"]


def test_enter_in_the_title_saves_without_moving_speakers(site, page, organiser, talk):
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")

    page.locator("#id_title").fill("Three speakers, renamed")
    page.locator("#id_title").press("Enter")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Talk.objects.get(pk=talk.pk).title == "Three speakers, renamed"
    assert speaker_names(talk) == ["Ada", "Grace", "Barbara"]


def test_move_buttons_work_without_javascript(site, browser, organiser, talk):
    context = browser.new_context(java_script_enabled=False, timezone_id="Europe/Berlin")
    page = context.new_page()
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")

    rows = page.locator("#talk_speakers-group tbody tr.form-row.has_original")
    rows.nth(1).get_by_role("button", name="Move up").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page).to_have_url(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")
    assert speaker_names(talk) == ["Grace", "Ada", "Barbara"]
    context.close()


def test_no_server_time_note_for_an_organiser_in_another_zone(site, browser, organiser, talk):
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
    page = context.new_page()
    log_in(page, site)
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")

    expect(page.locator("#id_start_0")).to_have_value("2026-12-08")
    expect(page.locator(".datetimeshortcuts").first).to_be_attached()
    expect(page.locator(".timezonewarning")).to_have_count(0)
    expect(page.get_by_text("in the series' timezone (America/New_York)")).to_be_visible()
    context.close()
