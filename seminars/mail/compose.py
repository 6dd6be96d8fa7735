"""Build the announcement of a talk, or of a series' coming week, as plain text and HTML.

Pure functions: they take talks fetched with Talk.objects.public().with_speakers() (and their
series), make no queries and are given the time (`now`) rather than reading the clock, so the
online link appears exactly when it is public at that moment.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from config.site import absolute_url
from seminars import formatting
from seminars.models import Series, Talk
from speakers.markdown import markdown_to_text, render_markdown

TALK_SEPARATOR = "\n\n" + "-" * 40 + "\n\n"


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
        location=talk.location,
        online_url=talk.online_url_for_public(now),
        abstract_text=markdown_to_text(talk.abstract),
        abstract_html=mark_safe(render_markdown(talk.abstract)),  # noqa: S308 (sanitised by nh3)
        url=absolute_url(reverse("seminars:talk-detail", kwargs={"slug": talk.slug})),
        calendar_url=absolute_url(reverse("seminars:talk-calendar", kwargs={"slug": talk.slug})),
    )


def block_text(block: TalkBlock) -> str:
    """Return the plain-text paragraphs of one talk."""
    facts = []
    if block.speakers:
        facts.append(f"{block.speaker_label}: {', '.join(block.speakers)}")
    facts.append(f"When: {block.when}")
    if block.location:
        facts.append(f"Where: {block.location}")
    if block.online_url:
        facts.append(f"Online: {block.online_url}")
    paragraphs = [block.title, "\n".join(facts)]
    if block.abstract_text:
        paragraphs.append(block.abstract_text)
    paragraphs.append(f"Talk page: {block.url}\nAdd to your calendar: {block.calendar_url}")
    return "\n\n".join(paragraphs)


def talk_announcement(talk: Talk, now: datetime.datetime) -> Message:
    """Return the announcement of one talk."""
    block = talk_block(talk, now)
    subject = f"{talk.series.name}, {formatting.short_time(talk.local_start)}: {block.title}"
    return Message(
        subject=subject,
        text=block_text(block) + "\n",
        html=render_to_string(
            "seminars/announcement.html", {"heading": "", "blocks": [block], "series_links": None}
        ),
    )


def week_announcement(
    series: Series, week_start: datetime.date, talks: Sequence[Talk], now: datetime.datetime
) -> Message:
    """Return the announcement of the talks of `series` in the week from Monday `week_start`."""
    heading = f"{series.name}: talks in the week of {formatting.day_label(week_start)}"
    blocks = [talk_block(talk, now) for talk in talks]
    series_url = absolute_url(reverse("seminars:series-detail", kwargs={"slug": series.slug}))
    calendar_url = absolute_url(reverse("seminars:series-calendar", kwargs={"slug": series.slug}))
    if blocks:
        body = TALK_SEPARATOR.join(block_text(block) for block in blocks)
    else:
        body = "No talks are scheduled this week."
    text = (
        f"{heading}\n\n{body}\n\n"
        f"All talks of the series: {series_url}\nSubscribe to its calendar: {calendar_url}\n"
    )
    html = render_to_string(
        "seminars/announcement.html",
        {
            "heading": heading,
            "blocks": blocks,
            "series_links": {"url": series_url, "calendar_url": calendar_url},
        },
    )
    return Message(subject=heading, text=text, html=html)


def monday_of(day: datetime.date) -> datetime.date:
    """Return the Monday of the week (Monday to Sunday) of `day`."""
    return day - datetime.timedelta(days=day.weekday())


def week_bounds(series: Series, week_start: datetime.date) -> tuple[datetime.datetime, ...]:
    """Return the first moment of the week from Monday `week_start` and of the week after,
    in the series' timezone."""
    zone = series.zoneinfo
    return tuple(
        datetime.datetime.combine(day, datetime.time.min, zone)
        for day in (week_start, week_start + datetime.timedelta(weeks=1))
    )


def talk_due_at(talk: Talk) -> datetime.datetime:
    """Return when the announcement of `talk` goes out: the series' days before it, at the
    series' time of day, in its timezone."""
    series = talk.series
    day = talk.local_start.date() - datetime.timedelta(days=series.announce_days_before)
    return datetime.datetime.combine(day, series.announce_time, series.zoneinfo)


def week_due_at(series: Series, week_start: datetime.date) -> datetime.datetime:
    """Return when the announcement of the week from Monday `week_start` goes out."""
    day = week_start - datetime.timedelta(days=series.announce_days_before)
    return datetime.datetime.combine(day, series.announce_time, series.zoneinfo)


def coming_week(series: Series, now: datetime.datetime) -> datetime.date:
    """Return the Monday of the week the series announces at `now`: the latest week whose
    announcement time has come."""
    today = now.astimezone(series.zoneinfo).date()
    # A week's announcement goes out at most announce_days_before days before its Monday,
    # so the week after the one of that day is not due yet: walk back from there.
    monday = monday_of(today + datetime.timedelta(days=series.announce_days_before))
    monday += datetime.timedelta(weeks=1)
    while week_due_at(series, monday) > now:
        monday -= datetime.timedelta(weeks=1)
    return monday
