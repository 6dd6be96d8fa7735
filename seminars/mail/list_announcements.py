"""Mail announcements to the series' list addresses, each once.

Sending is claim, then queue: an Announcement row is created (under a unique constraint, and
committed) before the email is queued for the mail worker (`manage.py db_worker`), so of two
overlapping runs only one queues it; a failed send marks the row failed, and the next run
takes it over and queues it again. Neither a request nor the cron run waits for SMTP.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from seminars.mail.compose import Message, talk_announcement, week_announcement
from seminars.mail.errors import describe_error
from seminars.mail.schedule import coming_week, talk_due_at, week_talks
from seminars.models import Announcement, Series, Talk

logger = logging.getLogger(__name__)

# A claim this old that is still "sending" waits for a mail worker that is not running, or
# belongs to one stopped before it could record the result: it is reported, not retried (the
# email may have gone out).
STUCK_AFTER = datetime.timedelta(hours=1)


class AnnouncementRefused(Exception):
    """The announcement cannot be sent (no list address, a draft talk, already sent)."""


@dataclass(frozen=True)
class Target:
    """What an announcement is of: one talk, or the week from a Monday of a series."""

    series: Series
    kind: str
    talk: Talk | None = None
    week_start: datetime.date | None = None

    @classmethod
    def of_talk(cls, talk: Talk) -> "Target":
        return cls(series=talk.series, kind=Announcement.Kind.TALK, talk=talk)

    @classmethod
    def of_week(cls, series: Series, week_start: datetime.date) -> "Target":
        return cls(series=series, kind=Announcement.Kind.WEEK, week_start=week_start)

    def records(self):
        """Return the QuerySet of this target's Announcement row (zero or one)."""
        return Announcement.objects.filter(
            series=self.series, kind=self.kind, talk=self.talk, week_start=self.week_start
        )

    def __str__(self):
        if self.talk is not None:
            return f"“{self.talk}” ({self.series})"
        return f"{self.series}, the week of {self.week_start:%Y-%m-%d}"


def build_announcement(target: Target, now: datetime.datetime) -> Message:
    """Return the announcement of `target` as it reads at `now`."""
    if target.talk is not None:
        return talk_announcement(target.talk, now)
    talks = list(week_talks(target.series, target.week_start))
    return week_announcement(target.series, target.week_start, talks, now)


def due_announcements(now: datetime.datetime) -> list[Target]:
    """Return the announcements whose time has come at `now` and that were not sent (or
    are being sent): each published talk from its announcement time until it starts, and
    each series' coming week once its time has come, if the week has public talks."""
    due = []
    series_list = Series.objects.exclude(announcement_email="").exclude(announcement_kind="")
    for series in series_list:
        done = Announcement.objects.filter(series=series).exclude(status=Announcement.Status.FAILED)
        if series.announcement_kind == Announcement.Kind.WEEK:
            week_start = coming_week(series, now)
            target = Target.of_week(series, week_start)
            if (
                not done.filter(week_start=week_start).exists()
                and week_talks(series, week_start).exists()
            ):
                due.append(target)
            continue
        # A talk's announcement time is at most announce_days_before days and a day (plus
        # a daylight-saving hour) before it starts: later talks are not due yet.
        horizon = now + datetime.timedelta(days=series.announce_days_before + 2)
        talks = (
            Talk.objects.public()
            .scheduled()
            .filter(series=series, start__gt=now, start__lte=horizon)
            .exclude(pk__in=done.filter(kind=Announcement.Kind.TALK).values("talk"))
            .with_speakers()
            .order_by("start", "pk")
        )
        due.extend(Target.of_talk(talk) for talk in talks if talk_due_at(talk) <= now)
    return due


def claim_announcement(target: Target, now: datetime.datetime) -> Announcement | None:
    """Record that this run sends `target`; return None if another run has claimed it.

    The row is committed at once (outside any transaction of the caller's making), so an
    overlapping run sees it, or waits on the unique index and then fails to insert its own.
    """
    recipient = target.series.announcement_email
    try:
        with transaction.atomic():
            return Announcement.objects.create(
                series=target.series,
                kind=target.kind,
                talk=target.talk,
                week_start=target.week_start,
                recipient=recipient,
                claimed_at=now,
            )
    except IntegrityError:
        pass
    # Taken over only from a failed send, and by one run only: the update locks the row and
    # the second run finds it no longer failed.
    taken_over = target.records().filter(status=Announcement.Status.FAILED)
    if not taken_over.update(
        status=Announcement.Status.SENDING,
        recipient=recipient,
        claimed_at=now,
        attempts=F("attempts") + 1,
        error="",
    ):
        return None
    return target.records().get()


def refusal(target: Target) -> str:
    """Return why `target` cannot be sent now, or "" if it can."""
    if not target.series.announcement_email:
        return "The series has no announcement list address: set one on the series to send."
    if target.talk is not None and target.talk.status != Talk.Status.PUBLISHED:
        return "Only published talks are announced: publish the talk first."
    if target.week_start is not None and not week_talks(target.series, target.week_start).exists():
        return "The week has no public talks: there is nothing to send."
    record = target.records().first()
    if record is not None and record.status == Announcement.Status.SENT:
        sent_at = record.sent_at.astimezone(target.series.zoneinfo)
        return f"It was sent to {record.recipient} on {sent_at:%Y-%m-%d at %H:%M %Z}."
    if record is not None and record.status == Announcement.Status.SENDING:
        return "It is being sent (or the run sending it stopped: delete its record to retry)."
    return ""


def queue_announcement(target: Target, now: datetime.datetime | None = None) -> Announcement:
    """Claim `target` and leave the sending to the mail worker (neither an admin click nor
    the cron run waits for SMTP); return the claimed row. Raise AnnouncementRefused if it
    cannot be sent (see refusal()) or another run has claimed it."""
    announcement = claim_or_refuse(target, now or timezone.now())
    mail_claimed_announcement.enqueue(announcement.pk)
    return announcement


@task()
def mail_claimed_announcement(announcement_id: int) -> str:
    """Mail the announcement claimed as `announcement_id` (queued from the admin or by
    `send_announcements --due`); return its status."""
    announcement = (
        Announcement.objects.select_related("series", "talk")
        .filter(pk=announcement_id, status=Announcement.Status.SENDING)
        .first()
    )
    if announcement is None:
        return "gone"
    target = Target(
        series=announcement.series,
        kind=announcement.kind,
        talk=announcement.talk,
        week_start=announcement.week_start,
    )
    if target.talk is not None:
        target = Target.of_talk(Talk.objects.with_speakers().get(pk=target.talk.pk))
    return mail_announcement(announcement, target, timezone.now()).status


def claim_or_refuse(target: Target, now: datetime.datetime) -> Announcement:
    """Return the claim of `target` for this run; raise AnnouncementRefused if it cannot be
    sent or another run has claimed it."""
    reason = refusal(target)
    if reason:
        raise AnnouncementRefused(reason)
    announcement = claim_announcement(target, now)
    if announcement is None:
        raise AnnouncementRefused("Another run has just claimed it.")
    return announcement


def mail_announcement(
    announcement: Announcement, target: Target, now: datetime.datetime
) -> Announcement:
    """Mail the claimed `announcement` of `target` as it reads at `now`; record the result."""
    message = build_announcement(target, now)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[announcement.recipient],
    )
    email.attach_alternative(
        render_to_string("seminars/mail/announcement_email.html", {"message": message}), "text/html"
    )
    try:
        email.send()
    except Exception as error:
        reason = describe_error(error, announcement.recipient)
        logger.warning("Sending the announcement of %s failed: %s", target, reason)
        announcement.status = Announcement.Status.FAILED
        announcement.error = reason
    else:
        announcement.status = Announcement.Status.SENT
        announcement.sent_at = timezone.now()
    announcement.save(update_fields=["status", "error", "sent_at"])
    return announcement


def queue_due_announcements(now: datetime.datetime | None = None) -> list[Announcement]:
    """Claim every announcement that is due at `now` and that no other run has claimed,
    and queue each for the mail worker; return the claimed rows."""
    now = now or timezone.now()
    claimed = []
    for target in due_announcements(now):
        try:
            claimed.append(queue_announcement(target, now))
        except AnnouncementRefused:
            continue  # another run claimed it since we looked
    return claimed
