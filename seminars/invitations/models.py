"""Speaker invitations: a personal link per speaker of a talk, their answer and consent, and
the edits they propose to a published talk.

Imported by seminars/models/__init__.py, so that Django registers them with the `seminars`
app; they are kept here, beside the code that uses them.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from seminars.models.talks import Series, Talk, TalkSpeaker
from speakers.fields import OneLineCharField, PhotoField

# What a speaker may write: an abstract or bio longer than this is refused with a message.
ABSTRACT_MAX_LENGTH = 5000
BIO_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 2000


def new_invitation_token() -> str:
    """Return an unguessable token (256 bits) for a speaker's link."""
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def live(self, now: datetime.datetime) -> "InvitationQuerySet":
        """Return the invitations whose link works at `now`: not revoked, talk not ended."""
        return self.filter(revoked_at=None, talk_speaker__talk__end__gt=now)

    def editable_by(self, user) -> "InvitationQuerySet":
        """Return the invitations to talks of the series `user` may edit."""
        return self.filter(talk_speaker__talk__series__in=Series.objects.editable_by(user))

    def for_token(self, token: str, now: datetime.datetime) -> "Invitation | None":
        """Return the live invitation of `token` (None for an unknown, revoked or expired
        one), with its talk, series and speaker."""
        if not token or len(token) > 100:
            return None
        return (
            self.live(now)
            .select_related(
                "talk_speaker__talk__series",
                "talk_speaker__talk__venue",
                "talk_speaker__speaker__affiliation",
                "talk_speaker__affiliation",
            )
            .filter(token=token)
            .first()
        )

    def unconfirmed(self) -> "InvitationQuerySet":
        return self.filter(revoked_at=None, status=Invitation.Status.INVITED)


class Invitation(models.Model):
    """One speaker of one talk invited to confirm and give their details through a
    personal link, /speak/<token>/. Revoking keeps the row (what was said) and kills the link;
    inviting again makes a new row with a new token."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    talk_speaker = models.ForeignKey(
        TalkSpeaker, on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    status = models.CharField(max_length=9, choices=Status, default=Status.INVITED)
    invited_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    consent_recording = models.BooleanField("may be recorded", null=True)
    consent_publish_recording = models.BooleanField("recording may be published", null=True)
    note = models.TextField("note to the organisers", blank=True, max_length=NOTE_MAX_LENGTH)
    updated = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["talk_speaker"],
                condition=Q(revoked_at=None),
                name="invitation_one_live_per_speaker",
            ),
        ]

    def __str__(self):
        # Never the address: this string shows in admin messages and logs.
        return f"Invitation of {self.talk_speaker.speaker} to “{self.talk_speaker.talk}”"

    # Not get_absolute_url: the admin would offer the speaker's private link as "View on site"
    # to every organiser, and the link is the speaker's alone.
    def private_link_path(self) -> str:
        return reverse("seminars:speak", kwargs={"token": self.token})

    @property
    def talk(self) -> Talk:
        return self.talk_speaker.talk

    @property
    def speaker(self):
        return self.talk_speaker.speaker

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ProposalQuerySet(models.QuerySet):
    def pending(self) -> "ProposalQuerySet":
        return self.filter(status=Proposal.Status.PENDING)

    def editable_by(self, user) -> "ProposalQuerySet":
        return self.filter(talk__series__in=Series.objects.editable_by(user))


class Proposal(models.Model):
    """A speaker's edit of a published talk, held until an organiser accepts or rejects it.

    Blank new values leave the field as it is; `original` keeps what the fields held when
    the speaker proposed, for the admin's old → new view."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an organiser"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="proposals")
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="proposals")
    title = OneLineCharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True, max_length=ABSTRACT_MAX_LENGTH)
    bio = models.TextField(blank=True, max_length=BIO_MAX_LENGTH)
    affiliation = OneLineCharField("affiliation at the talk", max_length=200, blank=True)
    photo = PhotoField(upload_to="speakers/proposed/", blank=True)
    original = models.JSONField(default=dict, editable=False)
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "speaker's proposal"
        verbose_name_plural = "speakers' proposals"

    def __str__(self):
        return f"Proposal #{self.pk} for “{self.talk}”"

    def get_absolute_url(self):
        return reverse("admin:seminars_proposal_change", args=[self.pk])
