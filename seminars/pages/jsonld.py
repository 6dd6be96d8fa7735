"""schema.org structured data for talk pages (https://schema.org/Event)."""

import json

from seminars.models import Material, Talk
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text


def talk_event(talk: Talk) -> dict:
    """Return the schema.org Event describing `talk` (speakers in order as performers;
    fetched with with_speakers() and with_materials())."""
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.title,
        "url": absolute_url(talk.get_absolute_url()),
        "startDate": talk.local_start.isoformat(),
        "endDate": talk.local_end.isoformat(),
        "eventStatus": _event_status(talk),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {
            "@type": "Organization",
            "name": talk.series.name,
            "url": absolute_url(talk.series.get_absolute_url()),
        },
        "performer": [_performer(link) for link in talk.speaker_links()],
    }
    previous_start = talk.rescheduled_from()
    if previous_start is not None and not talk.is_cancelled:
        event["previousStartDate"] = previous_start.isoformat()
    description = markdown_to_text(talk.abstract)
    if description:
        event["description"] = description
    online_url = talk.online_url_for_public()
    is_online_venue = talk.venue_id is not None and talk.venue.is_online
    in_person = bool(talk.place) and not is_online_venue
    places = [_place(talk)] if in_person else []
    if online_url or is_online_venue:
        # Without a public link yet, the talk page is where the link will appear.
        virtual = {"@type": "VirtualLocation", "url": online_url or event["url"]}
        if is_online_venue:
            virtual["name"] = talk.venue.name
        places.append(virtual)
        event["eventAttendanceMode"] = (
            "https://schema.org/MixedEventAttendanceMode"
            if in_person
            else "https://schema.org/OnlineEventAttendanceMode"
        )
    if places:
        event["location"] = places[0] if len(places) == 1 else places
    event["isAccessibleForFree"] = True
    event["audience"] = {"@type": "Audience", "audienceType": talk.get_audience_display()}
    if talk.registration_url:
        event["offers"] = {
            "@type": "Offer",
            "url": talk.registration_url,
            "price": 0,
            "availability": "https://schema.org/InStock",
        }
    recordings = [m for m in talk.materials.all() if m.kind == Material.Kind.RECORDING]
    if recordings:
        event["recordedIn"] = {
            "@type": "CreativeWork",
            "name": f"Recording of “{talk.title}”",
            "url": recordings[0].public_url,
        }
    return event


def _place(talk: Talk) -> dict:
    """Return the schema.org Place of an in-person talk: its venue with a PostalAddress and
    coordinates, or its room detail alone."""
    venue = talk.venue
    if venue is None:
        return {"@type": "Place", "name": talk.place, "address": talk.place}
    place = {"@type": "Place", "name": talk.place, "url": absolute_url(venue.get_absolute_url())}
    lines = venue.address_lines
    place["address"] = (
        {"@type": "PostalAddress", "streetAddress": ", ".join(lines)} if lines else talk.place
    )
    if venue.has_coordinates:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(venue.latitude),
            "longitude": float(venue.longitude),
        }
    if venue.map_link:
        place["hasMap"] = venue.map_link
    return place


def _event_status(talk: Talk) -> str:
    if talk.is_cancelled:
        return "https://schema.org/EventCancelled"
    if talk.rescheduled_from() is not None:
        return "https://schema.org/EventRescheduled"
    return "https://schema.org/EventScheduled"


def _performer(link) -> dict:
    person = {
        "@type": "Person",
        "name": link.speaker.name,
        "url": absolute_url(link.speaker.get_absolute_url()),
    }
    if link.affiliation is not None:
        person["affiliation"] = {"@type": "Organization", "name": link.affiliation.name}
    return person


def as_script_content(data: dict) -> str:
    """Return `data` as JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
