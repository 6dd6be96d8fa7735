"""The archive's years: a talk belongs to the year it starts in, in its series' timezone."""

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Q, When
from django.db.models.functions import ExtractYear

from seminars.models import Series, TalkQuerySet


def new_year(year: int, zone: str) -> datetime.datetime:
    """Return the moment `year` begins in `zone`."""
    return datetime.datetime(year, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone))


@dataclass(frozen=True)
class ArchiveYears:
    """The years some talks start in, each in its series' timezone, newest first."""

    years: list[int]
    zones: list[str]

    @classmethod
    def of(cls, talks: TalkQuerySet) -> "ArchiveYears":
        """Return the years of `talks`: one query for the series' timezones (a few rows) and
        one for the years, with no row sent to Python per talk."""
        # SQLite cannot convert a start to a timezone named in a row (it has no zone rules),
        # so the query names each zone the series use and picks the talk's series' one.
        zones = sorted(set(Series.objects.values_list("timezone", flat=True)))
        local_year = Case(
            *(
                When(
                    series__timezone=zone, then=ExtractYear("start", tzinfo=zoneinfo.ZoneInfo(zone))
                )
                for zone in zones
            )
        )
        years = (
            talks.order_by()
            .annotate(local_year=local_year)
            .values_list("local_year", flat=True)
            .distinct()
        )
        return cls(years=sorted(years, reverse=True), zones=zones)

    def talks_in(self, talks: TalkQuerySet, year: int) -> TalkQuerySet:
        """Return those of `talks` that start in `year` in their series' timezone."""
        if year not in self.years:
            return talks.none()
        zones_by_bounds: dict[tuple[datetime.datetime, datetime.datetime], list[str]] = {}
        for zone in self.zones:
            bounds = (new_year(year, zone), new_year(year + 1, zone))
            zones_by_bounds.setdefault(bounds, []).append(zone)
        starts, ends = zip(*zones_by_bounds, strict=True)
        # The year in every zone lies within ±14 hours of the UTC year: the database reads
        # that range by the index on `start` (as BETWEEN, which SQLite prefers to the bound
        # public() adds), takes the talks the zones agree on, and looks up the series' zone
        # only for the talks of the hours around New Year.
        in_every_zone = Q(start__gte=max(starts), start__lt=min(ends))
        in_its_zone = reduce(
            or_,
            (
                Q(series__timezone__in=zones, start__gte=start, start__lt=end)
                for (start, end), zones in zones_by_bounds.items()
            ),
        )
        return talks.filter(start__range=(min(starts), max(ends))).filter(
            in_every_zone | in_its_zone
        )
