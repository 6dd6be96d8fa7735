import contextlib
import datetime
import uuid
import zoneinfo
from collections.abc import Collection, Sequence
from urllib.parse import urlencode

import simple_history
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    ProtectedError,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone

from seminars import formatting
from seminars.site_url import absolute_url
from speakers.fields import HttpsURLField, OneLineCharField
from speakers.history import TrackedHistory
from speakers.markdown import markdown_to_text
from speakers.models import Affiliation, Speaker, SpeakerQuerySet
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


# Talk dates lie in these years: the model, the admin form and the CSV import refuse others
# with this message. A stored date outside them (saved before the rule, or written around it)
# is kept from the public (TalkQuerySet.public()): year 1 has no local time west of UTC and
# year 9999 no following year for a calendar's timezone rules.
TALK_YEARS = range(1900, 2201)
EARLIEST_TALK_MOMENT = datetime.datetime(TALK_YEARS.start, 1, 1, tzinfo=datetime.UTC)
LATEST_TALK_MOMENT = datetime.datetime(TALK_YEARS.stop, 1, 1, tzinfo=datetime.UTC)
TALK_YEARS_MESSAGE = (
    f"Talk dates lie between the years {TALK_YEARS.start} and {TALK_YEARS.stop - 1}; "
    "check the year you typed."
)


def validate_talk_moment(moment: datetime.datetime) -> None:
    """Refuse a talk's start or end outside TALK_YEARS (in UTC)."""
    try:
        within = EARLIEST_TALK_MOMENT <= moment < LATEST_TALK_MOMENT
    except OverflowError:  # year 1 or 9999 with a UTC offset that leaves the calendar
        within = False
    if not within:
        raise ValidationError(TALK_YEARS_MESSAGE, code="implausible_year")


def in_zone(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Return `moment` in `zone`, or as it is when `zone` has no such time (year 1 west of
    UTC, year 9999 east of it): staff must still be able to open a mistyped talk."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment


def default_timezone() -> str:
    return settings.TIME_ZONE


class AnnouncementKind(models.TextChoices):
    TALK = "talk", "Each talk"
    WEEK = "week", "The coming week's talks"


MAX_ANNOUNCE_DAYS_BEFORE = 28


def default_announce_time() -> datetime.time:
    # A callable, not a fixed time: Django's check (fields.W161) warns about a fixed time default
    # whenever it runs within seconds of that time, which failed `check --deploy` at 09:00.
    return datetime.time(9, 0)


class VenueQuerySet(models.QuerySet):
    def with_public_talks(self) -> "VenueQuerySet":
        """Return the venues of at least one talk the public may see."""
        return self.filter(pk__in=Talk.objects.public().values("venue"))


class Venue(SluggedModel):
    """A place where talks happen: a building or room with an address, or an online venue."""

    name = OneLineCharField(max_length=200, unique=True)
    address = models.TextField(blank=True, help_text="Postal address, one part per line.")
    room = OneLineCharField(
        "room details",
        max_length=200,
        blank=True,
        help_text="Room number, floor or wing, e.g. “Room 3.14, third floor”.",
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    map_url = HttpsURLField(
        "map link",
        blank=True,
        help_text="Leave blank for an OpenStreetMap link made from the coordinates or address.",
    )
    directions = models.TextField(blank=True, help_text="How to get there and find the room.")
    accessibility = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, accessible toilets, ..."
    )
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Seats.")
    is_online = models.BooleanField(
        "online only", default=False, help_text="An online-only venue has no address."
    )
    # When the row last changed: calendar events at the venue take it as their LAST-MODIFIED
    # when it is later than the talk's own (a rename changes their LOCATION).
    updated = models.DateTimeField(auto_now=True)

    objects = VenueQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                # Both null, or both given and in range: a check whose value is NULL passes.
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_both_and_on_earth",
                violation_error_message="Give both latitude (−90 to 90) and longitude "
                "(−180 to 180), or neither.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("seminars:venue-detail", kwargs={"slug": self.slug})

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_link(self) -> str:
        """Return the map link: the one given, else OpenStreetMap at the coordinates or
        searching the address ("" for an online venue or one with neither)."""
        if self.map_url or self.is_online:
            return self.map_url
        if self.has_coordinates:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=18/{self.latitude}/{self.longitude}"
            )
        if self.address.strip():
            query = urlencode({"query": ", ".join(self.address_lines)})
            return f"https://www.openstreetmap.org/search?{query}"
        return ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


class SeriesQuerySet(models.QuerySet):
    def with_public_talks(self) -> "SeriesQuerySet":
        """Return the series with at least one talk the public may see."""
        return self.filter(pk__in=Talk.objects.public().values("series"))

    def editable_by(self, user) -> "SeriesQuerySet":
        """Return the series `user` may edit: every one for an active superuser, else those
        they organise."""
        if not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(organisers=user)


class Series(SluggedModel):
    name = OneLineCharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    timezone = models.CharField(
        max_length=64,
        default=default_timezone,
        validators=[validate_timezone],
        help_text="IANA timezone of the series, e.g. America/New_York. "
        "Talk times are entered and shown in it.",
    )
    default_venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="default_of_series",
        help_text="Where the series' talks usually happen; a new talk starts with it.",
    )
    default_location = OneLineCharField(
        "default room detail",
        max_length=200,
        blank=True,
        help_text="A room within the default venue, if it needs saying.",
    )
    default_start_time = models.TimeField(default=datetime.time(12, 0))
    default_duration = models.DurationField(
        default=datetime.timedelta(hours=1), help_text="hh:mm:ss"
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_series",
        help_text="Staff who edit this series and its talks in the admin (superusers edit all). "
        "Give them staff status and the “Seminar organisers” group.",
    )
    announcement_email = models.EmailField(
        "announcement list address",
        blank=True,
        help_text="The mailing list that receives the announcements, e.g. seminar@example.org.",
    )
    announcement_kind = models.CharField(
        "announce automatically",
        max_length=4,
        choices=AnnouncementKind,
        blank=True,
        help_text="What `send_announcements --due` mails to the list address: each talk, or "
        "the talks of the coming week (Monday to Sunday). Blank: nothing is sent automatically.",
    )
    announce_days_before = models.PositiveSmallIntegerField(
        default=1,
        help_text="How many days before the talk (or before the Monday of its week) the "
        f"announcement goes out, 0 to {MAX_ANNOUNCE_DAYS_BEFORE}.",
    )
    announce_time = models.TimeField(
        default=default_announce_time,
        help_text="The time of day it goes out, in the series' timezone.",
    )
    remind_unconfirmed_after_days = models.PositiveSmallIntegerField(
        "remind a speaker to confirm after (days)",
        default=7,
        help_text="Days after the invitation; an invited speaker who has not answered by then "
        "gets one reminder. 0: no reminder.",
    )
    remind_abstract_days_before = models.PositiveSmallIntegerField(
        "remind a speaker of a missing abstract (days before the talk)",
        default=14,
        help_text="A confirmed or invited speaker whose talk still has no abstract this many "
        "days before it gets one reminder. 0: no reminder.",
    )
    # When the row last changed: calendar events that show it take it as their LAST-MODIFIED
    # when it is later than the talk's own (a rename changes their bytes).
    updated = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_duration__gt=datetime.timedelta(0)),
                name="series_default_duration_positive",
                violation_error_message="The default duration must be longer than zero.",
            ),
            models.CheckConstraint(
                condition=Q(announce_days_before__lte=MAX_ANNOUNCE_DAYS_BEFORE),
                name="series_announce_days_before_at_most_28",
                violation_error_message=(
                    f"Announcements go out at most {MAX_ANNOUNCE_DAYS_BEFORE} days before."
                ),
            ),
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


class EventTypeQuerySet(models.QuerySet):
    def with_public_talks(self) -> "EventTypeQuerySet":
        """Return the event types of at least one talk the public may see."""
        return self.filter(pk__in=Talk.objects.public().values("event_types"))

    def with_public_talk_counts(self) -> "EventTypeQuerySet":
        """Return the event types with public talks, each with `public_talk_count`."""
        return self.with_public_talks().annotate(
            public_talk_count=models.Count("talks", filter=Q(talks__in=Talk.objects.public()))
        )


class EventType(SluggedModel):
    name = OneLineCharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1f6feb.")],
        help_text="Optional badge colour, e.g. #1f6feb.",
    )
    # When the row last changed: calendar events that show it take it as their LAST-MODIFIED
    # when it is later than the talk's own (a rename changes their bytes).
    updated = models.DateTimeField(auto_now=True)

    objects = EventTypeQuerySet.as_manager()
    history = TrackedHistory()

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


def online_url_public_from(
    online_url: str, visibility: str, start: datetime.datetime
) -> datetime.datetime | None:
    """Return when a talk's online link becomes public (None: never, or no link)."""
    if not online_url or visibility == OnlineLinkVisibility.STAFF:
        return None
    if visibility == OnlineLinkVisibility.PUBLIC:
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return start - datetime.timedelta(minutes=settings.ONLINE_LINK_MINUTES_BEFORE)


def online_url_for_public(
    online_url: str, visibility: str, start: datetime.datetime, now: datetime.datetime
) -> str:
    """Return a talk's online link if the public may see it at `now`, else ""."""
    public_from = online_url_public_from(online_url, visibility, start)
    return online_url if public_from is not None and now >= public_from else ""


def room_key(location: str) -> str:
    """Return a room name as clash checks compare it: trimmed, spaces folded, case-folded."""
    return " ".join(location.split()).casefold()


def place_key(talk: "Talk") -> tuple[int | None, str] | None:
    """Return where `talk` takes place as clash checks compare it: its venue and room detail
    (room_key). None when it books no room: no venue and no room detail, or an online venue,
    where any number of talks fit."""
    if talk.venue_id is None and not room_key(talk.location):
        return None
    if talk.venue_id is not None and talk.venue.is_online:
        return None
    return (talk.venue_id, room_key(talk.location))


class Audience(models.TextChoices):
    OPEN = "open", "Open to all"
    MEMBERS = "members", "Members of the institution"
    INVITATION = "invitation", "By invitation"


class MaterialKind(models.TextChoices):
    RECORDING = "recording", "Recording"
    SLIDES = "slides", "Slides"
    PAPER = "paper", "Paper"
    CODE = "code", "Code"


# The kinds a PDF may be uploaded for; the others are links.
UPLOADABLE_KINDS = (MaterialKind.SLIDES, MaterialKind.PAPER)


class OnlineLinkVisibility(models.TextChoices):
    PUBLIC = "public", "Everyone, always"
    BEFORE_START = "before_start", "Everyone, from shortly before the start"
    STAFF = "staff", "Staff only"


class TalkQuerySet(models.QuerySet):
    def public(self) -> "TalkQuerySet":
        """Return the talks the public may see: published and cancelled ones, dated within
        TALK_YEARS (another date is a typo staff must fix first)."""
        return self.within_talk_years().filter(status__in=Talk.PUBLIC_STATUSES)

    def within_talk_years(self) -> "TalkQuerySet":
        """Return the talks dated within TALK_YEARS: only those can be shown on a page."""
        return self.filter(start__gte=EARLIEST_TALK_MOMENT, end__lt=LATEST_TALK_MOMENT)

    def scheduled(self) -> "TalkQuerySet":
        """Return the talks that are published and not cancelled."""
        return self.filter(status=Talk.Status.PUBLISHED)

    def upcoming(self, now: datetime.datetime | None = None) -> "TalkQuerySet":
        """Return the talks that have not ended (a talk in progress is upcoming), soonest first."""
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now: datetime.datetime | None = None) -> "TalkQuerySet":
        """Return the talks that have ended, most recent first."""
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")

    def speakers(self) -> SpeakerQuerySet:
        """Return the speakers who speak in at least one of these talks."""
        return Speaker.objects.filter(pk__in=self.values("talk_speakers__speaker"))

    def affiliations(self) -> models.QuerySet[Affiliation]:
        """Return the affiliations one of these talks was given under, or whose current
        members speak in one of them."""
        return Affiliation.objects.filter(
            Q(pk__in=self.values("talk_speakers__affiliation")) | Q(speakers__in=self.speakers())
        ).distinct()

    def affiliation_counts(self) -> models.QuerySet[Affiliation]:
        """Return affiliations() by name, each with `talk_count` (these talks given under it)
        and `speaker_count` (its current members who speak in one of them)."""
        return (
            Affiliation.objects.filter(pk__in=self.affiliations().values("pk"))
            .annotate(
                talk_count=models.Count(
                    "talk_speakers__talk",
                    filter=Q(talk_speakers__talk__in=self.values("pk")),
                    distinct=True,
                ),
                speaker_count=models.Count(
                    "speakers", filter=Q(speakers__in=self.speakers()), distinct=True
                ),
            )
            .order_by("name", "pk")
        )

    def with_speakers(self) -> "TalkQuerySet":
        """Fetch series, event types and speakers (in order, with their affiliation then)."""
        speakers = TalkSpeaker.objects.select_related(
            "speaker", "speaker__affiliation", "affiliation"
        ).order_by("order", "pk")
        return self.select_related("series", "venue").prefetch_related(
            Prefetch(SPEAKERS_IN_ORDER, queryset=speakers),
            Prefetch("event_types", queryset=EventType.objects.order_by("name")),
        )

    def with_materials(self) -> "TalkQuerySet":
        """Fetch the talks' materials, in order, in one more query."""
        return self.prefetch_related(
            Prefetch("materials", queryset=Material.objects.published().order_by("order", "pk"))
        )

    def with_material_markers(self) -> "TalkQuerySet":
        """Mark each talk with `has_slides` and `has_recording`, in the same query."""
        return self.annotate(
            has_slides=Exists(Material.objects.filter(talk=OuterRef("pk"), kind="slides")),
            has_recording=Exists(
                Material.objects.published().filter(talk=OuterRef("pk"), kind="recording")
            ),
        )

    def having_material(self, kinds: Collection[str]) -> "TalkQuerySet":
        """Return the talks with a material of any of `kinds` ("slides", "recording")."""
        return self.filter(
            pk__in=Material.objects.published().filter(kind__in=kinds).values("talk")
        )

    def next_talk(self, now: datetime.datetime | None = None) -> "Talk | None":
        """Return the earliest scheduled talk that has not ended."""
        return self.scheduled().upcoming(now).first()

    def with_timed_links(self) -> "TalkQuerySet":
        """Return the talks whose online link the public sees from shortly before the start."""
        return self.filter(online_link_visibility=OnlineLinkVisibility.BEFORE_START).exclude(
            online_url=""
        )

    def next_in_each_series(self, now: datetime.datetime | None = None) -> "TalkQuerySet":
        """Return each series' earliest scheduled talk that has not ended, soonest first."""
        firsts = (
            Talk.objects.scheduled()
            .upcoming(now)
            .filter(series=OuterRef("pk"), pk__in=self.values("pk"))
            .values("pk")[:1]
        )
        nexts = Series.objects.annotate(next_talk=Subquery(firsts)).values("next_talk")
        return self.filter(pk__in=nexts).order_by("start", "pk")

    def moments_around(
        self,
        now: datetime.datetime,
        fields: Sequence[str] = ("start", "end"),
        *,
        links: bool = False,
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """Return the last start or end at or before `now` and the first one after it: what
        is upcoming, past or happening stays the same between the two. With fields=("end",),
        only ends count: which talks are upcoming and which past stays the same. With
        `links`, the moments at which an online link becomes public count too.

        One query of one-row index scans, whatever the archive holds.
        """

        def first(talks: "TalkQuerySet", field: str, **lookup: datetime.datetime) -> Subquery:
            # One row found through the index on the field, not an aggregate over every talk.
            return Subquery(talks.filter(**lookup).order_by(field).values(field.lstrip("-"))[:1])

        moments = {}
        for field in fields:
            moments[f"last_{field}"] = first(self, f"-{field}", **{f"{field}__lte": now})
            moments[f"next_{field}"] = first(self, field, **{f"{field}__gt": now})
        lead = datetime.timedelta(minutes=settings.ONLINE_LINK_MINUTES_BEFORE)
        if links:
            # A link shows from `lead` before the start: its talks' starts, shifted.
            timed = self.with_timed_links()
            moments["last_link"] = first(timed, "-start", start__lte=now + lead)
            moments["next_link"] = first(timed, "start", start__gt=now + lead)
        row = self.order_by().annotate(**moments).values(*moments).first() or {}
        if row.get("last_link"):
            row["last_link"] -= lead
        if row.get("next_link"):
            row["next_link"] -= lead
        names = [*fields, "link"] if links else fields
        lasts = [row[f"last_{name}"] for name in names if row.get(f"last_{name}")]
        nexts = [row[f"next_{name}"] for name in names if row.get(f"next_{name}")]
        return max(lasts, default=None), min(nexts, default=None)

    def since(self, moment: datetime.datetime) -> "TalkQuerySet":
        """Return the talks that had not ended by `moment`: recent and upcoming ones."""
        return self.filter(end__gt=moment)

    def clashing_with(self, talk: "Talk") -> list["Talk"]:
        """Return the other talks in `talk`'s room at an overlapping time (see clash_map)."""
        place = place_key(talk)
        if place is None or talk.start is None or talk.end is None:
            return []
        overlapping = (
            self.exclude(pk=talk.pk)
            .filter(start__lt=talk.end, end__gt=talk.start, venue=talk.venue_id)
            .select_related("series", "venue")
            .order_by("start", "pk")
        )
        return [
            other
            for other in overlapping.exclude(status=Talk.Status.CANCELLED).exclude(
                is_placeholder=True
            )
            if place_key(other) == place
        ]

    def clash_map(self) -> dict[int, list["Talk"]]:
        """Return, for each talk of this queryset that clashes, the talks it clashes with.

        A clash is two talks at the same venue and room detail (compared by place_key) at
        overlapping times; a talk with neither, or at an online venue, never clashes, nor do
        cancelled talks and placeholders (a slot kept free, not a booking).
        """
        by_room: dict[tuple, list[Talk]] = {}
        booked = self.exclude(status=Talk.Status.CANCELLED).exclude(is_placeholder=True)
        for talk in booked.select_related("venue"):
            if (place := place_key(talk)) is not None:
                by_room.setdefault(place, []).append(talk)
        clashes: dict[int, list[Talk]] = {}
        for same_room in by_room.values():
            same_room.sort(key=lambda talk: talk.start)
            for index, talk in enumerate(same_room):
                for other in same_room[index + 1 :]:
                    if other.start >= talk.end:
                        break
                    clashes.setdefault(talk.pk, []).append(other)
                    clashes.setdefault(other.pk, []).append(talk)
        return clashes

    def starting_between(self, start: datetime.datetime, end: datetime.datetime) -> "TalkQuerySet":
        """Return the talks that start from `start` and before `end`, soonest first."""
        return self.filter(start__gte=start, start__lt=end).order_by("start", "pk")

    def editable_by(self, user) -> "TalkQuerySet":
        """Return the talks `user` may edit: those of the series they may edit."""
        return self.filter(series__in=Series.objects.editable_by(user))

    def visible_to(self, user) -> "TalkQuerySet":
        """Return the talks `user` may open: the public ones, and, for staff, the drafts of
        the series they may edit (the admin's preview), dated within TALK_YEARS."""
        if not user.is_staff:
            return self.public()
        return self.within_talk_years().filter(
            Q(status__in=Talk.PUBLIC_STATUSES)
            | Q(series__in=Series.objects.editable_by(user).values("pk"))
        )

    def matching(
        self,
        series: Collection[Series] = (),
        event_types: Collection[EventType] = (),
        speakers: Collection[models.Model] = (),
        venues: Collection["Venue"] = (),
        materials: Collection[str] = (),
    ) -> "TalkQuerySet":
        """Return the talks in any of `series`, of any of `event_types`, by any of
        `speakers`, at any of `venues` and with a material of any of the kinds `materials`;
        an empty argument does not filter."""
        talks = self
        if series:
            talks = talks.filter(series__in=series)
        if event_types:
            tagged = Talk.objects.filter(event_types__in=event_types)
            talks = talks.filter(pk__in=tagged.values("pk"))
        if speakers:
            spoken = TalkSpeaker.objects.filter(speaker__in=speakers)
            talks = talks.filter(pk__in=spoken.values("talk"))
        if venues:
            talks = talks.filter(venue__in=venues)
        if materials:
            talks = talks.having_material(materials)
        return talks


class Talk(SluggedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    # A change to any of these is a change subscribers' calendars must pick up (RFC 5545
    # §3.8.7.4: SEQUENCE goes up when DTSTART, DTEND, LOCATION, SUMMARY or STATUS change; a
    # placeholder's STATUS is TENTATIVE).
    SEQUENCE_FIELDS = ("start", "end", "venue_id", "location", "title", "status", "is_placeholder")

    title = OneLineCharField(max_length=300)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="talks")
    event_types = models.ManyToManyField(EventType, blank=True, related_name="talks")
    speakers = models.ManyToManyField(
        "speakers.Speaker", through="seminars.TalkSpeaker", related_name="talks", blank=True
    )
    start = models.DateTimeField(
        help_text="In the series' timezone.", validators=[validate_talk_moment]
    )
    end = models.DateTimeField(
        blank=True,
        help_text="In the series' timezone. Leave blank for the series' default length.",
        validators=[validate_talk_moment],
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talks",
        help_text="Leave blank for the series' default venue.",
    )
    location = OneLineCharField(
        "room detail",
        max_length=200,
        blank=True,
        help_text="A room within the venue, if it needs saying. Leave venue and room detail "
        "blank for the series' defaults.",
    )
    online_url = HttpsURLField("online link", blank=True)
    online_link_visibility = models.CharField(
        "who sees the online link",
        max_length=12,
        choices=OnlineLinkVisibility,
        default=OnlineLinkVisibility.BEFORE_START,
        help_text="Showing the link only shortly before the start keeps uninvited guests "
        "out of the meeting; feeds and announcements follow the same rule.",
    )
    audience = models.CharField(
        "who may come", max_length=10, choices=Audience, default=Audience.OPEN
    )
    registration_url = HttpsURLField("registration link", blank=True)
    registration_required = models.BooleanField(
        default=False, help_text="Guests must register before they come."
    )
    abstract = models.TextField(blank=True, help_text="Markdown.")
    # The abstract as plain text, made on save: calendars show it for thousands of talks at
    # once, and rendering Markdown was most of the cost of building them.
    abstract_text = models.TextField(blank=True, editable=False)
    host = OneLineCharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    is_placeholder = models.BooleanField(
        "placeholder",
        default=False,
        help_text="A booked slot whose speaker is not known yet. Published, it is listed as "
        "“Speaker to be announced” and calendars show it as tentative. Untick it when you "
        "fill the slot.",
    )
    # The start the public knew before the talk was last moved ("Rescheduled from ...").
    previous_start = models.DateTimeField(null=True, blank=True, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Goes up on every save: a form that was loaded at another version is stale (two
    # organisers editing the same talk), and the admin refuses to save it.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()
    # Talk.history (its versions) is attached below TalkSpeaker, which each version copies.

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
            # When the next online link becomes public: the talks with such links, by start.
            models.Index(
                fields=["start"],
                condition=Q(
                    status__in=("published", "cancelled"),
                    online_link_visibility="before_start",
                )
                & ~Q(online_url=""),
                name="talk_timed_link_start",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.apply_series_defaults()
        self.abstract_text = markdown_to_text(self.abstract)
        changed_fields = {"edit_version", "updated", "abstract_text"}
        stored = self._stored_values()
        # Whether the public saw the talk before this save (seminars/signals.py reads it).
        self._public_before = stored is not None and stored["status"] in self.PUBLIC_STATUSES
        if stored is not None:
            changed_fields |= self.record_edit(stored)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *changed_fields}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("seminars:talk-detail", kwargs={"slug": self.slug})

    def clean(self):
        self.apply_series_defaults()
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})

    def record_edit(self, stored: dict) -> set[str]:
        """Count an edit of this talk, whose SEQUENCE_FIELDS were `stored`: a new edit
        version, a new calendar sequence if one of them changed, and the start the public knew
        if it moved. Return the fields set besides edit_version."""
        changed = set()
        self.edit_version += 1
        if any(stored[name] != getattr(self, name) for name in self.SEQUENCE_FIELDS):
            self.sequence += 1
            changed.add("sequence")
        if stored["start"] != self.start and stored["status"] in self.PUBLIC_STATUSES:
            self.previous_start = stored["start"]
            changed.add("previous_start")
        return changed

    def apply_series_defaults(self) -> None:
        """Fill a blank end (start + default duration), and a blank venue and room detail,
        from the series."""
        if self.series_id is None:
            return
        if self.end is None and self.start is not None:
            with contextlib.suppress(OverflowError):  # validate_talk_moment refuses the start
                self.end = self.start + self.series.default_duration
        if self.venue_id is None and not self.location:
            self.venue_id = self.series.default_venue_id
            self.location = self.series.default_location

    def _stored_values(self) -> dict | None:
        if self.pk is None:
            return None
        return Talk.objects.filter(pk=self.pk).values(*self.SEQUENCE_FIELDS).first()

    def online_url_public_from(self) -> datetime.datetime | None:
        """Return when the online link becomes public (None: never, or no link)."""
        return online_url_public_from(self.online_url, self.online_link_visibility, self.start)

    def online_url_for_public(self, now: datetime.datetime | None = None) -> str:
        """Return the online link if the public may see it at `now`, else ""."""
        return online_url_for_public(
            self.online_url, self.online_link_visibility, self.start, now or timezone.now()
        )

    def rescheduled_from(self, now: datetime.datetime | None = None) -> datetime.datetime | None:
        """Return the previous start (series time) of a moved talk until it has ended."""
        if self.previous_start is None or self.end <= (now or timezone.now()):
            return None
        return self.previous_start.astimezone(self.series.zoneinfo)

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
        """Return the start in the series' timezone (see in_zone)."""
        return in_zone(self.start, self.series.zoneinfo)

    @property
    def local_end(self) -> datetime.datetime:
        """Return the end in the series' timezone (see in_zone)."""
        return in_zone(self.end, self.series.zoneinfo)

    def is_happening(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.start <= now < self.end

    @property
    def restricts_attendance(self) -> bool:
        """Whether coming takes more than turning up: not open to all, or registration."""
        return (
            self.audience != Audience.OPEN
            or self.registration_required
            or bool(self.registration_url)
        )

    @property
    def room_detail(self) -> str:
        """Return the room: the talk's own room detail, else its venue's room details."""
        return self.location or (self.venue.room if self.venue_id else "")

    @property
    def place(self) -> str:
        """Return "Venue, room" for lists and messages ("" when nothing is known)."""
        return formatting.place(self.venue.name if self.venue_id else "", self.room_detail)

    @property
    def full_place(self) -> str:
        """Return "Venue, room, address", as calendars show it."""
        address = self.venue.address if self.venue_id else ""
        return formatting.place(self.venue.name if self.venue_id else "", self.room_detail, address)

    def material_files(self) -> set[str]:
        """Return the names of the talk's stored material files, as the database has them."""
        return set(self.materials.exclude(file="").values_list("file", flat=True))

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


# Each version of a talk keeps its tags and its speakers (in order, with their affiliation then).
simple_history.register(Talk, records_class=TrackedHistory, m2m_fields=("event_types", "speakers"))


def material_file_name(material: "Material", filename: str) -> str:
    """Return a random stored name: the uploader's file name is never used on disk."""
    return f"materials/{uuid.uuid4().hex}.pdf"


class MaterialQuerySet(models.QuerySet):
    def published(self) -> "MaterialQuerySet":
        """Return the materials the public may see: all but the recording of a talk whose
        invited speakers have not all consented to publishing it (seminars/invitations)."""
        # Through the relation: the invitations app builds on these models, not they on it.
        invitations = TalkSpeaker._meta.get_field("invitations").related_model.objects
        withheld = (
            invitations.filter(revoked_at=None)
            .exclude(consent_publish_recording=True)
            .values("talk_speaker__talk")
        )
        return self.exclude(kind=MaterialKind.RECORDING, talk__in=withheld)


class Material(models.Model):
    """What remains of a talk: a link to its recording, slides, paper or code, or an
    uploaded PDF of its slides or paper (served only while the talk is public)."""

    Kind = MaterialKind

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=10, choices=MaterialKind)
    url = HttpsURLField("link", blank=True)
    file = models.FileField(
        "PDF file",
        upload_to=material_file_name,
        max_length=200,
        blank=True,
        help_text="Slides or paper as a PDF, instead of a link.",
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="material_link_or_file",
                violation_error_message="Give either a link or a PDF file.",
            ),
            models.CheckConstraint(
                condition=Q(file="") | Q(kind__in=UPLOADABLE_KINDS),
                name="material_file_only_slides_or_paper",
                violation_error_message="Only slides and papers may be uploaded; "
                "give a link for the others.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of “{self.talk}”"

    def save(self, *args, **kwargs):
        self.size = self.file.size if self.file else None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Return where the public finds it: the link, or the file served for the talk."""
        if self.url:
            return self.url
        return reverse("seminars:material-file", kwargs={"slug": self.talk.slug, "pk": self.pk})

    @property
    def public_url(self) -> str:
        """Return the absolute URL the public follows (feeds, API, structured data)."""
        return self.url or absolute_url(self.get_absolute_url())
