"""When mail is due: the weeks a series announces, when a talk's or a week's announcement goes
out (the series' days before, at its time of day, in its timezone), and the talks of a week.

The list announcements, the subscribers' outbox, announcement.txt and the organisers'
dashboard all ask these; what the mails say is seminars/mail/compose.py.
"""

import datetime

from seminars.models import Series, Talk


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


def week_talks(series: Series, week_start: datetime.date):
    """Return the public talks of `series` in the week from Monday `week_start`, with speakers."""
    return (
        Talk.objects.public()
        .filter(series=series)
        .starting_between(*week_bounds(series, week_start))
        .with_speakers()
    )
