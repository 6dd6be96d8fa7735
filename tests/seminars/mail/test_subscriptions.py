"""The email audience's journey, through a real SMTP server: sign up, confirm, receive, leave."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from seminars.mail.compose import talk_announcement
from seminars.mail.models import Delivery, Subscriber
from seminars.models import Series, Talk
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db

SITE = "https://seminars.example.org"
ADA = "ada@example.org"
# Monday 7 December 2026, 10:00 in New York: the talk of Tuesday 8 December is announced
# from 09:00 today (the demo series announces one day before).
MONDAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)


def link_in(text: str, path: str) -> str:
    """Return the path of the first link to `path` in a mail's text."""
    match = re.search(re.escape(SITE + path) + r"[^\s]+/", text)
    assert match, text
    return match.group(0).removeprefix(SITE)


def test_email_journey_sign_up_confirm_receive_unsubscribe(demo, clock, smtp_server):
    series = Series.objects.get(slug="systems-seminar")
    response = Client().post(
        "/subscribe/email/",
        {"email": "Ada@Example.org", "series": [series.pk], "frequency": "talk"},
    )
    assert (response.status_code, response["Location"]) == (302, "/subscribe/email/sent/")
    assert smtp_server.messages == []  # queued, not sent within the request

    drain_mail_queue()
    [confirmation] = smtp_server.messages
    assert (confirmation["To"], confirmation["Subject"]) == (
        ADA,
        "Confirm your subscription to Systems Seminar",
    )
    assert confirmation["List-Unsubscribe"] is None
    confirm_path = link_in(text_of(confirmation), "/subscribe/email/confirm/")

    browser = Client(enforce_csrf_checks=False)
    page = browser.get(confirm_path)
    assert (page.status_code, Subscriber.objects.get().is_confirmed) == (200, False)
    assert ADA not in page.content.decode()
    assert browser.post(confirm_path).status_code == 200
    assert Subscriber.objects.get().is_confirmed is True

    clock.move_to(MONDAY)
    call_command("send_announcements", "--due", stdout=io.StringIO())
    drain_mail_queue()
    announcement = smtp_server.messages[-1]
    talk = Talk.objects.with_speakers().get(title__startswith="Inference")
    expected = talk_announcement(talk, MONDAY)
    assert len(smtp_server.messages) == 2
    assert (announcement["To"], announcement["Subject"]) == (ADA, expected.subject)
    unsubscribe_path = link_in(text_of(announcement), "/subscribe/email/unsubscribe/")
    manage_path = link_in(text_of(announcement), "/subscribe/email/manage/")
    assert text_of(announcement) == (
        f"{expected.text}\n--\nYou receive this because you subscribed to Systems Seminar by "
        f"email.\nChange what you receive: {SITE}{manage_path}\n"
        f"Unsubscribe: {SITE}{unsubscribe_path}\n"
    )
    assert announcement["List-Unsubscribe"].strip() == f"<{SITE}{unsubscribe_path}>"
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A mailbox's one-click button: a POST without cookies or CSRF token (RFC 8058).
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert (Subscriber.objects.count(), Delivery.objects.count()) == (0, 0)

    clock.move_to(MONDAY + datetime.timedelta(days=7))
    call_command("send_announcements", "--due", stdout=io.StringIO())
    drain_mail_queue()
    assert len(smtp_server.messages) == 2
