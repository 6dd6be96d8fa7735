"""What organisers and speakers do with invitations: invite, revoke, answer, edit, and accept
or reject what a speaker proposed for a published talk."""

import contextlib
import dataclasses
import datetime
import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seminars.invitations.models import Invitation, Proposal
from seminars.mail.models import Delivery
from seminars.mail.outbox import queue_deliveries
from seminars.models import Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker
from speakers.services import delete_photo_files

# The fields of a talk and of a speaker that a speaker's page edits.
TALK_FIELDS = ("title", "abstract")
SPEAKER_FIELDS = ("bio", "affiliation", "photo")
# Those written as text, which an organiser may change while the speaker's page is open.
TEXT_FIELDS = ("title", "abstract", "bio", "affiliation")


@dataclasses.dataclass
class InviteResult:
    invited: list[Invitation]
    without_address: list[Speaker]
    already_invited: list[Speaker]


def queue_invitation_mail(invitation: Invitation, kind: str, now: datetime.datetime) -> int:
    """Queue the mail `kind` of `invitation` to its speaker, once ever; return 1 if queued."""
    return queue_deliveries(
        [
            Delivery(
                invitation=invitation,
                talk_id=invitation.talk_speaker.talk_id,
                kind=kind,
                key=f"{kind}:{invitation.pk}",
                not_before=now,
            )
        ]
    )


@transaction.atomic
def invite_speakers(talk: Talk, user, now: datetime.datetime | None = None) -> InviteResult:
    """Invite each speaker of `talk` who has an address and no working link yet, queueing
    the invitation mail; say who was left out and why."""
    now = now or timezone.now()
    result = InviteResult([], [], [])
    if talk.end <= now:
        return result
    links = talk.talk_speakers.select_related("speaker").order_by("order", "pk")
    live = set(
        Invitation.objects.filter(talk_speaker__talk=talk, revoked_at=None).values_list(
            "talk_speaker", flat=True
        )
    )
    for link in links:
        if not link.speaker.email:
            result.without_address.append(link.speaker)
        elif link.pk in live:
            result.already_invited.append(link.speaker)
        else:
            invitation = Invitation.objects.create(
                talk_speaker=link, invited_at=now, invited_by=user
            )
            queue_invitation_mail(invitation, Delivery.Kind.INVITE, now)
            result.invited.append(invitation)
    return result


def revoke_invitation(invitation: Invitation, now: datetime.datetime | None = None) -> None:
    """Make the invitation's link stop working at once (the answers given stay)."""
    if invitation.revoked_at is None:
        invitation.revoked_at = now or timezone.now()
        invitation.save(update_fields=["revoked_at", "updated"])


@transaction.atomic
def answer_invitation(
    invitation: Invitation, confirmed: bool, now: datetime.datetime | None = None
) -> None:
    """Record the speaker's answer; a decline is mailed to the series' organisers at once."""
    now = now or timezone.now()
    invitation.status = Invitation.Status.CONFIRMED if confirmed else Invitation.Status.DECLINED
    invitation.responded_at = now
    invitation.save(update_fields=["status", "responded_at", "updated"])
    if not confirmed:
        notify_organisers_of_decline(invitation, now)


def notify_organisers_of_decline(invitation: Invitation, now: datetime.datetime) -> int:
    """Queue the notice of a decline to each organiser of the series with an address (and
    the organiser who invited), once each."""
    talk = invitation.talk_speaker.talk
    organisers = talk.series.organisers.filter(is_active=True).exclude(email="")
    users = {user.pk: user for user in organisers}
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active and inviter.email:
        users.setdefault(inviter.pk, inviter)
    return queue_deliveries(
        Delivery(
            invitation=invitation,
            organiser=user,
            talk=talk,
            kind=Delivery.Kind.DECLINED,
            key=f"declined:{invitation.pk}:{user.pk}",
            not_before=now,
        )
        for user in users.values()
    )


def resolve_affiliation(name: str) -> Affiliation | None:
    """Return the affiliation called `name` (or so abbreviated), made if there is none."""
    name = " ".join(name.split())
    if not name:
        return None
    found = Affiliation.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name)).first()
    return found or Affiliation.objects.create(name=name)


@dataclasses.dataclass(frozen=True)
class SpeakerEdit:
    """What the speaker's page submitted: blank or None leaves a field as it is."""

    title: str
    abstract: str
    bio: str
    affiliation: str
    photo: UploadedFile | None
    consent_photo: bool
    consent_recording: bool
    consent_publish_recording: bool
    note: str
    # The fingerprints of the text fields as the page showed them (fingerprints()); None
    # when unknown, and then every field that differs from the stored one counts as changed.
    based_on: dict[str, str] | None = None


def unix_line_breaks(value: str) -> str:
    """Return `value` with its line breaks as LF: browsers send a textarea's as CRLF, and the
    admin stores them so."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def normalised(name: str, value: str) -> str:
    """Return a text field's value as the speaker's form saves it, so that an untouched
    abstract never reads as changed."""
    if name == "affiliation":
        return " ".join(value.split())
    return unix_line_breaks(value).strip()


def fingerprints(values: dict[str, str]) -> dict[str, str]:
    """Return a short digest of each text field's value, to tell later whether it changed."""
    return {
        name: hashlib.blake2b(normalised(name, values[name]).encode(), digest_size=8).hexdigest()
        for name in TEXT_FIELDS
    }


def edited_since_shown(link: TalkSpeaker, edit: SpeakerEdit) -> tuple[list[str], list[str]]:
    """Return the text fields the speaker changed on the page, and those of them that someone
    else changed too, differently, since the page was shown (conflicts)."""
    if edit.based_on is None:
        return list(TEXT_FIELDS), []
    current = fingerprints(current_values(link))
    submitted = fingerprints({name: getattr(edit, name) for name in TEXT_FIELDS})
    shown = edit.based_on
    changed = [name for name in TEXT_FIELDS if submitted[name] != shown.get(name)]
    conflicts = [
        name
        for name in changed
        if current[name] != shown.get(name) and current[name] != submitted[name]
    ]
    return changed, conflicts


def current_values(link: TalkSpeaker) -> dict[str, str]:
    affiliation = link.affiliation or link.speaker.affiliation
    return {
        "title": link.talk.title,
        "abstract": link.talk.abstract,
        "bio": link.speaker.bio,
        "affiliation": affiliation.name if affiliation else "",
        "photo": link.speaker.photo.name or "",
    }


def changes_of(link: TalkSpeaker, edit: SpeakerEdit) -> dict[str, object]:
    """Return the fields `edit` changes (name -> new value): those the speaker changed on the
    page, so that a field they left alone keeps what an organiser wrote in the meantime."""
    current = current_values(link)
    edited, _ = edited_since_shown(link, edit)
    changes = {
        name: getattr(edit, name)
        for name in edited
        if getattr(edit, name) != normalised(name, current[name])
    }
    if not changes.get("title", True):
        del changes["title"]  # a talk keeps a title
    if edit.photo is not None:
        changes["photo"] = edit.photo
    return changes


@transaction.atomic
def save_speaker_edit(
    invitation: Invitation, edit: SpeakerEdit, now: datetime.datetime | None = None
) -> tuple[str, list[str]]:
    """Save what the speaker submitted. Consent and the note apply at once; the talk's and
    speaker's details apply at once to a draft and become a Proposal for a published
    talk. Return "applied", "proposed" or "unchanged" (for the details), and the names of
    the details changed; or "conflict" and the fields that the speaker and someone else both
    changed since the page was shown, and then only consent and the note are saved (no one
    else writes them); or "gone" when the link was revoked meanwhile, and nothing is saved."""
    # Locked, so that no revocation or organiser's save lands between the checks and ours.
    if not Invitation.objects.select_for_update().filter(pk=invitation.pk, revoked_at=None):
        return "gone", []
    link = (
        TalkSpeaker.objects.select_related("talk", "speaker", "affiliation", "speaker__affiliation")
        .select_for_update(of=("self", "talk", "speaker"))
        .filter(pk=invitation.talk_speaker_id)
        .first()
    )
    if link is None:
        return "gone", []
    invitation.talk_speaker = link
    invitation.consent_recording = edit.consent_recording
    invitation.consent_publish_recording = edit.consent_publish_recording
    invitation.note = edit.note
    invitation.save(
        update_fields=["consent_recording", "consent_publish_recording", "note", "updated"]
    )
    speaker = link.speaker
    if speaker.photo_consent is not edit.consent_photo:
        speaker.photo_consent = edit.consent_photo
        speaker._change_reason = "Photo consent given on the speaker's page"[:100]
        speaker.save()
    _, conflicts = edited_since_shown(link, edit)
    if conflicts:
        return "conflict", conflicts
    changes = changes_of(link, edit)
    if not changes:
        return "unchanged", []
    if link.talk.is_draft:
        apply_changes(link, changes, user=None, reason=f"Edited by {speaker} (invitation link)")
        return "applied", list(changes)
    original = current_values(link)
    Proposal.objects.create(
        invitation=invitation,
        talk=link.talk,
        original={name: original[name] for name in changes},
        **changes,
    )
    return "proposed", list(changes)


def apply_changes(link: TalkSpeaker, changes: dict, user, reason: str) -> None:
    """Save `changes` to the talk, the speaker and the speaker's place on the talk through
    their normal saves (history with `user` and `reason`, content version, SEQUENCE)."""
    talk, speaker = link.talk, link.speaker
    talk_changes = {name: changes[name] for name in TALK_FIELDS if name in changes}
    if talk_changes:
        for name, value in talk_changes.items():
            setattr(talk, name, value)
        if user is not None:
            talk._history_user = user
        talk._change_reason = reason[:100]
        talk.save()
    if "affiliation" in changes:
        link.affiliation = resolve_affiliation(changes["affiliation"])
        link.save(update_fields=["affiliation"])
    if "bio" in changes or "photo" in changes:
        previous_files = speaker.photo_files()
        if "bio" in changes:
            speaker.bio = changes["bio"]
        if "photo" in changes:
            photo = changes["photo"]
            speaker.photo.save("photo.jpg", photo, save=False)
        if user is not None:
            speaker._history_user = user
        speaker._change_reason = reason[:100]
        speaker.save()
        delete_photo_files(previous_files - speaker.photo_files())


@transaction.atomic
def accept_proposal(proposal: Proposal, user, now: datetime.datetime | None = None) -> None:
    """Apply `proposal` as `user` (the history names them) and mark it accepted."""
    link = proposal.invitation.talk_speaker
    changes = {name: getattr(proposal, name) for name in proposal.original if name != "photo"}
    with contextlib.ExitStack() as stack:
        if "photo" in proposal.original and proposal.photo:
            changes["photo"] = stack.enter_context(proposal.photo.open("rb"))
        apply_changes(link, changes, user=user, reason=f"Accepted proposal #{proposal.pk}")
    decide(proposal, Proposal.Status.ACCEPTED, user, now)


def reject_proposal(proposal: Proposal, user, now: datetime.datetime | None = None) -> None:
    decide(proposal, Proposal.Status.REJECTED, user, now)


def decide(proposal: Proposal, status: str, user, now: datetime.datetime | None) -> None:
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = now or timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    if proposal.photo:
        names = {proposal.photo.name}
        proposal.photo = ""
        proposal.save(update_fields=["photo"])
        transaction.on_commit(lambda: proposal.photo.storage.delete(next(iter(names))))


def recording_withheld(talk: Talk) -> list[Speaker]:
    """Return the invited speakers of `talk` who have not consented to publishing the
    recording (asked and said no, or not answered yet)."""
    return [
        invitation.talk_speaker.speaker
        for invitation in Invitation.objects.filter(talk_speaker__talk=talk, revoked_at=None)
        .exclude(consent_publish_recording=True)
        .select_related("talk_speaker__speaker")
    ]
