"""Announcements mailed to a series' list address, each recorded (claimed) before it is sent."""

import datetime

from django.db import models
from django.db.models import Q

from seminars.formatting import day_label
from seminars.models.talks import AnnouncementKind, Series, Talk


class AnnouncementQuerySet(models.QuerySet):
    def editable_by(self, user) -> "AnnouncementQuerySet":
        """Return the announcements of the series `user` may edit."""
        return self.filter(series__in=Series.objects.editable_by(user))

    def stuck(self, now: datetime.datetime, after: datetime.timedelta) -> "AnnouncementQuerySet":
        """Return the announcements claimed more than `after` ago and still not sent or failed:
        the mail worker is not running, or stopped (killed) while sending one."""
        return self.filter(status=Announcement.Status.SENDING, claimed_at__lt=now - after)


class Announcement(models.Model):
    """An announcement mailed to a series' list address, recorded before it is sent.

    The row is the claim: its unique constraints let only one of two overlapping runs create
    it, and only the run that created it (or took it over after a failed send) mails it.
    """

    Kind = AnnouncementKind

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (the next run tries again)"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(max_length=4, choices=Kind)
    talk = models.ForeignKey(
        Talk, on_delete=models.CASCADE, null=True, blank=True, related_name="announcements"
    )
    week_start = models.DateField(
        null=True, blank=True, help_text="The Monday of the week, in the series' timezone."
    )
    recipient = models.EmailField()
    status = models.CharField(max_length=7, choices=Status, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "kind", "talk"],
                condition=Q(kind=AnnouncementKind.TALK),
                name="announcement_talk_once",
            ),
            models.UniqueConstraint(
                fields=["series", "kind", "week_start"],
                condition=Q(kind=AnnouncementKind.WEEK),
                name="announcement_week_once",
            ),
            models.CheckConstraint(
                condition=Q(kind=AnnouncementKind.TALK, talk__isnull=False, week_start=None)
                | Q(kind=AnnouncementKind.WEEK, talk=None, week_start__isnull=False),
                name="announcement_of_a_talk_or_a_week",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.WEEK:
            return f"{self.series}: the week of {day_label(self.week_start)}"
        return f"{self.series}: {self.talk}"
