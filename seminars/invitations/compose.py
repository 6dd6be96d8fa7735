"""The mail of speaker invitations: the invitation, the two reminders and the notice of a
decline to the organisers, composed when the worker sends them (seminars/mail/outbox.py).

Each message is checked against the invitation as it is then: a reminder to confirm is not
sent once the speaker has answered, nor anything once the link is revoked or the talk over.
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from seminars import formatting
from seminars.invitations.models import Invitation
from seminars.mail.compose import Message, OutOfDate
from seminars.mail.models import Delivery
from seminars.site_url import absolute_url

SPEAKER_KINDS = (Delivery.Kind.INVITE, Delivery.Kind.REMIND_CONFIRM, Delivery.Kind.REMIND_ABSTRACT)
SUBJECTS = {
    Delivery.Kind.INVITE: "Your talk at {series}: please confirm and add your details",
    Delivery.Kind.REMIND_CONFIRM: "Reminder: please confirm your talk at {series}",
    Delivery.Kind.REMIND_ABSTRACT: "Reminder: your talk at {series} needs an abstract",
    Delivery.Kind.DECLINED: "{speaker} declined “{title}” ({series})",
}


def check_still_due(invitation: Invitation, kind: str, now: datetime.datetime) -> None:
    """Raise OutOfDate if the message `kind` of `invitation` is no longer worth sending."""
    talk = invitation.talk
    if kind == Delivery.Kind.DECLINED:
        return
    if invitation.is_revoked or talk.end <= now:
        raise OutOfDate("The link was revoked, or the talk is over.")
    if kind == Delivery.Kind.REMIND_CONFIRM and invitation.status != Invitation.Status.INVITED:
        raise OutOfDate("The speaker has answered.")
    if kind == Delivery.Kind.REMIND_ABSTRACT and (
        talk.abstract.strip() or invitation.status == Invitation.Status.DECLINED
    ):
        raise OutOfDate("The talk has its abstract, or the speaker declined.")


def invitation_mail(delivery: Delivery, now: datetime.datetime) -> Message:
    """Return the message of `delivery`, one of an invitation's kinds."""
    invitation = Invitation.objects.select_related(
        "talk_speaker__talk__series", "talk_speaker__talk__venue", "talk_speaker__speaker"
    ).get(pk=delivery.invitation_id)
    check_still_due(invitation, delivery.kind, now)
    talk = invitation.talk
    context = {
        "kind": delivery.kind,
        "speaker": invitation.speaker.name,
        "title": talk.title,
        "series": talk.series.name,
        "when": formatting.when(talk),
        "place": talk.place,
        "link": absolute_url(invitation.private_link_path()),
        "note": invitation.note,
        "admin_url": absolute_url(reverse("admin:seminars_talk_change", args=[talk.pk])),
        "SITE_NAME": settings.SITE_NAME,
    }
    name = "declined" if delivery.kind == Delivery.Kind.DECLINED else "invitation"
    subject = SUBJECTS[delivery.kind].format(
        series=talk.series.name, speaker=invitation.speaker.name, title=talk.title
    )
    return Message(
        subject=subject,
        text=render_to_string(f"seminars/mail/speaker_{name}.txt", context),
        html=render_to_string(f"seminars/mail/speaker_{name}.html", context),
    )
