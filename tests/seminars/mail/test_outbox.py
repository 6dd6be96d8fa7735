"""The mail queue: one message per recipient, retries on SMTP failure, once only even when
two workers overlap, and never an address in a log line."""

import datetime
import io
import logging
import smtplib
import threading

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from seminars.devdata.demo import load_demo
from seminars.mail import outbox
from seminars.mail.errors import describe_error
from seminars.mail.models import Delivery, Subscriber
from seminars.mail.outbox import retry_deliveries, send_ready_deliveries
from seminars.models import Series
from tests.clock import NOW
from tests.factories import SubscriberFactory
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
# Saturday 5 December, 10:00 in New York: with announcements two days ahead, the week from
# Monday 7 December is due.
SATURDAY = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)


def run_cron() -> None:
    call_command("send_announcements", "--due", stdout=io.StringIO())


def test_weekly_subscriber_gets_the_digest_in_the_list_wording(demo, clock, smtp_server):
    Series.objects.update(announce_days_before=2)
    SubscriberFactory(email="ada@example.org", frequency=Subscriber.Frequency.WEEK)
    SubscriberFactory(email="grace@example.org", frequency=Subscriber.Frequency.TALK)
    clock.move_to(SATURDAY)
    run_cron()
    run_cron()
    drain_mail_queue()

    [digest] = smtp_server.messages
    assert (digest["To"], digest["Subject"]) == (
        "ada@example.org",
        "Systems Seminar: talks in the week of Mon 7 Dec 2026",
    )
    assert text_of(digest).startswith("Systems Seminar: talks in the week of Mon 7 Dec 2026\n\n")


def test_each_recipient_gets_their_own_message(demo, clock, smtp_server):
    for n in range(3):
        SubscriberFactory(email=f"reader{n}@example.org")
    clock.move_to(MONDAY)
    run_cron()
    drain_mail_queue()

    assert [message["X-Envelope-To"] for message in smtp_server.messages] == [
        "reader0@example.org",
        "reader1@example.org",
        "reader2@example.org",
    ]
    assert {message["Cc"] for message in smtp_server.messages} == {None}
    assert {message["Bcc"] for message in smtp_server.messages} == {None}


def test_smtp_failure_is_retried_later_without_the_address_in_logs(
    demo, clock, smtp_server, caplog
):
    SubscriberFactory(email="ada@example.org")
    clock.move_to(MONDAY)
    smtp_server.refuse_with = "451 Try again later"
    run_cron()
    with caplog.at_level(logging.INFO):
        drain_mail_queue()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    assert delivery.not_before == MONDAY + datetime.timedelta(minutes=1)
    assert delivery.error == "SMTPDataError: (451, b'Try again later')"
    assert "ada@example.org" not in caplog.text
    assert "failed: SMTPDataError" in caplog.text

    smtp_server.refuse_with = ""
    clock.move_to(MONDAY + datetime.timedelta(minutes=2))
    drain_mail_queue()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(smtp_server.messages)) == (
        Delivery.Status.SENT,
        2,
        1,
    )


def test_smtp_failure_after_every_retry_is_marked_failed_and_retried_from_admin(
    demo, clock, smtp_server
):
    SubscriberFactory(email="ada@example.org")
    clock.move_to(MONDAY)
    smtp_server.refuse_with = "550 No such user here"
    run_cron()
    for _ in range(5):
        drain_mail_queue()
        clock.shift(datetime.timedelta(hours=3))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 5)

    smtp_server.refuse_with = ""
    assert retry_deliveries(Delivery.objects.all()) == 1
    drain_mail_queue()
    delivery.refresh_from_db()
    assert (delivery.status, [m["To"] for m in smtp_server.messages]) == (
        Delivery.Status.SENT,
        ["ada@example.org"],
    )


def test_refused_recipient_error_never_names_the_address():
    error = smtplib.SMTPRecipientsRefused({"ada@example.org": (550, b"no ada@example.org")})
    assert describe_error(error, "ada@example.org") == (
        "SMTPRecipientsRefused: the server refused the recipient ([550])"
    )


def test_cron_and_worker_twice_send_each_message_once(demo, clock, smtp_server):
    SubscriberFactory(email="ada@example.org")
    clock.move_to(MONDAY)
    run_cron()
    run_cron()
    drain_mail_queue()
    run_cron()
    drain_mail_queue()
    assert len(smtp_server.messages) == 1


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs concurrent connections: SQLite serialises writers and the test database "
    "is in memory; CI runs it in its PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_senders_deliver_each_message_once(demo_data, smtp_server, monkeypatch):
    with time_machine.travel(NOW, tick=False):
        load_demo(demo_data)
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", everything=True, confirmed_at=NOW)
        for n in range(60)
    )
    with time_machine.travel(MONDAY, tick=False):
        run_cron()
    # Both senders reach the claim together.
    barrier = threading.Barrier(2)
    claim = outbox.claim_ready

    def claim_together(limit, now):
        barrier.wait(timeout=10)
        return claim(limit, now)

    monkeypatch.setattr(outbox, "claim_ready", claim_together)
    sent, errors = [], []

    def run():
        try:
            sent.append(send_ready_deliveries(limit=60))
        except Exception as error:  # pragma: no cover (reported by the assert below)
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(MONDAY, tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert sum(sent) == 60
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == sorted(f"reader{n}@example.org" for n in range(60))
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 60
