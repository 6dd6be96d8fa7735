"""What an organiser meets: the admin journey from a new speaker to a cancelled talk."""

import io

import icalendar
import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from seminars.models import Series, Talk

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def staff_page(site, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    get_user_model().objects.create_superuser("organiser", "organiser@example.org", PASSWORD)
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()
    return page


def choose_autocomplete(page, field, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    field.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def feed_event(page, site, talk):
    """Return the talk's event as /calendar.ics shows it to a subscriber now."""
    response = page.request.get(site.url + "/calendar.ics")
    assert response.status == 200
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    (event,) = [event for event in events if str(event["UID"]) == str(talk.uid)]
    return event


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), "darkcyan").save(buffer, format="PNG")
    return buffer.getvalue()


def test_organiser_adds_speakers_and_a_talk_publishes_and_cancels_it(
    site, staff_page, csp_violations, screenshot
):
    page = staff_page

    page.goto(site.url + "/admin/speakers/affiliation/add/")
    page.locator("#id_name").fill("ETH Zürich")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("ETH Zürich")

    page.goto(site.url + "/admin/speakers/speaker/add/")
    page.locator("#id_name").fill("Ana Müller")
    choose_autocomplete(page, page.locator(".field-affiliation"), "ETH")
    page.locator("#id_photo").set_input_files(
        {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not an image</html>"}
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-photo .errorlist")).to_have_text(
        "This file is not a JPEG, PNG or WebP image."
    )
    screenshot("admin-rejected-upload")
    page.locator("#id_photo").set_input_files(
        {"name": "ana.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Ana Müller")

    series = Series.objects.get(slug="systems-seminar")
    page.goto(site.url + f"/admin/seminars/talk/add/?series={series.pk}")
    page.locator("#id_title").fill("Verified Networks in Practice")
    page.locator("#id_status").select_option("published")
    page.locator("#id_event_types_from").select_option(label=["Seminar", "Tech week"])
    page.locator("#id_event_types_add").click()
    expect(page.locator("#id_event_types_to option")).to_have_text(["Seminar", "Tech week"])
    choose_autocomplete(page, page.locator("#talk_speakers-0 .field-speaker"), "Ana Müller")
    page.locator("#talk_speakers-group .add-row a").click()
    choose_autocomplete(page, page.locator("#talk_speakers-1 .field-speaker"), "Venkat Pullela")
    screenshot("admin-talk-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Verified Networks in Practice")

    talk = Talk.objects.with_speakers().get(title="Verified Networks in Practice")
    assert [(link.speaker.name, link.affiliation.name) for link in talk.speaker_links()] == [
        ("Ana Müller", "ETH Zürich"),
        ("Venkat Pullela", "Keysight"),
    ]
    assert sorted(talk.event_types.values_list("name", flat=True)) == ["Seminar", "Tech week"]
    assert talk.status == Talk.Status.PUBLISHED
    assert talk.place == "Seminar Room G115"

    page.goto(site.url)
    expect(page.get_by_role("link", name="Verified Networks in Practice")).to_be_visible()
    published = feed_event(page, site, talk)
    assert (published["STATUS"], published["SEQUENCE"]) == ("CONFIRMED", 0)

    page.goto(site.url + "/admin/seminars/talk/")
    page.locator("tr", has_text="Verified Networks in Practice").locator(
        "input[name=_selected_action]"
    ).check()
    page.locator("select[name=action]").select_option("cancel_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Cancelled 1 talk(s)")

    page.goto(site.url + talk.get_absolute_url())
    expect(page.locator(".banner--cancelled")).to_have_text(
        "Cancelled — this talk will not take place."
    )
    talk.refresh_from_db()
    assert (talk.status, talk.sequence) == (Talk.Status.CANCELLED, 1)
    cancelled = feed_event(page, site, talk)
    assert (cancelled["STATUS"], cancelled["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(cancelled["SUMMARY"]) == "Cancelled: Verified Networks in Practice"
    assert csp_violations == []


def test_admin_pages_have_no_csp_violations(site, staff_page, csp_violations):
    talk = Talk.objects.first()
    for path in [
        "/admin/",
        "/admin/seminars/talk/",
        "/admin/seminars/talk/?q=LLM",
        f"/admin/seminars/talk/{talk.pk}/change/",
        f"/admin/seminars/talk/{talk.pk}/history/",
        "/admin/seminars/talk/add/",
        "/admin/seminars/series/",
        f"/admin/seminars/series/{talk.series.pk}/change/",
        f"/admin/seminars/series/{talk.series.pk}/plan/",
        f"/admin/seminars/series/{talk.series.pk}/agenda/",
        "/admin/seminars/eventtype/",
        "/admin/speakers/speaker/",
        "/admin/speakers/speaker/add/",
        "/admin/speakers/affiliation/",
    ]:
        staff_page.goto(site.url + path)
    assert csp_violations == []


def test_organiser_plans_a_term_and_fills_a_slot(site, staff_page, csp_violations, screenshot):
    page = staff_page
    series = Series.objects.get(slug="systems-seminar")
    page.goto(site.url + f"/admin/seminars/series/{series.pk}/plan/")
    # Far beyond the demo's talks, which sit on the Tuesdays around the real today.
    page.locator("#id_first_day").fill("2028-01-03")
    page.locator("#id_last_day").fill("2028-01-31")
    page.locator("#id_skip_dates").fill("2028-01-18")
    page.get_by_role("button", name="Preview the slots").click()
    expect(page.locator(".plan-slots tbody tr")).to_have_count(3)
    screenshot("admin-plan-term")
    page.get_by_role("button", name="Create 3 placeholders").click()
    expect(page.locator(".messagelist")).to_contain_text("Added 3 placeholder talk(s)")
    page.goto(site.url + f"/admin/seminars/series/{series.pk}/agenda/?first_day=2028-01-03&weeks=5")
    screenshot("admin-agenda")
    expect(page.locator(".agenda p", has_text="open slot, draft")).to_have_count(3)
    page.get_by_role("link", name="Speaker to be announced").first.click()
    page.locator("#id_title").fill("Verified Compilers")
    page.locator("#id_is_placeholder").uncheck()
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Verified Compilers")
    talk = Talk.objects.get(title="Verified Compilers")
    assert (talk.is_placeholder, talk.local_start.strftime("%a %H:%M")) == (False, "Tue 12:00")
    assert talk.slug == "verified-compilers"
    assert csp_violations == []
