"""Build the announcement of a talk, or of a series' coming week, as plain text and HTML.

Pure functions: they take talks fetched with Talk.objects.public().with_speakers() (and their
series), make no queries and are given the time (`now`) rather than reading the clock, so the
online link appears exactly when it is public at that moment.

The two bodies are templates side by side, templates/seminars/mail/announcement.txt and
.html, rendered from the same context: each sentence is written once per format.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from seminars import formatting
from seminars.models import Series, Talk, Venue
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text, render_markdown


class OutOfDate(Exception):
    """The message is no longer worth sending (the talk started, ended, changed again)."""


@dataclass(frozen=True)
class Message:
    """An announcement ready to copy or mail: a subject, a plain-text and an HTML body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class TalkBlock:
    """What an announcement says about one talk, in the words both bodies use."""

    title: str
    speakers: tuple[str, ...]
    when: str
    location: str
    address: str  # the venue's address on one line
    accessibility: str
    attendance: str  # who may come and how to register, when not simply open to all
    online_url: str
    abstract_text: str
    abstract_html: str
    url: str
    calendar_url: str

    @property
    def speaker_label(self) -> str:
        return formatting.speaker_label(len(self.speakers))


def talk_block(talk: Talk, now: datetime.datetime) -> TalkBlock:
    """Return what the announcement says about `talk` at `now`."""
    return TalkBlock(
        title=formatting.talk_title(talk),
        speakers=tuple(formatting.link_credit(link) for link in talk.speaker_links()),
        when=formatting.when(talk),
        location=talk.place,
        address=", ".join(talk.venue.address_lines) if talk.venue_id else "",
        accessibility=" ".join(talk.venue.accessibility.split()) if talk.venue_id else "",
        # "Open to all" without registration goes without saying in a mail.
        attendance=formatting.attendance(talk) if talk.restricts_attendance else "",
        online_url=talk.online_url_for_public(now),
        abstract_text=markdown_to_text(talk.abstract),
        abstract_html=mark_safe(render_markdown(talk.abstract)),  # noqa: S308 (sanitised by nh3)
        url=absolute_url(reverse("seminars:talk-detail", kwargs={"slug": talk.slug})),
        calendar_url=absolute_url(reverse("seminars:talk-calendar", kwargs={"slug": talk.slug})),
    )


def announcement_message(
    subject: str, heading: str, blocks: Sequence[TalkBlock], series_links: dict | None
) -> Message:
    """Return the message saying `blocks` under `heading` ("" for one talk), then the
    series' page and calendar links if given; both bodies are rendered from one context."""
    context = {"heading": heading, "blocks": blocks, "series_links": series_links}
    return Message(
        subject=subject,
        text=render_to_string("seminars/mail/announcement.txt", context),
        html=render_to_string("seminars/mail/announcement.html", context),
    )


def talk_announcement(talk: Talk, now: datetime.datetime) -> Message:
    """Return the announcement of one talk."""
    block = talk_block(talk, now)
    subject = f"{talk.series.name}, {formatting.short_time(talk.local_start)}: {block.title}"
    return announcement_message(subject, heading="", blocks=[block], series_links=None)


def week_announcement(
    series: Series, week_start: datetime.date, talks: Sequence[Talk], now: datetime.datetime
) -> Message:
    """Return the announcement of the talks of `series` in the week from Monday `week_start`."""
    heading = f"{series.name}: talks in the week of {formatting.day_label(week_start)}"
    blocks = [talk_block(talk, now) for talk in talks]
    series_url = absolute_url(reverse("seminars:series-detail", kwargs={"slug": series.slug}))
    calendar_url = absolute_url(reverse("seminars:series-calendar", kwargs={"slug": series.slug}))
    return announcement_message(
        heading,
        heading=heading,
        blocks=blocks,
        series_links={"url": series_url, "calendar_url": calendar_url},
    )


# The messages to email subscribers. Announcements and digests are the list's messages above
# (one wording); these are the subscribers' own, and the footer every one of their mails has.


# The mark of a state that names the venue; states written before venues (start|end|status|
# location) still parse, and migration 0024 rewrote the stored ones.
STATE_FORMAT = "v2"


@dataclass(frozen=True)
class TalkState:
    """What a change notice compares: a talk's time, place (its venue and room detail, not
    their words: a renamed venue is the same place) and status as someone was told."""

    start: datetime.datetime
    end: datetime.datetime
    venue_id: int | None
    location: str  # the talk's room detail
    status: str

    @classmethod
    def of(cls, talk: Talk) -> "TalkState":
        return cls(
            start=talk.start,
            end=talk.end,
            venue_id=talk.venue_id,
            location=talk.location,
            status=talk.status,
        )

    @classmethod
    def parse(cls, text: str) -> "TalkState":
        if text.startswith(f"{STATE_FORMAT}|"):
            _, start, end, status, venue_id, location = text.split("|", 5)
        else:
            (start, end, status, location), venue_id = text.split("|", 3), ""
        return cls(
            start=datetime.datetime.fromisoformat(start),
            end=datetime.datetime.fromisoformat(end),
            venue_id=int(venue_id) if venue_id else None,
            location=location,
            status=status,
        )

    def __str__(self):
        utc = datetime.UTC
        return "|".join(
            (
                STATE_FORMAT,
                self.start.astimezone(utc).isoformat(),
                self.end.astimezone(utc).isoformat(),
                self.status,
                "" if self.venue_id is None else str(self.venue_id),
                self.location,
            )
        )[:300]

    def place(self) -> str:
        """Return "Venue, room" as the venue is called now (one query when there is one)."""
        venue = Venue.objects.filter(pk=self.venue_id).first() if self.venue_id else None
        if venue is None:
            return self.location
        return formatting.place(venue.name, self.location or venue.room)


def change_notice(talk: Talk, previous: TalkState, now: datetime.datetime) -> Message:
    """Return the notice that `talk` is no longer as `previous` said: moved, in a new place,
    cancelled or back on; then the talk as it is now, in the announcement's words."""
    was_cancelled = previous.status == Talk.Status.CANCELLED
    marker = formatting.change_marker(
        was_cancelled=was_cancelled,
        is_cancelled=talk.is_cancelled,
        time_changed=(previous.start, previous.end) != (talk.start, talk.end),
    )
    zone = talk.series.zoneinfo
    before = SimpleNamespace(
        local_start=previous.start.astimezone(zone), local_end=previous.end.astimezone(zone)
    )
    heading = formatting.change_sentence(
        marker,
        previous_when=formatting.when(before),
        previous_location=previous.place() if marker == formatting.NEW_PLACE_MARKER else "",
    )
    subject = f"{marker}: {talk.series.name}, {formatting.short_time(talk.local_start)}: "
    subject += talk.title
    return announcement_message(
        subject, heading=heading, blocks=[talk_block(talk, now)], series_links=None
    )


def confirmation_message(confirm_url: str, following: str) -> Message:
    """Return the mail that asks an address to confirm its sign-up (double opt-in)."""
    context = {"confirm_url": confirm_url, "following": following, "SITE_NAME": settings.SITE_NAME}
    return Message(
        subject=f"Confirm your subscription to {settings.SITE_NAME}",
        text=render_to_string("seminars/mail/confirm.txt", context),
        html=render_to_string("seminars/mail/confirm.html", context),
    )


def manage_link_message(manage_url: str) -> Message:
    """Return the mail sent when a subscribed address signs up again: a link to manage the
    subscription (the sign-up page never says whether an address is known)."""
    context = {"manage_url": manage_url, "SITE_NAME": settings.SITE_NAME}
    return Message(
        subject=f"Your subscription to {settings.SITE_NAME}",
        text=render_to_string("seminars/mail/manage_link.txt", context),
        html=render_to_string("seminars/mail/manage_link.html", context),
    )


def with_subscriber_footer(message: Message, manage_url: str, unsubscribe_url: str) -> Message:
    """Return `message` with the footer every subscriber's mail ends with: why they get it,
    how to change it and how to leave."""
    context = {
        "manage_url": manage_url,
        "unsubscribe_url": unsubscribe_url,
        "SITE_NAME": settings.SITE_NAME,
    }
    return Message(
        subject=message.subject,
        text=message.text + render_to_string("seminars/mail/subscriber_footer.txt", context),
        html=message.html
        + mark_safe(render_to_string("seminars/mail/subscriber_footer.html", context)),  # noqa: S308
    )
