"""The filter vocabulary of the public listing: which series, tags, speakers, venues and
material kinds a request names (?series=&tag=&speaker=&venue=&has=), resolved to what the
public may see, and the talks they let through.

Pages, the JSON API, embeds and calendar feeds all speak it; each kind of filter is declared
once, in FILTER_KINDS.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.http import QueryDict

from seminars.models import EventType, MaterialKind, Series, Talk, TalkQuerySet, Venue
from speakers.models import Speaker
from speakers.services import find_renamed

# A bound on the filter values an address may carry, so that junk cannot make huge queries
# or cache keys.
MAX_VALUES = 20
SHOWN_SLUG_LENGTH = 80


class UnknownFilterError(Exception):
    """The request names a series, tag, speaker, venue or talk that the public cannot see."""

    def __init__(self, message: str, parameter: str = ""):
        super().__init__(message)
        # The query parameter that named it ("series", "tag", "speaker"), for JSON errors.
        self.parameter = parameter


def normalise(values: Sequence[str]) -> tuple[str, ...]:
    """Return the non-empty values, stripped, sorted, without duplicates, at most MAX_VALUES."""
    return tuple(sorted({value.strip() for value in values if value.strip()})[:MAX_VALUES])


@dataclass(frozen=True)
class FilterQuery:
    """The filters a request asks for, as slugs: several values of one key are OR, different
    keys are AND."""

    series: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    has: tuple[str, ...] = ()  # material kinds: "slides", "recording"

    @classmethod
    def from_query(cls, query: QueryDict) -> "FilterQuery":
        """Return the normalised filters of ?series=&tag=&speaker=&venue=&has= (other keys
        are ignored)."""
        return cls(
            **{kind.query_field: normalise(query.getlist(kind.parameter)) for kind in FILTER_KINDS}
        )

    @property
    def windowed(self) -> bool:
        """Whether a feed leaves old talks out; a speaker's feed alone keeps all their talks."""
        others = any(getattr(self, kind.query_field) for kind in FILTER_KINDS if kind.windowed)
        return not (self.speakers and not others)

    def pairs(self) -> list[tuple[str, str]]:
        """Return the filters as canonical (key, value) pairs of a query string."""
        return [
            (kind.parameter, value)
            for kind in FILTER_KINDS
            for value in getattr(self, kind.query_field)
        ]

    def key(self) -> str:
        """Return the filters as one canonical query string."""
        return urlencode(self.pairs())


def public_series() -> models.QuerySet:
    return Series.objects.with_public_talks()


def public_event_types() -> models.QuerySet:
    return EventType.objects.with_public_talks()


def public_speakers() -> models.QuerySet:
    return Talk.objects.public().speakers()


def public_venues() -> models.QuerySet:
    return Venue.objects.with_public_talks()


# What ?has= may ask for: talks with slides, or with a recording (and how a name says it).
HAS_CHOICES = {MaterialKind.SLIDES: "slides", MaterialKind.RECORDING: "recordings"}


def resolve_material_kinds(values: Sequence[str]) -> list[str]:
    """Return the material kinds ?has= names; raise UnknownFilterError for another value."""
    for value in values:
        if value not in HAS_CHOICES:
            raise UnknownFilterError(
                f"“has” must be slides or recording, not “{value[:SHOWN_SLUG_LENGTH]}”.",
                parameter="has",
            )
    return list(values)


@dataclass(frozen=True)
class FilterKind:
    """One kind of filter, declared once: its query parameter, its field in FilterQuery
    (slugs) and in TalkFilters (what they name; also TalkQuerySet.matching's argument), and
    how the slugs resolve."""

    parameter: str
    query_field: str
    filters_field: str
    resolve: Callable[[Sequence[str]], list]
    model: type | None = None  # TalkFilters.of() takes one of these
    windowed: bool = True  # a feed of this kind alone leaves old talks out


FILTER_KINDS = (
    FilterKind(
        parameter="series",
        query_field="series",
        filters_field="series",
        resolve=lambda slugs: resolve_slugs(public_series(), slugs, "series"),
        model=Series,
    ),
    FilterKind(
        parameter="tag",
        query_field="tags",
        filters_field="event_types",
        resolve=lambda slugs: resolve_slugs(public_event_types(), slugs, "tag"),
        model=EventType,
    ),
    FilterKind(
        parameter="speaker",
        query_field="speakers",
        filters_field="speakers",
        resolve=lambda slugs: resolve_slugs(public_speakers(), slugs, "speaker"),
        model=Speaker,
        windowed=False,
    ),
    FilterKind(
        parameter="venue",
        query_field="venues",
        filters_field="venues",
        resolve=lambda slugs: resolve_slugs(public_venues(), slugs, "venue"),
        model=Venue,
    ),
    FilterKind(
        parameter="has",
        query_field="has",
        filters_field="materials",
        resolve=resolve_material_kinds,
    ),
)


def resolve_slugs(queryset: models.QuerySet, slugs: Sequence[str], label: str) -> list:
    """Return the objects of `queryset` with `slugs` (old slugs included), ordered by name.

    Raise UnknownFilterError for a slug that names none. A renamed object's old feed URL keeps
    working without a redirect: calendar clients do not all follow them.
    """
    if not slugs:
        return []
    found = {obj.slug: obj for obj in queryset.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            renamed = find_renamed(queryset, slug)
            if renamed is None:
                shown = slug[:SHOWN_SLUG_LENGTH]
                raise UnknownFilterError(
                    f"There is no {label} “{shown}” with public talks.", parameter=label
                )
            found[slug] = renamed
    return sorted(set(found.values()), key=lambda obj: (obj.name, obj.pk))


def join_names(names: Sequence[str]) -> str:
    """Return "A", "A and B" or "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class TalkFilters:
    """The public series, event types, speakers and venues that a feed's filters name (a
    FilterQuery resolved), each kind ordered by name, and the material kinds it asks for:
    which talks the feed shows, and what it is called. FILTER_KINDS declares each kind."""

    series: tuple[Series, ...] = ()
    event_types: tuple[EventType, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    venues: tuple[Venue, ...] = ()
    materials: tuple[str, ...] = ()  # MaterialKind values

    @classmethod
    def resolve(cls, query: FilterQuery) -> "TalkFilters":
        """Return what `query` names; raise UnknownFilterError naming the parameter ("series",
        "tag", "speaker", "venue", "has")."""
        return cls(
            **{
                kind.filters_field: tuple(kind.resolve(getattr(query, kind.query_field)))
                for kind in FILTER_KINDS
            }
        )

    @classmethod
    def of(cls, obj: "Series | EventType | Speaker | Venue") -> "TalkFilters":
        """Return the filters of the feed of one series, event type, speaker or venue."""
        return cls(
            **{
                kind.filters_field: (obj,)
                for kind in FILTER_KINDS
                if kind.model is not None and isinstance(obj, kind.model)
            }
        )

    def talks(self) -> TalkQuerySet:
        """Return the public talks the filters let through, in no particular order."""
        return Talk.objects.public().matching(
            **{kind.filters_field: getattr(self, kind.filters_field) for kind in FILTER_KINDS}
        )

    def name(self) -> str:
        """Return the calendar's name: "Systems Seminar — Round table", "Talks by William
        Nixon", "Talks at Hall A", "Systems Seminar — With recordings"."""
        speakers = [speaker.name for speaker in self.speakers]
        by = f"Talks by {join_names(speakers)}" if speakers else ""
        at = f"Talks at {join_names([venue.name for venue in self.venues])}" if self.venues else ""
        kinds = [HAS_CHOICES[kind] for kind in self.materials]
        having = f"With {join_names(kinds)}" if kinds else ""
        if bool(by) != bool(at) and not (self.series or self.event_types or self.materials):
            return by or at
        parts = [", ".join(s.name for s in self.series) if self.series else settings.SITE_NAME]
        if self.event_types:
            parts.append(", ".join(event_type.name for event_type in self.event_types))
        parts += [part for part in (by, at, having) if part]
        return " — ".join(parts)

    def page_path(self) -> str | None:
        """Return the site page of the one series, event type, speaker or venue named, if so."""
        named = [*self.series, *self.event_types, *self.speakers, *self.venues]
        return named[0].get_absolute_url() if len(named) == 1 and not self.materials else None


def find_public_talk(slug: str, talks: TalkQuerySet | None = None) -> Talk | None:
    """Return the public talk with `slug` (or an old slug of it), with its speakers, or
    only what `talks` fetches."""
    talks = talks if talks is not None else Talk.objects.public().with_speakers()
    return talks.filter(slug=slug).first() or find_renamed(talks, slug)
