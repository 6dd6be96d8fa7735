"""The email audience in a browser: sign up on the page, read the mail from the SMTP server,
follow its link, confirm, manage, unsubscribe; every page axe-clean and valid HTML."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from seminars.mail.models import Subscriber
from tests.e2e.checks import WCAG_21_AA, nu_html_errors
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_signup_confirm_manage_unsubscribe(site, page, smtp_server, csp_violations, tmp_path):
    pages = {}
    violations = []

    def check(name: str) -> None:
        """Check the page shown for accessibility, and keep its HTML for the Nu checker."""
        results = Axe().run(page, options=WCAG_21_AA)
        violations.extend(f"{name}: {v['id']}" for v in results.response["violations"])
        pages[name] = page.content().encode()

    page.goto(site.url + "/series/systems-seminar/")
    page.get_by_role("link", name="Get these talks by email").first.click()
    expect(page.locator("h1")).to_have_text("Get the talks by email")
    expect(page.get_by_role("checkbox", name="Systems Seminar")).to_be_checked()
    check("sign-up")

    page.get_by_label("Your email address").fill("ada at example.org")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".form-errors").first).to_contain_text("Enter a valid email address")
    check("sign-up with an error")
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_role("radio", name="A weekly digest of the coming week").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    check("sent")

    drain_mail_queue()
    [confirmation] = smtp_server.to("ada@example.org")
    link = re.search(r"https?://\S+/subscribe/email/confirm/\S+/", text_of(confirmation))
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Confirm your subscription")
    check("confirm")
    assert Subscriber.objects.get().is_confirmed is False
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")
    check("confirmed")
    assert Subscriber.objects.get().frequency == Subscriber.Frequency.WEEK

    page.get_by_role("link", name="change it now").click()
    expect(page.locator("h1")).to_have_text("Your email subscription")
    check("manage")
    page.get_by_role("radio", name="Each talk, a few days before").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    check("manage saved")
    assert Subscriber.objects.get().frequency == Subscriber.Frequency.TALK
    assert "ada@example.org" not in "".join(body.decode() for body in pages.values())

    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You have unsubscribed")
    check("unsubscribed")
    assert Subscriber.objects.count() == 0

    assert violations == []
    assert csp_violations == []
    assert nu_html_errors(pages, tmp_path) == []
