import datetime
import uuid
import zoneinfo
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import (
    ExpressionWrapper,
    F,
    Prefetch,
    ProtectedError,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from speakers.fields import HttpsURLField
from speakers.slugs import SluggedModel


def validate_timezone(name: str) -> None:
    """Accept only IANA timezone names that zoneinfo knows ("Europe/Zurich")."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "“%(name)s” is not a known timezone; use an IANA name such as America/New_York.",
            params={"name": name},
            code="unknown_timezone",
        ) from error


def default_timezone() -> str:
    return settings.TIME_ZONE


class Series(SluggedModel):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    timezone = models.CharField(
        max_length=64,
        default=default_timezone,
        validators=[validate_timezone],
        help_text="IANA timezone of the series, e.g. America/New_York. "
        "Talk times are entered and shown in it.",
    )
    default_location = models.CharField(max_length=200, blank=True)
    default_start_time = models.TimeField(default=datetime.time(12, 0))
    default_duration = models.DurationField(
        default=datetime.timedelta(hours=1), help_text="hh:mm:ss"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_duration__gt=datetime.timedelta(0)),
                name="series_default_duration_positive",
                violation_error_message="The default duration must be longer than zero.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("seminars:series-detail", kwargs={"slug": self.slug})

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def next_free_start(self, today: datetime.date | None = None) -> datetime.datetime:
        """Return the default start of the first free week after `today` (series time).

        The weekday is that of the series' latest talk (or tomorrow's for a new series);
        a date on which the series already has a talk is skipped.
        """
        zone = self.zoneinfo
        today = today or timezone.localdate(timezone=zone)
        latest = self.talks.order_by("-start").values_list("start", flat=True).first()
        candidate = today + datetime.timedelta(days=1)
        if latest is not None:
            weekday = latest.astimezone(zone).weekday()
            candidate += datetime.timedelta(days=(weekday - candidate.weekday()) % 7)
        taken = {
            start.astimezone(zone).date()
            for start in self.talks.filter(
                start__gte=datetime.datetime.combine(candidate, datetime.time.min, zone)
            ).values_list("start", flat=True)
        }
        while candidate in taken:
            candidate += datetime.timedelta(weeks=1)
        return datetime.datetime.combine(candidate, self.default_start_time, zone)


class EventType(SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1f6feb.")],
        help_text="Optional badge colour, e.g. #1f6feb.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        # The many-to-many link would silently untag the talks; refuse like PROTECT does.
        if self.talks.exists():
            raise ProtectedError(
                f"The event type “{self}” is used by talks; remove it from them first.",
                set(self.talks.all()),
            )
        return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("seminars:tag-detail", kwargs={"slug": self.slug})


SPEAKERS_IN_ORDER = "talk_speakers"


class TalkQuerySet(models.QuerySet):
    def public(self) -> "TalkQuerySet":
        """Return the talks the public may see: published and cancelled ones."""
        return self.filter(status__in=Talk.PUBLIC_STATUSES)

    def scheduled(self) -> "TalkQuerySet":
        """Return the talks that are published and not cancelled."""
        return self.filter(status=Talk.Status.PUBLISHED)

    def upcoming(self, now: datetime.datetime | None = None) -> "TalkQuerySet":
        """Return the talks that have not ended (a talk in progress is upcoming), soonest first."""
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now: datetime.datetime | None = None) -> "TalkQuerySet":
        """Return the talks that have ended, most recent first."""
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")

    def with_speakers(self) -> "TalkQuerySet":
        """Fetch series, event types and speakers (in order, with their affiliation then)."""
        speakers = TalkSpeaker.objects.select_related(
            "speaker", "speaker__affiliation", "affiliation"
        ).order_by("order", "pk")
        return self.select_related("series").prefetch_related(
            Prefetch(SPEAKERS_IN_ORDER, queryset=speakers),
            Prefetch("event_types", queryset=EventType.objects.order_by("name")),
        )

    def next_talk(self, now: datetime.datetime | None = None) -> "Talk | None":
        """Return the earliest scheduled talk that has not ended."""
        return self.scheduled().upcoming(now).first()

    def moments_around(
        self, now: datetime.datetime
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """Return the last start or end at or before `now` and the first one after it: what
        is upcoming, past or happening stays the same between the two."""

        def first(field: str, **lookup: datetime.datetime) -> Subquery:
            # One row found through the index on the field, not an aggregate over every talk.
            return Subquery(self.filter(**lookup).order_by(field).values(field.lstrip("-"))[:1])

        row = (
            self.order_by()
            .annotate(
                last_start=first("-start", start__lte=now),
                last_end=first("-end", end__lte=now),
                next_start=first("start", start__gt=now),
                next_end=first("end", end__gt=now),
            )
            .values_list("last_start", "last_end", "next_start", "next_end")
            .first()
        ) or (None, None, None, None)
        last_start, last_end, next_start, next_end = row
        return (
            max((moment for moment in (last_start, last_end) if moment), default=None),
            min((moment for moment in (next_start, next_end) if moment), default=None),
        )

    def since(self, moment: datetime.datetime) -> "TalkQuerySet":
        """Return the talks that had not ended by `moment`: recent and upcoming ones."""
        return self.filter(end__gt=moment)

    def matching(
        self,
        series: Collection[Series] = (),
        event_types: Collection[EventType] = (),
        speakers: Collection[models.Model] = (),
    ) -> "TalkQuerySet":
        """Return the talks in any of `series`, of any of `event_types` and by any of
        `speakers`; an empty argument does not filter."""
        talks = self
        if series:
            talks = talks.filter(series__in=series)
        if event_types:
            tagged = Talk.objects.filter(event_types__in=event_types)
            talks = talks.filter(pk__in=tagged.values("pk"))
        if speakers:
            spoken = TalkSpeaker.objects.filter(speaker__in=speakers)
            talks = talks.filter(pk__in=spoken.values("talk"))
        return talks


class Talk(SluggedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    # A change to any of these is a change subscribers' calendars must pick up (RFC 5545
    # §3.8.7.4: SEQUENCE goes up when DTSTART, DTEND, LOCATION, SUMMARY or STATUS change).
    SEQUENCE_FIELDS = ("start", "end", "location", "title", "status")

    title = models.CharField(max_length=300)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="talks")
    event_types = models.ManyToManyField(EventType, blank=True, related_name="talks")
    speakers = models.ManyToManyField(
        "speakers.Speaker", through="TalkSpeaker", related_name="talks", blank=True
    )
    start = models.DateTimeField(help_text="In the series' timezone.")
    end = models.DateTimeField(
        blank=True, help_text="In the series' timezone. Leave blank for the series' default length."
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="Leave blank for the series' default room."
    )
    online_url = HttpsURLField("online link", blank=True)
    abstract = models.TextField(blank=True, help_text="Markdown.")
    host = models.CharField(max_length=200, blank=True)
    slides_url = HttpsURLField("slides link", blank=True)
    recording_url = HttpsURLField("recording link", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()

    slug_source = "title"

    class Meta:
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="talk_end_after_start",
                violation_error_message="The end must be after the start.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start"], name="talk_status_start"),
            models.Index(fields=["series", "start"], name="talk_series_start"),
            # Newest first (archive, admin) without sorting every talk; what is upcoming.
            models.Index(fields=["start", "id"], name="talk_start"),
            models.Index(fields=["end"], name="talk_end"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.apply_series_defaults()
        if self.pk is not None and self._sequence_fields_changed():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence", "updated"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("seminars:talk-detail", kwargs={"slug": self.slug})

    def clean(self):
        self.apply_series_defaults()
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})

    def apply_series_defaults(self) -> None:
        """Fill a blank end (start + default duration) and location from the series."""
        if self.series_id is None:
            return
        if self.end is None and self.start is not None:
            self.end = self.start + self.series.default_duration
        if not self.location:
            self.location = self.series.default_location

    def _sequence_fields_changed(self) -> bool:
        stored = Talk.objects.filter(pk=self.pk).values(*self.SEQUENCE_FIELDS).first()
        return stored is not None and any(
            stored[name] != getattr(self, name) for name in self.SEQUENCE_FIELDS
        )

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == Talk.Status.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == Talk.Status.DRAFT

    @property
    def local_start(self) -> datetime.datetime:
        """Return the start in the series' timezone."""
        return self.start.astimezone(self.series.zoneinfo)

    @property
    def local_end(self) -> datetime.datetime:
        """Return the end in the series' timezone."""
        return self.end.astimezone(self.series.zoneinfo)

    def is_happening(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.start <= now < self.end

    def speaker_links(self) -> list["TalkSpeaker"]:
        """Return the talk's speakers in order (uses the with_speakers() prefetch)."""
        return list(getattr(self, SPEAKERS_IN_ORDER).all())


class TalkSpeaker(models.Model):
    """A speaker of a talk, in order, with the affiliation they had at the time of the talk."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="talk_speakers")
    speaker = models.ForeignKey(
        "speakers.Speaker", on_delete=models.PROTECT, related_name="talk_speakers"
    )
    affiliation = models.ForeignKey(
        "speakers.Affiliation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talk_speakers",
        help_text="At the time of the talk. Left blank, it is the speaker's current one.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "speaker of a talk"
        verbose_name_plural = "speakers of the talk"
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talk_speaker_once"),
        ]

    def __str__(self):
        return f"{self.speaker} at “{self.talk}”"

    def save(self, *args, **kwargs):
        # The affiliation is fixed when the speaker is added, so a later move of the speaker
        # does not rewrite the history of past talks.
        if self.pk is None and self.affiliation_id is None:
            self.affiliation_id = self.speaker.affiliation_id
        super().save(*args, **kwargs)


CONTENT_VERSION_PK = 1


class ContentVersionQuerySet(models.QuerySet):
    def current(self) -> "ContentVersion":
        """Return the site's content version (the row is made if it is missing)."""
        # Every request reads it: plain SQL skips the ORM's query building, which costs
        # more than running the query (a large share of a page served from the cache).
        # The id is a constant, written into the SQL: a parameter would be adapted on every
        # execution, which costs as much again as the query.
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT counter, changed_at FROM {table} WHERE id = {CONTENT_VERSION_PK:d}"  # noqa: S608
            )
            row = cursor.fetchone()
        if row is not None:
            counter, changed_at = row
            if timezone.is_naive(changed_at):  # SQLite stores UTC without an offset
                changed_at = timezone.make_aware(changed_at, datetime.UTC)
            return self.model(pk=CONTENT_VERSION_PK, counter=counter, changed_at=changed_at)
        version, _ = self.get_or_create(
            pk=CONTENT_VERSION_PK,
            defaults={"changed_at": timezone.now().replace(microsecond=0)},
        )
        return version

    def bump(self) -> None:
        """Record that public content changed: count up and move changed_at forward.

        changed_at moves at least one whole second each time, because HTTP dates have
        one-second resolution: two changes within a second must still give two different
        Last-Modified values, and it never moves back, even if the clock does.
        """
        now = timezone.now().replace(microsecond=0)
        bumped = self.filter(pk=CONTENT_VERSION_PK).update(
            counter=F("counter") + 1,
            changed_at=Greatest(
                Value(now, output_field=models.DateTimeField()),
                ExpressionWrapper(
                    F("changed_at") + datetime.timedelta(seconds=1),
                    output_field=models.DateTimeField(),
                ),
            ),
        )
        if not bumped:
            self.current()


class ContentVersion(models.Model):
    """The version of everything the public sees, one row for the whole site.

    Every change to talks, speakers, series and the rest bumps it (seminars/signals.py), so
    the page cache and the calendar feeds can key their caches and HTTP validators on it with
    a single query.
    """

    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=CONTENT_VERSION_PK), name="content_version_single_row"
            )
        ]

    def __str__(self):
        return f"Content version {self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
