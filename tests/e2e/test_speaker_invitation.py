"""A speaker's invitation in a browser: the organiser invites from the admin, the speaker
opens the mail's link on a phone, confirms, writes the abstract (with a preview), uploads a
photo and gives consent; the organiser accepts the proposal; the talk page and the feed show
it. Every public page axe-clean and valid HTML, and no address on any of them."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from seminars.invitations.models import Invitation, Proposal
from seminars.models import Talk
from tests.e2e.checks import WCAG_21_AA, nu_html_errors
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"
ADDRESS = "speaker.e2e@example.org"
ABSTRACT = "We measure **tail latency** in real networks.\n\nA second paragraph."


def test_speaker_confirms_edits_on_a_phone_and_organiser_accepts(
    site, page, browser, smtp_server, csp_violations, tmp_path, media_root, screenshot
):
    get_user_model().objects.create_superuser("organiser", "o@example.org", PASSWORD)
    talk = Talk.objects.public().scheduled().upcoming().with_speakers().first()
    speaker = talk.speaker_links()[0].speaker
    speaker.email = ADDRESS
    speaker.save()
    pages, violations = {}, []

    def check(target, name: str) -> None:
        results = Axe().run(target, options=WCAG_21_AA)
        violations.extend(
            f"{name}: {v['id']} ({v['nodes'][0]['html'][:100]})"
            for v in results.response["violations"]
        )
        pages[name] = target.content().encode()

    # The organiser invites the talk's speakers from the talk's admin page.
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site.url}/admin/seminars/talk/{talk.pk}/change/")
    page.get_by_role("link", name="Invite speakers").first.click()
    expect(page.locator("h1")).to_contain_text("Invite the speakers")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.locator(".messagelist")).to_contain_text(f"invitation queued for {speaker.name}")
    expect(page.locator(".field-speaker_invitations")).to_contain_text(f"{speaker.name}: invited")

    drain_mail_queue()
    [invitation_mail] = smtp_server.to(ADDRESS)
    link = re.search(r"https?://\S+/speak/\S+/", text_of(invitation_mail)).group(0)

    # The speaker, on a phone.
    phone_context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    phone = phone_context.new_page()
    phone.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text(f"Your talk at {talk.series.name}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    check(phone, "speaker page")
    screenshot("speak-phone", phone)

    phone.get_by_role("button", name="Confirm the talk").click()
    expect(phone.get_by_role("status").first).to_have_text("Thank you: your talk is confirmed.")
    check(phone, "confirmed")
    assert Invitation.objects.get().status == Invitation.Status.CONFIRMED

    phone.get_by_label("Abstract").fill(ABSTRACT)
    phone.get_by_role("button", name="Preview the abstract").click()
    expect(phone.locator(".speak-preview strong")).to_have_text("tail latency")
    check(phone, "preview")

    photo = tmp_path / "me.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), "teal").save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    phone.get_by_label("A new photo of you").set_input_files(str(photo))
    phone.get_by_label("My photo may be published on this site, its feeds and its API").check()
    phone.get_by_label("The talk may be recorded").check()
    phone.get_by_role("button", name="Save", exact=True).click()
    expect(phone.get_by_role("status").first).to_contain_text(
        "the organisers will review your changes"
    )
    check(phone, "saved")
    phone_context.close()

    # The organiser accepts the proposal, old → new.
    proposal = Proposal.objects.get()
    page.goto(f"{site.url}/admin/seminars/proposal/{proposal.pk}/change/")
    expect(page.locator(".proposal-diff")).to_contain_text("tail latency")
    page.get_by_role("button", name="Accept and apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted")

    page.goto(site.url + talk.get_absolute_url())
    expect(page.locator(".talk__abstract strong, .abstract strong").first).to_have_text(
        "tail latency"
    )
    expect(page.locator(".speaker-card__photo").first).to_be_visible()
    check(page, "talk page")
    feed = page.request.get(site.url + "/calendar.ics").text()
    assert "We measure tail latency in real networks." in feed.replace("\r\n ", "")

    assert all(ADDRESS.encode() not in body for body in pages.values())
    assert violations == []
    assert csp_violations == []
    assert nu_html_errors(pages, tmp_path) == []
