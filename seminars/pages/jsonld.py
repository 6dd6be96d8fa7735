"""schema.org structured data for talk pages (https://schema.org/Event)."""

import json

from config.site import absolute_url
from seminars.models import Talk
from speakers.markdown import markdown_to_text


def talk_event(talk: Talk) -> dict:
    """Return the schema.org Event describing `talk` (speakers in order as performers)."""
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
    places = []
    if talk.location:
        places.append({"@type": "Place", "name": talk.location, "address": talk.location})
    online_url = talk.online_url_for_public()
    if online_url:
        places.append({"@type": "VirtualLocation", "url": online_url})
        event["eventAttendanceMode"] = (
            "https://schema.org/MixedEventAttendanceMode"
            if talk.location
            else "https://schema.org/OnlineEventAttendanceMode"
        )
    if places:
        event["location"] = places[0] if len(places) == 1 else places
    return event


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
