"""Term planning: weekly slots for a series, and draft placeholders in the free ones."""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction

from seminars.formatting import PLACEHOLDER_MARKER
from seminars.invitations.status import answers_by_talk
from seminars.models import Series, Talk
from seminars.services import later_by, moment_at_wall_clock


@dataclass(frozen=True)
class PlannedSlot:
    """One slot of a term plan: its time, and the talk that already holds that day, if any."""

    start: datetime.datetime
    end: datetime.datetime
    taken_by: Talk | None

    @property
    def is_free(self) -> bool:
        return self.taken_by is None


def plan_term(
    series: Series,
    first_day: datetime.date,
    last_day: datetime.date,
    weekday: int,
    start_time: datetime.time,
    every_weeks: int = 1,
    skip_dates: Collection[datetime.date] = (),
) -> list[PlannedSlot]:
    """Return the slots on `weekday` (0 = Monday) at `start_time` series time, every
    `every_weeks` weeks from `first_day` to `last_day`, leaving out `skip_dates`.

    The wall-clock time stays the same across daylight-saving changes; raise ValidationError
    naming the first day on which that time is skipped or repeated. A day on which the
    series already has a talk (any status) is marked taken, so planning again adds nothing.
    """
    zone = series.zoneinfo
    day = first_day + datetime.timedelta(days=(weekday - first_day.weekday()) % 7)
    taken = {
        talk.local_start.date(): talk
        for talk in series.talks.filter(
            start__gte=datetime.datetime.combine(first_day, datetime.time.min, zone),
            start__lt=datetime.datetime.combine(
                last_day + datetime.timedelta(days=1), datetime.time.min, zone
            ),
        ).select_related("series")
    }
    slots = []
    while day <= last_day:
        if day not in skip_dates:
            start = moment_at_wall_clock(datetime.datetime.combine(day, start_time), zone)
            slots.append(
                PlannedSlot(start, later_by(start, series.default_duration), taken.get(day))
            )
        day += datetime.timedelta(weeks=every_weeks)
    return slots


@transaction.atomic
def create_placeholders(series: Series, slots: Collection[PlannedSlot]) -> list[Talk]:
    """Create a draft placeholder talk in each free slot; return them."""
    return [
        Talk.objects.create(
            title=PLACEHOLDER_MARKER,
            series=series,
            start=slot.start,
            end=slot.end,
            venue=series.default_venue,
            location=series.default_location,
            status=Talk.Status.DRAFT,
            is_placeholder=True,
        )
        for slot in slots
        if slot.is_free
    ]


def agenda_weeks(
    series: Series, monday: datetime.date, weeks: int, address: Callable[[Talk], str | None]
) -> list[dict]:
    """Return the agenda of `series` from `monday`, one row per week: its Monday and its talks
    in order, each with the talks of any series that clash with it (and where `address` says
    the user may open each) and its speakers' answers."""
    zone = series.zoneinfo
    start = datetime.datetime.combine(monday, datetime.time.min, zone)
    end = start + datetime.timedelta(weeks=weeks)
    in_range = Talk.objects.filter(start__lt=end, end__gt=start).select_related("series", "venue")
    clashes = in_range.clash_map()
    talks = [talk for talk in in_range if talk.series_id == series.pk]
    answers = answers_by_talk([talk.pk for talk in talks])
    rows = []
    for week in range(weeks):
        week_start = monday + datetime.timedelta(weeks=week)
        week_talks = sorted(
            (t for t in talks if 0 <= (t.local_start.date() - week_start).days < 7),
            key=lambda talk: talk.start,
        )
        rows.append(
            {
                "monday": week_start,
                "talks": [
                    (
                        talk,
                        [(o, address(o)) for o in clashes.get(talk.pk, [])],
                        answers.get(talk.pk, []),
                    )
                    for talk in week_talks
                ],
            }
        )
    return rows
