"""Queue messages to email subscribers, and send them in the background, each once.

Queueing writes one Delivery row per recipient (unique per subscriber and message key) and
enqueues `deliver_queued_mail` tasks (Django's tasks API; the database backend's
`manage.py db_worker` runs them). A task claims up to BATCH_SIZE ready rows in one
conditional UPDATE (queued → sending, stamped with its own claim id), so two overlapping
workers never send the same row; it composes each message kind once per batch, adds the
recipient's own links and headers, and sends one message per recipient over one SMTP
connection, at most MAIL_RATE_PER_MINUTE a minute. A failed send waits and is retried
(RETRY_DELAYS), then is marked failed for the admin's retry action.
"""

import datetime
import logging
import math
import secrets
import smtplib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from seminars.invitations.compose import invitation_mail
from seminars.mail import tokens
from seminars.mail.compose import (
    Message,
    OutOfDate,
    TalkState,
    change_notice,
    confirmation_message,
    manage_link_message,
    talk_announcement,
    week_announcement,
    with_subscriber_footer,
)
from seminars.mail.errors import describe_error
from seminars.mail.models import Delivery, Subscriber, ToldState
from seminars.mail.schedule import week_talks
from seminars.models import Talk

logger = logging.getLogger(__name__)

# Messages one task sends over one SMTP connection; what a worker holds in memory at once.
BATCH_SIZE = 200
# How long a failed message waits before each new try; after the last, it is marked failed.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
# The kinds that go to subscribers as bulk mail: they carry List-Unsubscribe (RFC 8058).
BULK_KINDS = (Delivery.Kind.TALK, Delivery.Kind.WEEK, Delivery.Kind.CHANGE)


# Queueing


def queue_deliveries(rows: Iterable[Delivery]) -> int:
    """Insert the `rows` not queued already (same subscriber and key), in batches; return
    how many were offered. Enqueue the tasks that send them."""
    offered = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 1000:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            offered += len(batch)
            batch = []
    if batch:
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
        offered += len(batch)
    if offered:
        enqueue_senders()
    return offered


def pending_senders() -> int:
    """Return how many sending tasks wait in the database queue (0 for other backends)."""
    if not isinstance(deliver_queued_mail.get_backend(), DatabaseBackend):
        return 0
    return DBTaskResult.objects.filter(
        status="READY", task_path=deliver_queued_mail.module_path
    ).count()


def enqueue_senders(now: datetime.datetime | None = None) -> int:
    """Enqueue enough sending tasks for every ready message (counting those waiting);
    return how many were enqueued. Safe to call often: a task that finds nothing ends."""
    ready = Delivery.objects.ready(now or timezone.now()).count()
    wanted = math.ceil(ready / BATCH_SIZE) - pending_senders()
    for _ in range(wanted):
        deliver_queued_mail.enqueue()
    return max(wanted, 0)


def retry_deliveries(deliveries) -> int:
    """Queue the failed `deliveries` again, now, with a fresh set of tries; return how many."""
    count = deliveries.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.QUEUED, not_before=timezone.now(), attempts=0, error=""
    )
    if count:
        enqueue_senders()
    return count


# Sending


@task()
def deliver_queued_mail() -> int:
    """Send a batch of the queued messages whose time has come; return how many were sent."""
    return send_ready_deliveries()


def claim_ready(limit: int, now: datetime.datetime) -> str:
    """Turn up to `limit` ready messages from queued to sending for this run; return the
    claim id that marks them. Only one of two overlapping runs can claim a row."""
    claim = secrets.token_hex(16)
    with transaction.atomic():
        ids = list(
            Delivery.objects.ready(now)
            .order_by("not_before", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING,
            claimed_by=claim,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return claim


def send_ready_deliveries(
    limit: int = BATCH_SIZE, now: datetime.datetime | None = None, connection=None
) -> int:
    """Claim up to `limit` ready messages and send each to its recipient; return how many
    were sent."""
    now = now or timezone.now()
    claim = claim_ready(limit, now)
    deliveries = list(
        Delivery.objects.filter(claimed_by=claim, status=Delivery.Status.SENDING)
        .select_related(
            "subscriber", "talk", "series", "organiser", "invitation__talk_speaker__speaker"
        )
        .order_by("pk")
    )
    if not deliveries:
        return 0
    batch = Batch(now)
    connection = connection or get_connection()
    try:
        # Opened here, the connection serves the whole batch (send() opening it would close
        # it after each message).
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        for delivery in deliveries:
            failed(delivery, error, now)
        return 0
    pace = Pace(settings.MAIL_RATE_PER_MINUTE)
    sent = 0
    try:
        for delivery in deliveries:
            try:
                message, told = batch.compose(delivery)
            except OutOfDate as reason:
                mark(delivery, Delivery.Status.SKIPPED, error=str(reason))
                continue
            pace.wait()
            try:
                email_for(delivery, message, connection).send()
            except (smtplib.SMTPException, OSError) as error:
                failed(delivery, error, now)
                continue
            mark(delivery, Delivery.Status.SENT, sent_at=timezone.now())
            batch.remember_told(delivery, told)
            sent += 1
    finally:
        connection.close()
        batch.save_told()
    logger.info("Sent %d of %d queued message(s)", sent, len(deliveries))
    return sent


def mark(delivery: Delivery, status: str, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, **fields)


def failed(delivery: Delivery, error: Exception, now: datetime.datetime) -> None:
    """Record a failed send without the address; queue it again later, or give up."""
    reason = describe_error(error, delivery.address)
    logger.warning("Sending %s (delivery %s) failed: %s", delivery, delivery.pk, reason)
    if delivery.attempts <= len(RETRY_DELAYS):
        retry_at = now + RETRY_DELAYS[delivery.attempts - 1]
        mark(delivery, Delivery.Status.QUEUED, not_before=retry_at, error=reason)
        if deliver_queued_mail.get_backend().supports_defer:
            deliver_queued_mail.using(run_after=retry_at).enqueue()
        # Otherwise (`make run` sends at once) the next `send_announcements --due` retries.
    else:
        mark(delivery, Delivery.Status.FAILED, error=reason)


class Pace:
    """Keep to at most `per_minute` messages a minute (0: no limit) in this worker."""

    def __init__(self, per_minute: int):
        self.interval = 60 / per_minute if per_minute > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


class Batch:
    """Compose each message of a batch once (per talk, week or change) and say it to each
    recipient with their own links; remember what each was told of which talk."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        self.messages: dict[tuple, tuple[Message, dict[int, str]]] = {}
        self.told: list[ToldState] = []

    def compose(self, delivery: Delivery) -> tuple[Message, dict[int, str]]:
        """Return the message of `delivery` and the state of each talk it tells of."""
        if delivery.invitation_id is not None:
            return invitation_mail(delivery, self.now), {}
        subscriber = delivery.subscriber
        if delivery.kind == Delivery.Kind.CONFIRM:
            following = describe_following(subscriber)
            return confirmation_message(tokens.confirm_url(subscriber), following), {}
        if not subscriber.is_confirmed:
            raise OutOfDate("The address is not confirmed.")
        if delivery.kind == Delivery.Kind.MANAGE:
            return manage_link_message(tokens.manage_url(subscriber)), {}
        cache_key = (delivery.kind, delivery.key, delivery.previous_state)
        if cache_key not in self.messages:
            self.messages[cache_key] = self.compose_shared(delivery)
        message, told = self.messages[cache_key]
        message = with_subscriber_footer(
            message, tokens.manage_url(subscriber), tokens.unsubscribe_url(subscriber)
        )
        return message, told

    def compose_shared(self, delivery: Delivery) -> tuple[Message, dict[int, str]]:
        """Return the message every recipient of `delivery`'s key gets alike."""
        if delivery.kind == Delivery.Kind.WEEK:
            talks = list(week_talks(delivery.series, delivery.week_start))
            if not talks:
                raise OutOfDate("The week has no public talks any more.")
            message = week_announcement(delivery.series, delivery.week_start, talks, self.now)
            return message, {talk.pk: str(TalkState.of(talk)) for talk in talks}
        talk = Talk.objects.public().with_speakers().select_related("series")
        talk = talk.filter(pk=delivery.talk_id).first()
        if talk is None:
            raise OutOfDate("The talk is not public any more.")
        state = str(TalkState.of(talk))
        if delivery.kind == Delivery.Kind.TALK:
            if talk.is_cancelled or talk.start <= self.now:
                raise OutOfDate("The talk was cancelled or has started.")
            return talk_announcement(talk, self.now), {talk.pk: state}
        if talk.end <= self.now:
            raise OutOfDate("The talk has ended.")
        if delivery.key != change_key(talk) or delivery.previous_state == state:
            raise OutOfDate("The talk changed again, or back.")
        message = change_notice(talk, TalkState.parse(delivery.previous_state), self.now)
        return message, {talk.pk: state}

    def remember_told(self, delivery: Delivery, told: dict[int, str]) -> None:
        self.told.extend(
            ToldState(subscriber_id=delivery.subscriber_id, talk_id=talk_id, state=state)
            for talk_id, state in told.items()
        )

    def save_told(self) -> None:
        ToldState.objects.bulk_create(
            self.told,
            update_conflicts=True,
            unique_fields=["subscriber", "talk"],
            update_fields=["state"],
        )


def change_key(talk: Talk) -> str:
    """Return the key of the change notice of `talk` as it is now: one per version."""
    return f"change:{talk.pk}:{talk.sequence}"


def describe_following(subscriber: Subscriber) -> str:
    """Return what `subscriber` asked for, as the confirmation mail says it."""
    how = "a weekly digest" if subscriber.frequency == Subscriber.Frequency.WEEK else "each talk"
    if subscriber.everything:
        return f"{how} of every series"
    names = [str(series) for series in subscriber.series.all()]
    names += [f"{event_type} talks" for event_type in subscriber.event_types.all()]
    return f"{how} of " + ", ".join(names)


def email_for(delivery: Delivery, message: Message, connection) -> EmailMultiAlternatives:
    """Return the email of `delivery` to its one recipient (never a list, never Bcc)."""
    headers = {}
    if delivery.kind in BULK_KINDS:
        # RFC 8058: a POST to this https URL unsubscribes at once, with no page to confirm.
        headers["List-Unsubscribe"] = f"<{tokens.unsubscribe_url(delivery.subscriber)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[delivery.address],
        connection=connection,
        headers=headers,
    )
    email.attach_alternative(
        render_to_string("seminars/mail/announcement_email.html", {"message": message}),
        "text/html",
    )
    return email
