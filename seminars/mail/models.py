"""The audience's email subscriptions and the outgoing mail to them, one row per message.

Imported by seminars/models/__init__.py, so that Django registers them with the `seminars`
app; they are kept here, beside the code that sends them.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from seminars.models.talks import EventType, Series, Talk, TalkQuerySet


def new_subscriber_key() -> str:
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriberQuerySet":
        """Return the subscribers who confirmed their address: the only ones ever mailed
        anything but the confirmation."""
        return self.filter(confirmed_at__isnull=False)

    def following(self, talks: TalkQuerySet) -> "SubscriberQuerySet":
        """Return the subscribers who follow any of `talks`: everything, its series or one
        of its event types."""
        return self.filter(
            Q(everything=True)
            | Q(series__in=talks.values("series"))
            | Q(event_types__in=talks.values("event_types"))
        ).distinct()

    def of_series(self, series: Series) -> "SubscriberQuerySet":
        """Return the subscribers who follow `series` by name or follow everything."""
        return self.filter(Q(everything=True) | Q(series=series)).distinct()


class Subscriber(models.Model):
    """An address that asked for the talks by email; deleted, with its mail, on unsubscribe."""

    class Frequency(models.TextChoices):
        TALK = "talk", "Each talk, a few days before"
        WEEK = "week", "A weekly digest of the coming week"

    email = models.EmailField(unique=True)
    everything = models.BooleanField(
        "every talk", default=False, help_text="Every series and event type, now and later."
    )
    series = models.ManyToManyField(Series, blank=True, related_name="email_subscribers")
    event_types = models.ManyToManyField(EventType, blank=True, related_name="email_subscribers")
    frequency = models.CharField(max_length=4, choices=Frequency, default=Frequency.TALK)
    # The secret that every signed link of this subscriber carries: deleting the row (or
    # rotating it) makes every link in old mail useless.
    key = models.CharField(max_length=64, unique=True, default=new_subscriber_key, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="subscriber_email_lowercase",
            ),
        ]

    def __str__(self):
        # Never the address: this string shows in logs, admin messages and error reports.
        return f"Subscriber #{self.pk}"

    def get_absolute_url(self):
        # The public way in is the signed manage link; the admin page is the only other view.
        return reverse("admin:seminars_subscriber_change", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SeriesAudience(Series):
    """A series seen by its email audience: the count of subscribers, never their addresses."""

    class Meta:
        proxy = True
        verbose_name = "email audience"
        verbose_name_plural = "email audiences"


class DeliveryQuerySet(models.QuerySet):
    def ready(self, now: datetime.datetime) -> "DeliveryQuerySet":
        """Return the queued messages whose time has come."""
        return self.filter(status=Delivery.Status.QUEUED, not_before__lte=now)

    def editable_by(self, user) -> "DeliveryQuerySet":
        """Return the messages about the series `user` may edit (every one for a superuser)."""
        if user.is_active and user.is_superuser:
            return self
        series = Series.objects.editable_by(user)
        return self.filter(Q(series__in=series) | Q(talk__series__in=series))


class Delivery(models.Model):
    """One message to one subscriber, recorded before it is sent.

    The row is the per-recipient claim: `key` names what the message is of (the talk, the
    week, the change) and is unique per subscriber, so it is queued once; a sender mails it
    only after turning it from queued to sending in one conditional UPDATE, which only one of
    two overlapping senders can do.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirmation of a sign-up"
        MANAGE = "manage", "Link to manage a subscription"
        TALK = "talk", "Announcement of a talk"
        WEEK = "week", "Digest of a week"
        CHANGE = "change", "Change notice"
        INVITE = "invite", "Invitation to a speaker"
        REMIND_CONFIRM = "remind_c", "Reminder to confirm, to a speaker"
        REMIND_ABSTRACT = "remind_a", "Reminder of the abstract, to a speaker"
        DECLINED = "declined", "A speaker declined, to an organiser"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (retry from the admin)"
        SKIPPED = "skipped", "Not sent (out of date)"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # The mail of a speaker's invitation: to the speaker, or (a decline) to an organiser.
    invitation = models.ForeignKey(
        "seminars.Invitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=8, choices=Kind)
    key = models.CharField(max_length=100)
    talk = models.ForeignKey(
        Talk, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    week_start = models.DateField(null=True, blank=True)
    # For a change notice: the state of the talk the subscriber was told before (see
    # seminars.mail.changes.talk_state), which the notice compares with.
    previous_state = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=7, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(help_text="Not sent before this time (retries wait).")
    created = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "key"], name="delivery_once"),
            models.UniqueConstraint(
                fields=["invitation", "key"],
                condition=Q(subscriber=None),
                name="delivery_once_per_invitation",
            ),
            models.CheckConstraint(
                condition=Q(subscriber__isnull=False, invitation=None)
                | Q(subscriber=None, invitation__isnull=False),
                name="delivery_to_a_subscriber_or_of_an_invitation",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"], name="delivery_ready"),
            models.Index(fields=["claimed_by"], name="delivery_claimed_by"),
            models.Index(fields=["key"], name="delivery_key"),
        ]

    def __str__(self):
        if self.subscriber_id is None:
            return f"{self.get_kind_display()} (invitation #{self.invitation_id})"
        return f"{self.get_kind_display()} to subscriber #{self.subscriber_id}"

    def get_absolute_url(self):
        return reverse("admin:seminars_delivery_change", args=[self.pk])

    @property
    def address(self) -> str:
        """Return the recipient's address (for sending only: never shown or logged)."""
        if self.subscriber_id is not None:
            return self.subscriber.email
        if self.organiser_id is not None:
            return self.organiser.email
        return self.invitation.talk_speaker.speaker.email


class ToldState(models.Model):
    """What a subscriber was last told of a talk (its time, place and status), so that a
    change is noticed once, against what they know."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="told")
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="told")
    state = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "talk"], name="told_state_once"),
        ]

    def __str__(self):
        return f"Subscriber #{self.subscriber_id} on talk #{self.talk_id}"
