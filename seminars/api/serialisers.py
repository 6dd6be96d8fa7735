"""The JSON shapes of the read-only API, documented in docs/api.md.

Field names are part of the API's contract: add fields, never rename or remove one. Links and
objects that are missing are null; text that is blank is "". Every link is absolute, on
settings.SITE_URL. Only public fields appear (never a speaker's email, never a draft).
"""

from typing import Literal, TypedDict
from urllib.parse import urlencode, urlsplit

from django.db.models.fields.files import FieldFile
from django.urls import reverse

from seminars.models import EventType, Material, Series, Talk, TalkSpeaker, Venue
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text, render_markdown
from speakers.models import Affiliation, Speaker

# The shapes, as types: /api/openapi.json is generated from them (seminars/api/openapi.py),
# and a test checks that each serialiser gives exactly these keys.


class AffiliationData(TypedDict):
    slug: str
    name: str
    short_name: str
    website: str | None
    url: str


class SpeakerSummary(TypedDict):
    slug: str
    name: str
    affiliation: AffiliationData | None
    photo: str | None
    photo_thumbnail: str | None
    url: str
    api_url: str


class EventTypeData(TypedDict):
    slug: str
    name: str
    url: str


class SeriesLink(TypedDict):
    slug: str
    name: str
    url: str


class VenueData(TypedDict):
    slug: str
    name: str
    online: bool
    room: str
    address: list[str]
    latitude: float | None
    longitude: float | None
    map_url: str | None
    directions: str
    accessibility: str
    capacity: int | None
    url: str
    ics_url: str
    talks_url: str


class MaterialData(TypedDict):
    kind: Literal["recording", "slides", "paper", "code"]
    url: str
    size: int | None


class TalkData(TypedDict):
    uid: str
    slug: str
    title: str
    status: Literal["published", "cancelled"]
    start: str
    end: str
    timezone: str
    location: str
    venue: VenueData | None
    room: str
    audience: Literal["open", "members", "invitation"]
    registration_required: bool
    registration_url: str | None
    online_url: str | None
    placeholder: bool
    host: str
    series: SeriesLink
    event_types: list[EventTypeData]
    speakers: list[SpeakerSummary]
    abstract_html: str
    abstract_text: str
    materials: list[MaterialData]
    slides_url: str | None
    recording_url: str | None
    url: str
    ics_url: str
    api_url: str


class SeriesData(TypedDict):
    slug: str
    name: str
    description_html: str
    description_text: str
    timezone: str
    url: str
    ics_url: str
    talks_url: str


class SpeakerData(SpeakerSummary):
    position: str
    bio_html: str
    bio_text: str
    homepage: str | None
    ics_url: str
    talks_url: str


class ErrorData(TypedDict):
    error: str
    parameter: str


def url_for(name: str, slug: str) -> str:
    """Return the absolute URL of the view `name` for `slug`."""
    return absolute_url(reverse(name, kwargs={"slug": slug}))


def talks_url(parameter: str, slug: str, when: str = "") -> str:
    """Return the absolute API URL of the talks of one series, tag or speaker."""
    pairs = [(parameter, slug), *([("when", when)] if when else [])]
    return absolute_url(reverse("seminars:api-talk-list") + "?" + urlencode(pairs))


def file_url(file: FieldFile) -> str | None:
    """Return the absolute URL of a stored file, or None when there is none."""
    if not file:
        return None
    url = file.url
    # A MEDIA_URL on another host (a CDN) is absolute already.
    return url if urlsplit(url).scheme else absolute_url(url)


def or_none(text: str) -> str | None:
    return text or None


def affiliation_data(affiliation: Affiliation | None) -> AffiliationData | None:
    """Return an affiliation: its name, short name, page and own website."""
    if affiliation is None:
        return None
    return {
        "slug": affiliation.slug,
        "name": affiliation.name,
        "short_name": affiliation.short_name,
        "website": or_none(affiliation.url),
        "url": absolute_url(affiliation.get_absolute_url()),
    }


def speaker_summary(speaker: Speaker, affiliation: Affiliation | None) -> SpeakerSummary:
    """Return the fields of a speaker that a talk lists, with `affiliation` (the one they
    had at the time of the talk)."""
    return {
        "slug": speaker.slug,
        "name": speaker.name,
        "affiliation": affiliation_data(affiliation),
        "photo": file_url(speaker.public_photo),
        "photo_thumbnail": file_url(speaker.public_small_photo),
        "url": absolute_url(speaker.get_absolute_url()),
        "api_url": url_for("seminars:api-speaker-detail", speaker.slug),
    }


def speaker_link_data(link: TalkSpeaker) -> SpeakerSummary:
    """Return a speaker of a talk, with the affiliation they had at the time."""
    return speaker_summary(link.speaker, link.affiliation)


def event_type_data(event_type: EventType) -> EventTypeData:
    return {
        "slug": event_type.slug,
        "name": event_type.name,
        "url": absolute_url(event_type.get_absolute_url()),
    }


def venue_data(venue: Venue | None) -> VenueData | None:
    """Return a venue: where it is, how to get in, and where to find its talks."""
    if venue is None:
        return None
    return {
        "slug": venue.slug,
        "name": venue.name,
        "online": venue.is_online,
        "room": venue.room,
        "address": venue.address_lines,
        "latitude": float(venue.latitude) if venue.latitude is not None else None,
        "longitude": float(venue.longitude) if venue.longitude is not None else None,
        "map_url": or_none(venue.map_link),
        "directions": venue.directions,
        "accessibility": venue.accessibility,
        "capacity": venue.capacity,
        "url": absolute_url(venue.get_absolute_url()),
        "ics_url": url_for("seminars:venue-calendar", venue.slug),
        "talks_url": talks_url("venue", venue.slug),
    }


def material_data(material: Material) -> MaterialData:
    """Return a material: its kind, where to get it, and the size of an uploaded file."""
    return {"kind": material.kind, "url": material.public_url, "size": material.size}


def first_url(materials: list[Material], kind: str) -> str | None:
    """Return the URL of the first material of `kind` (slides_url and recording_url)."""
    return next((material.public_url for material in materials if material.kind == kind), None)


def talk_data(talk: Talk) -> TalkData:
    """Return a public talk (fetched with TalkQuerySet.with_speakers().with_materials())."""
    materials = list(talk.materials.all())
    return {
        "uid": str(talk.uid),
        "slug": talk.slug,
        "title": talk.title,
        "status": talk.status,
        "start": talk.local_start.isoformat(timespec="seconds"),
        "end": talk.local_end.isoformat(timespec="seconds"),
        "timezone": talk.series.timezone,
        "location": talk.place,
        "venue": venue_data(talk.venue),
        "room": talk.room_detail,
        "audience": talk.audience,
        "registration_required": talk.registration_required,
        "registration_url": or_none(talk.registration_url),
        "online_url": or_none(talk.online_url_for_public()),
        "placeholder": talk.is_placeholder,
        "host": talk.host,
        "series": {
            "slug": talk.series.slug,
            "name": talk.series.name,
            "url": absolute_url(talk.series.get_absolute_url()),
        },
        "event_types": [event_type_data(event_type) for event_type in talk.event_types.all()],
        "speakers": [speaker_link_data(link) for link in talk.speaker_links()],
        "abstract_html": render_markdown(talk.abstract),
        "abstract_text": markdown_to_text(talk.abstract),
        "materials": [material_data(material) for material in materials],
        "slides_url": first_url(materials, Material.Kind.SLIDES),
        "recording_url": first_url(materials, Material.Kind.RECORDING),
        "url": absolute_url(talk.get_absolute_url()),
        "ics_url": url_for("seminars:talk-calendar", talk.slug),
        "api_url": url_for("seminars:api-talk-detail", talk.slug),
    }


def series_data(series: Series) -> SeriesData:
    """Return a series with its description and where to find its talks."""
    return {
        "slug": series.slug,
        "name": series.name,
        "description_html": render_markdown(series.description),
        "description_text": markdown_to_text(series.description),
        "timezone": series.timezone,
        "url": absolute_url(series.get_absolute_url()),
        "ics_url": url_for("seminars:series-calendar", series.slug),
        "talks_url": talks_url("series", series.slug),
    }


def speaker_data(speaker: Speaker) -> SpeakerData:
    """Return a speaker with a public talk, as their page shows them (current affiliation)."""
    return {
        **speaker_summary(speaker, speaker.affiliation),
        "position": speaker.position,
        "bio_html": render_markdown(speaker.bio),
        "bio_text": markdown_to_text(speaker.bio),
        "homepage": or_none(speaker.homepage),
        "ics_url": url_for("seminars:speaker-calendar", speaker.slug),
        "talks_url": talks_url("speaker", speaker.slug, when="all"),
    }
