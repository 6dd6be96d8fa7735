import datetime
from urllib.parse import urlencode

from django import template

from seminars import formatting
from seminars.models import Talk
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text

register = template.Library()

GOOGLE_DETAILS_LENGTH = 1000

# The wordings of a talk, as seminars.formatting writes them everywhere.
register.filter("when", formatting.when)
register.filter("series_time", formatting.series_time)
register.filter("month_year", formatting.month_year)
register.filter("clock_time", formatting.clock_time)
register.filter("day_label", formatting.day_label)
register.filter("speaker_credit", formatting.speaker_credit)
register.filter("short_credit", formatting.short_credit)
register.filter("speaker_label", formatting.speaker_label)
register.filter("status_marker", formatting.status_marker)


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
        "location": talk.full_place,
        "ctz": talk.series.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


@register.filter
def absolute(path: str) -> str:
    """Return a site path as an absolute URL on SITE_URL."""
    return absolute_url(path)
