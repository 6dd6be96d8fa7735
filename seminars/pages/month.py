"""The month view: /calendar/ (this month) and /calendar/<year>/<month>/, a grid of days."""

import calendar as gregorian
import datetime
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from seminars.formatting import month_year
from seminars.http.conditional import cacheable
from seminars.models import Talk

# Talks are placed on their day in their series' timezone, which may be up to a day from the
# site's; the query reaches this far beyond the month on each side.
ZONE_MARGIN = datetime.timedelta(days=1)
FIRST_YEAR, LAST_YEAR = 1900, 2099  # what the URL accepts (as /archive/<year>/ does)


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    talks: list[Talk] = field(default_factory=list)


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """Return the (year, month) `months` after (or before) the given one."""
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def month_weeks(year: int, month: int, talks: list[Talk], today: datetime.date) -> list[list[Day]]:
    """Return the month's weeks, Monday first, each day with the talks that start on it in
    their series' timezone (days of the neighbouring months are in the grid, without talks)."""
    weeks = [
        [Day(date=day, in_month=day.month == month, is_today=day == today) for day in week]
        for week in gregorian.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    by_date = {day.date: day for week in weeks for day in week if day.in_month}
    for talk in talks:
        day = by_date.get(talk.local_start.date())
        if day is not None:
            day.talks.append(talk)
    return weeks


@cacheable
class MonthView(TemplateView):
    """A month of public talks as a grid (a list of days on narrow screens)."""

    template_name = "seminars/month.html"

    def month(self) -> tuple[int, int]:
        if "year" not in self.kwargs:
            today = timezone.localdate()
            return today.year, today.month
        return int(self.kwargs["year"]), int(self.kwargs["month"])

    def get_context_data(self, **kwargs):
        year, month = self.month()
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404("No such month.")
        zone = timezone.get_current_timezone()
        first = datetime.date(year, month, 1)
        following = datetime.date(*shift_month(year, month, 1), 1)
        talks = list(
            Talk.objects.public()
            .with_speakers()
            .starting_between(
                datetime.datetime.combine(first, datetime.time.min, zone) - ZONE_MARGIN,
                datetime.datetime.combine(following, datetime.time.min, zone) + ZONE_MARGIN,
            )
        )
        weeks = month_weeks(year, month, talks, timezone.localdate())
        previous, next_ = shift_month(year, month, -1), shift_month(year, month, 1)
        return super().get_context_data(
            month_name=month_year(first),
            weeks=weeks,
            weekdays=[(gregorian.day_name[index], gregorian.day_abbr[index]) for index in range(7)],
            has_talks=any(day.talks for week in weeks for day in week),
            previous=previous if previous[0] >= FIRST_YEAR else None,
            previous_name=month_year(datetime.date(*previous, 1)),
            next=next_ if next_[0] <= LAST_YEAR else None,
            next_name=month_year(datetime.date(*next_, 1)),
            **kwargs,
        )
