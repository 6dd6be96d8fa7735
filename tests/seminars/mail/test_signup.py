"""The sign-up, confirm, manage and unsubscribe pages: double opt-in, no enumeration, rate
limits, signed links, and no address on any page."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from seminars.mail import tokens
from seminars.mail.models import Delivery, Subscriber
from seminars.models import EventType, Series
from tests.factories import SubscriberFactory
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)


def sign_up(email: str, client: Client | None = None, **choices):
    data = {"email": email, "everything": "on", "frequency": "talk", **choices}
    return (client or Client()).post("/subscribe/email/", data)


def test_signup_page_ticks_the_series_of_the_link(demo, client):
    response = client.get("/subscribe/email/?series=systems-seminar")
    series = Series.objects.get(slug="systems-seminar")
    html = response.content.decode()
    assert response.status_code == 200
    ticked = rf'<input type="checkbox" name="series" value="{series.pk}"[^>]* checked'
    assert re.search(ticked, html)
    assert 'name="everything" id="id_everything">' in html  # not ticked


def test_signup_without_a_choice_is_a_form_error(demo, client):
    response = client.post("/subscribe/email/", {"email": "ada@example.org", "frequency": "talk"})
    assert response.status_code == 200
    assert "Choose what to follow: every talk, or at least one series or type of event." in (
        response.content.decode()
    )
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize(
    "address",
    [
        "ada@example.org\r\nBcc: everyone@example.org",
        "ada@example.org\nSubject: hi",
        "not-an-address",
    ],
)
def test_signup_header_injection_is_a_form_error(demo, address):
    response = sign_up(address)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert (Subscriber.objects.count(), Delivery.objects.count()) == (0, 0)


def test_signup_known_address_answers_alike_and_mails_a_manage_link(demo, smtp_server):
    SubscriberFactory(email="ada@example.org", everything=False)
    known = sign_up("ada@example.org")
    unknown = sign_up("grace@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    drain_mail_queue()

    [manage] = smtp_server.to("ada@example.org")
    assert manage["Subject"] == "Your subscription to Systems Seminar"
    assert "/subscribe/email/manage/" in text_of(manage)
    # Choices change only through the manage link, never by someone who knows the address.
    assert Subscriber.objects.get(email="ada@example.org").everything is False
    [confirm] = smtp_server.to("grace@example.org")
    assert confirm["Subject"] == "Confirm your subscription to Systems Seminar"


def test_signup_unconfirmed_address_gets_no_announcement(demo, clock, smtp_server):
    sign_up("ada@example.org")
    clock.move_to(MONDAY)
    call_command("send_announcements", "--due", stdout=io.StringIO())
    drain_mail_queue()

    assert [message["Subject"] for message in smtp_server.messages] == [
        "Confirm your subscription to Systems Seminar"
    ]


def test_signup_rate_limited_per_client(demo, settings):
    settings.MAIL_SIGNUPS_PER_CLIENT_PER_HOUR = 2
    statuses = [sign_up(f"reader{n}@example.org").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert Subscriber.objects.count() == 2


def test_signup_rate_limited_per_target_address(demo, settings, smtp_server):
    settings.MAIL_SIGNUPS_PER_ADDRESS_PER_DAY = 2
    responses = [
        sign_up("victim@example.org", Client(REMOTE_ADDR=f"192.0.2.{n}")) for n in range(4)
    ]
    drain_mail_queue()
    assert [response.status_code for response in responses] == [302, 302, 302, 302]
    assert len(smtp_server.to("victim@example.org")) == 2


def test_confirm_get_changes_nothing_post_confirms(demo):
    subscriber = SubscriberFactory(confirmed_at=None)
    url = f"/subscribe/email/confirm/{tokens.confirm_token(subscriber)}/"
    page = Client().get(url)
    subscriber.refresh_from_db()
    assert (page.status_code, subscriber.is_confirmed) == (200, False)
    assert subscriber.email not in page.content.decode()
    done = Client().post(url)
    subscriber.refresh_from_db()
    assert (done.status_code, subscriber.is_confirmed) == (200, True)
    assert "You are subscribed" in done.content.decode()


def test_confirm_link_expires_after_seven_days(demo, clock):
    subscriber = SubscriberFactory(confirmed_at=None)
    url = f"/subscribe/email/confirm/{tokens.confirm_token(subscriber)}/"
    clock.shift(datetime.timedelta(days=7, minutes=1))
    response = Client().post(url)
    subscriber.refresh_from_db()
    assert (response.status_code, subscriber.is_confirmed) == (404, False)
    assert "This link is not valid" in response.content.decode()


def test_unconfirmed_signups_are_forgotten_after_seven_days(demo, clock):
    SubscriberFactory(confirmed_at=None)
    clock.shift(datetime.timedelta(days=8))
    call_command("send_announcements", "--due", stdout=io.StringIO())
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
def test_tampered_or_foreign_links_are_refused(demo, kind):
    subscriber = SubscriberFactory()
    manage = tokens.manage_token(subscriber)
    forged = manage[:-2] + ("AA" if not manage.endswith("AA") else "BB")
    # A manage token does not confirm, and a confirmation token does not manage.
    wrong_purpose = manage if kind == "confirm" else tokens.confirm_token(subscriber)
    for token in (forged, wrong_purpose):
        assert Client().post(f"/subscribe/email/{kind}/{token}/").status_code == 404
    assert Subscriber.objects.count() == 1


def test_manage_page_changes_choices_without_showing_the_address(demo):
    subscriber = SubscriberFactory()
    tag = EventType.objects.get(slug="tech-week")
    url = f"/subscribe/email/manage/{tokens.manage_token(subscriber)}/"
    page = Client().get(url)
    assert page.status_code == 200
    assert subscriber.email not in page.content.decode()
    saved = Client().post(url, {"event_types": [tag.pk], "frequency": "week"})
    subscriber.refresh_from_db()
    assert saved.status_code == 200
    assert (subscriber.everything, subscriber.frequency) == (False, "week")
    assert list(subscriber.event_types.values_list("slug", flat=True)) == ["tech-week"]


def test_unsubscribe_get_shows_a_button_and_post_deletes(demo):
    subscriber = SubscriberFactory()
    url = f"/subscribe/email/unsubscribe/{tokens.manage_token(subscriber)}/"
    page = Client().get(url)
    assert page.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in page.content.decode()
    assert Subscriber.objects.count() == 1
    assert Client(enforce_csrf_checks=True).post(url).status_code == 200
    assert Subscriber.objects.count() == 0
    assert Client().post(url).status_code == 404  # the link died with the subscription


def test_subscribe_pages_link_to_the_email_signup(demo, client):
    series_page = client.get("/series/systems-seminar/").content.decode()
    subscribe_page = client.get("/subscribe/").content.decode()
    assert 'href="/subscribe/email/?series=systems-seminar"' in series_page
    assert 'href="/subscribe/email/"' in subscribe_page


def test_signup_in_development_sends_the_confirmation_at_once(demo, settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sign_up("ada@example.org")
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["ada@example.org"], "Confirm your subscription to Systems Seminar")
    ]


def test_confirmation_mail_says_what_was_asked(demo, smtp_server):
    tag = EventType.objects.get(slug="tech-week")
    sign_up("ada@example.org", everything="", event_types=[tag.pk], frequency="week")
    drain_mail_queue()
    [confirmation] = smtp_server.messages
    assert text_of(confirmation).splitlines()[0] == (
        f"Someone, we hope you, asked Systems Seminar to send a weekly digest of {tag.name} "
        "talks to this address."
    )
