"""Talks for the query-count tests of the JSON API and the embeds."""

import datetime

from seminars.models import EventType
from tests.factories import AffiliationFactory, SeriesFactory, SpeakerFactory, TalkFactory


def make_talks(count: int, now: datetime.datetime) -> None:
    """Make `count` talks, half past and half upcoming, each by the shared speaker and one of
    their own, tagged Seminar and Tech week, in the series "Test Seminar"."""
    series = SeriesFactory()
    shared = SpeakerFactory(
        name="Shared Speaker", affiliation=AffiliationFactory(name="Shared University")
    )
    tags = [EventType.objects.get(name="Seminar"), EventType.objects.get(name="Tech week")]
    for number in range(1, count + 1):
        TalkFactory(
            title=f"Talk {number}",
            series=series,
            start=now + datetime.timedelta(weeks=number - count // 2, hours=-1),
            speakers=[shared, SpeakerFactory()],
            event_types=tags,
        )
