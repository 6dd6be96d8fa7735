import datetime
from urllib.parse import urlencode

from django import template

from config.site import absolute_url
from seminars.models import Talk
from speakers.markdown import markdown_to_text

register = template.Library()

GOOGLE_DETAILS_LENGTH = 1000


def _day(moment: datetime.datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


@register.filter
def when(talk: Talk) -> str:
    """Return the talk's time in its series' timezone: "Tue 8 Dec 2026, 12:00–13:00 EST"."""
    start, end = talk.local_start, talk.local_end
    if start.date() == end.date():
        return f"{_day(start)}, {start:%H:%M}–{end:%H:%M} {end:%Z}"
    return f"{_day(start)}, {start:%H:%M %Z} – {_day(end)}, {end:%H:%M %Z}"


@register.filter
def google_calendar_url(talk: Talk) -> str:
    """Return a Google Calendar link that adds this talk as a one-off event."""
    start, end = (
        moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        for moment in (talk.start, talk.end)
    )
    details = markdown_to_text(talk.abstract)[:GOOGLE_DETAILS_LENGTH]
    page = absolute_url(talk.get_absolute_url())
    params = {
        "action": "TEMPLATE",
        "text": talk.title,
        "dates": f"{start}/{end}",
        "details": f"{details}\n\n{page}".strip(),
        "location": talk.location,
        "ctz": talk.series.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


@register.filter
def absolute(path: str) -> str:
    """Return a site path as an absolute URL on SITE_URL."""
    return absolute_url(path)


@register.filter
def month_year(moment: datetime.datetime) -> str:
    """Return "December 2026" for a datetime, in the timezone it carries."""
    return f"{moment:%B %Y}"


@register.filter
def series_time(moment: datetime.datetime) -> str:
    """Return "Tue 1 Dec 2026, 12:00 EST" for a datetime, in the timezone it carries."""
    return f"{_day(moment)}, {moment:%H:%M %Z}"
