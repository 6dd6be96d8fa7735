"""20,000 subscribers of a series: each announcement queued in pages and delivered, one
message per recipient, through a real SMTP server. Slow (about two minutes): `make test-slow`;
the time it took is printed and recorded in docs/mail.md."""

import datetime
import io
import time

import pytest
from django.core.management import call_command

from seminars.mail.models import Delivery, Subscriber
from tests.smtp import drain_mail_queue

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SUBSCRIBERS = 20_000
MONDAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)


def test_twenty_thousand_subscribers_get_one_message_each(demo, clock, smtp_server, capsys):
    Subscriber.objects.bulk_create(
        (
            Subscriber(email=f"reader{n:05}@example.org", everything=True, confirmed_at=MONDAY)
            for n in range(SUBSCRIBERS)
        ),
        batch_size=2000,
    )
    smtp_server.count_only = True
    clock.move_to(MONDAY)

    started = time.perf_counter()
    call_command("send_announcements", "--due", stdout=io.StringIO())
    queued = time.perf_counter()
    drain_mail_queue()
    delivered = time.perf_counter()

    assert len(smtp_server.recipients) == SUBSCRIBERS
    assert len(set(smtp_server.recipients)) == SUBSCRIBERS
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == SUBSCRIBERS
    with capsys.disabled():
        print(
            f"\n{SUBSCRIBERS} messages: queued in {queued - started:.1f} s, delivered through "
            f"SMTP in {delivered - queued:.1f} s "
            f"({SUBSCRIBERS / (delivered - queued):.0f} messages/s, one worker, no rate limit)"
        )
