"""How organisers read a speaker's invitation: one wording, used by the talk form, the talk
list, the series agenda and the admin's front page."""

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef, Q, Subquery

from seminars.formatting import day_label
from seminars.invitations.models import Invitation
from seminars.models import TalkSpeaker

NOT_INVITED = "not invited"
DETAILS_COMPLETE = "details complete"


def current_invitation(link: TalkSpeaker) -> Invitation | None:
    """Return the working (not revoked) invitation of `link`, from the prefetched
    `link.invitations` when there is one."""
    return next((one for one in link.invitations.all() if one.revoked_at is None), None)


def status_of(link: TalkSpeaker, invitation: Invitation | None) -> str:
    """Return "not invited", "invited 2 Dec 2026", "confirmed", "declined" or "details
    complete" (confirmed, and the talk has an abstract and the speaker a bio)."""
    if invitation is None:
        return NOT_INVITED
    if invitation.status == Invitation.Status.INVITED:
        zone = link.talk.series.zoneinfo
        return f"invited {day_label(invitation.invited_at.astimezone(zone).date())}"
    if invitation.status == Invitation.Status.DECLINED:
        return "declined"
    if link.talk.abstract.strip() and link.speaker.bio.strip():
        return DETAILS_COMPLETE
    return "confirmed"


def statuses(links: Iterable[TalkSpeaker]) -> list[tuple[TalkSpeaker, Invitation | None, str]]:
    """Return each of `links` (fetched with their invitations) with its invitation and status."""
    rows = []
    for link in links:
        invitation = current_invitation(link)
        rows.append((link, invitation, status_of(link, invitation)))
    return rows


def with_invitation_status(links):
    """Annotate TalkSpeaker rows with `invitation_status` (of the working invitation, or
    None) and `invited_at`, in the same query."""
    live = Invitation.objects.filter(talk_speaker=OuterRef("pk"), revoked_at=None)
    return links.annotate(
        invitation_status=Subquery(live.values("status")[:1]),
        invited_at=Subquery(live.values("invited_at")[:1]),
    )


def unconfirmed_speakers(talks, now: datetime.datetime, weeks: int = 6):
    """Return the speakers of `talks` starting in the next `weeks` weeks (not cancelled, not
    placeholders) who have not confirmed: never invited, not answered, or declined."""
    links = (
        TalkSpeaker.objects.filter(
            talk__in=talks.starting_between(now, now + datetime.timedelta(weeks=weeks))
            .exclude(status="cancelled")
            .exclude(is_placeholder=True)
        )
        .select_related("talk", "speaker")
        .order_by("talk__start", "talk", "order", "pk")
    )
    return with_invitation_status(links).filter(
        Q(invitation_status=None) | ~Q(invitation_status=Invitation.Status.CONFIRMED)
    )


def answers_by_talk(talk_ids) -> dict[int, list[str]]:
    """Return, for each talk, "Name: status" for each of its speakers, in order (one query)."""
    links = with_invitation_status(
        TalkSpeaker.objects.filter(talk__in=talk_ids).select_related("speaker")
    ).order_by("talk", "order", "pk")
    answers: dict[int, list[str]] = {}
    for link in links:
        status = SHORT_STATUS.get(link.invitation_status, NOT_INVITED)
        answers.setdefault(link.talk_id, []).append(f"{link.speaker.name}: {status}")
    return answers


SHORT_STATUS = {
    Invitation.Status.INVITED: "invited, no answer yet",
    Invitation.Status.CONFIRMED: "confirmed",
    Invitation.Status.DECLINED: "declined",
}
