"""Every wording of a talk, written once: its dates and times, speaker credits and status.

Pages, feeds, announcements, CSV and the admin all say a talk the same way by calling these.
Plain functions of plain values (or of anything shaped like a talk, such as a Talk or the
iCal builder's EventData): they make no queries and import no models, so that models and
every concern package may use them.

Days are written with `moment.day`, never strftime's "%-d", which only glibc knows.
"""

import datetime
from typing import Protocol

CANCELLED_MARKER = "Cancelled"
PLACEHOLDER_MARKER = "Speaker to be announced"


class Scheduled(Protocol):
    """A talk with a start and an end in its series' timezone."""

    @property
    def local_start(self) -> datetime.datetime: ...

    @property
    def local_end(self) -> datetime.datetime: ...


class Named(Protocol):
    name: str


class Affiliated(Protocol):
    name: str
    short_name: str


class SpeakerLink(Protocol):
    """A speaker of a talk with the affiliation they had then (a TalkSpeaker)."""

    speaker: Named
    affiliation: Affiliated | None


class WithStatus(Protocol):
    """A talk with a title that may be cancelled or a placeholder."""

    title: str

    @property
    def is_cancelled(self) -> bool: ...

    is_placeholder: bool


# Dates and times


def day_label(day: datetime.date) -> str:
    """Return the day as "Tue 8 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def series_time(moment: datetime.datetime) -> str:
    """Return "Tue 1 Dec 2026, 12:00 EST", in the timezone `moment` carries."""
    return f"{day_label(moment)}, {moment:%H:%M %Z}"


def short_time(moment: datetime.datetime) -> str:
    """Return "Tue 8 Dec, 12:00": the day and time without year or zone, for a mail subject."""
    return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"


def clock_time(moment: datetime.datetime) -> str:
    """Return "12:00 EST": the time of day and zone `moment` carries."""
    return f"{moment:%H:%M %Z}"


def month_year(moment: datetime.date) -> str:
    """Return "December 2026", in the timezone `moment` carries."""
    return f"{moment:%B %Y}"


def when(talk: Scheduled) -> str:
    """Return the talk's time in its series' timezone: "Tue 8 Dec 2026, 12:00–13:00 EST",
    or "Tue 8 Dec 2026, 22:00 EST – Wed 9 Dec 2026, 01:00 EST" when it ends on a later day."""
    start, end = talk.local_start, talk.local_end
    if start.date() == end.date():
        return f"{day_label(start)}, {start:%H:%M}–{end:%H:%M} {end:%Z}"
    return f"{series_time(start)} – {series_time(end)}"


# Places


def place(venue: str = "", room: str = "", address: str = "") -> str:
    """Return where a talk is as "Venue, room, address" (the address's lines joined by
    commas), leaving out the blank parts: "Seminar Room G115", "Hall A, Room 2, 1 Main St"."""
    lines = [line.strip() for line in address.splitlines()]
    return ", ".join(part for part in (venue.strip(), room.strip(), *lines) if part)


class Attended(Protocol):
    """A talk that says who may come and how to register."""

    registration_required: bool
    registration_url: str

    def get_audience_display(self) -> str: ...


def attendance(talk: Attended) -> str:
    """Return who may come: "Open to all", "By invitation; registration required:
    https://…"."""
    text = talk.get_audience_display()
    if talk.registration_required:
        text += "; registration required"
    if talk.registration_url:
        text += f"{':' if talk.registration_required else '; register at'} {talk.registration_url}"
    return text


# Speakers


def speaker_credit(name: str, affiliation: str | None = None) -> str:
    """Return "Name (Affiliation)", or "Name" alone without an affiliation."""
    return f"{name} ({affiliation})" if affiliation else name


def link_credit(link: SpeakerLink, *, short: bool = False) -> str:
    """Return the credit of a speaker of a talk, with the affiliation they had then (its
    short name, if asked and it has one)."""
    affiliation = link.affiliation
    if affiliation is None:
        return speaker_credit(link.speaker.name)
    return speaker_credit(link.speaker.name, (short and affiliation.short_name) or affiliation.name)


def short_credit(link: SpeakerLink) -> str:
    """Return "Name (Short affiliation)" for a speaker of a talk."""
    return link_credit(link, short=True)


def speaker_label(count: int) -> str:
    """Return "Speaker" or "Speakers", for `count` speakers."""
    return "Speakers" if count > 1 else "Speaker"


# Status


def status_marker(talk: WithStatus) -> str:
    """Return the word shown beside the talk's title: "Cancelled", "Speaker to be announced"
    for a placeholder, or ""."""
    if talk.is_cancelled:
        return CANCELLED_MARKER
    if talk.is_placeholder:
        return PLACEHOLDER_MARKER
    return ""


def with_status(text: str, talk: WithStatus) -> str:
    """Return `text` (the talk's title, perhaps with more) as "Cancelled: text" when the
    talk is cancelled, so that a list or calendar of titles alone says so."""
    return f"{CANCELLED_MARKER}: {text}" if talk.is_cancelled else text


def talk_title(talk: WithStatus) -> str:
    """Return the talk's title, "Cancelled: Title" when it is cancelled."""
    return with_status(talk.title, talk)


# Changes, as the change notices to email subscribers say them


MOVED_MARKER = "Moved"
BACK_ON_MARKER = "Back on"
NEW_PLACE_MARKER = "New place"


def change_marker(*, was_cancelled: bool, is_cancelled: bool, time_changed: bool) -> str:
    """Return the word that heads a change notice: "Cancelled", "Back on", "Moved" (a new
    time) or "New place"."""
    if is_cancelled and not was_cancelled:
        return CANCELLED_MARKER
    if was_cancelled and not is_cancelled:
        return BACK_ON_MARKER
    return MOVED_MARKER if time_changed else NEW_PLACE_MARKER


def change_sentence(marker: str, *, previous_when: str, previous_location: str) -> str:
    """Return the sentence that opens a change notice, saying what was known before."""
    if marker == CANCELLED_MARKER:
        return f"This talk is cancelled (it was on {previous_when})."
    if marker == BACK_ON_MARKER:
        return "This talk is back on: it takes place as below."
    if marker == MOVED_MARKER:
        return f"This talk has moved: it was on {previous_when}."
    where = f" (it was in {previous_location})" if previous_location else ""
    return f"This talk takes place in a new place{where}."
