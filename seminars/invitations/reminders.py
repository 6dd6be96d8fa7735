"""The reminders to invited speakers, queued by `send_announcements --due` (cron): one to
confirm, N days after the invitation, and one about a missing abstract, N days before the
talk (the series' settings); each at most once per invitation (the queue's unique key)."""

import datetime

from django.utils import timezone

from seminars.invitations.models import Invitation
from seminars.invitations.services import queue_invitation_mail
from seminars.mail.models import Delivery


def reminders_due(invitation: Invitation, now: datetime.datetime) -> list[str]:
    """Return the kinds of reminder due to `invitation` at `now` (sent or not)."""
    talk = invitation.talk_speaker.talk
    series = talk.series
    due = []
    confirm_after = series.remind_unconfirmed_after_days
    if (
        confirm_after
        and invitation.status == Invitation.Status.INVITED
        and invitation.invited_at + datetime.timedelta(days=confirm_after) <= now
    ):
        due.append(Delivery.Kind.REMIND_CONFIRM)
    abstract_before = series.remind_abstract_days_before
    if (
        abstract_before
        and invitation.status != Invitation.Status.DECLINED
        and not talk.abstract.strip()
        and talk.start - datetime.timedelta(days=abstract_before) <= now
    ):
        due.append(Delivery.Kind.REMIND_ABSTRACT)
    return due


def queue_due_reminders(now: datetime.datetime | None = None) -> int:
    """Queue each reminder due at `now` to the speakers of working links; return how many
    were queued (a reminder already queued is not queued again)."""
    now = now or timezone.now()
    invitations = (
        Invitation.objects.live(now)
        .exclude(status=Invitation.Status.DECLINED)
        .select_related("talk_speaker__talk__series")
        .prefetch_related("deliveries")
    )
    queued = 0
    for invitation in invitations:
        sent = {delivery.kind for delivery in invitation.deliveries.all()}
        for kind in reminders_due(invitation, now):
            if kind not in sent:
                queued += queue_invitation_mail(invitation, kind, now)
    return queued
