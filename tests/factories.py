"""The test data: factory_boy factories and their presets."""

import datetime

import factory

from seminars.models import EventType, Series, Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker

WEEK = datetime.timedelta(weeks=1)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    name = factory.Sequence(lambda n: f"University {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    affiliation = factory.SubFactory(AffiliationFactory)


class SeriesFactory(factory.django.DjangoModelFactory):
    """The series "Test Seminar" (made once, then reused), or the one named."""

    class Meta:
        model = Series
        django_get_or_create = ("name",)

    name = "Test Seminar"
    timezone = "America/New_York"
    default_location = "Room 101"


class NewSeriesFactory(SeriesFactory):
    """A series of its own, "Series 1", "Series 2", ... (SeriesFactory reuses one series)."""

    name = factory.Sequence(lambda n: f"Series {n}")


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ("name",)  # the default event types come with a migration

    name = factory.Sequence(lambda n: f"Event type {n}")


class TalkFactory(factory.django.DjangoModelFactory):
    """A published talk in "Test Seminar" on Tuesday 8 December 2026, 12:00 to 13:00 in New
    York; TalkFactory(speakers=[a, b], event_types=[tag]) adds speakers in that order, and tags."""

    class Meta:
        model = Talk
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Talk {n}")
    series = factory.SubFactory(SeriesFactory)
    start = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC)
    end = factory.LazyAttribute(lambda talk: talk.start + datetime.timedelta(hours=1))
    location = "Room 101"
    abstract = "An abstract."
    status = Talk.Status.PUBLISHED

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            for order, speaker in enumerate(extracted):
                TalkSpeaker.objects.create(talk=self, speaker=speaker, order=order)

    @factory.post_generation
    def event_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.event_types.set(extracted)


class WeeklyTalkFactory(TalkFactory):
    """The calendar tests' talk: published, in a series of its own (NewSeriesFactory), weekly
    on Tuesdays at 12:00 series time from 27 October 2026, across the end of daylight-saving
    time (tests/clock.py BEFORE_DST_ENDS); the series gives its end and room; no abstract."""

    series = factory.SubFactory(NewSeriesFactory)
    start = factory.LazyAttributeSequence(
        lambda talk, n: (
            datetime.datetime(2026, 10, 27, 12, 0, tzinfo=talk.series.zoneinfo) + WEEK * (n % 50)
        )
    )
    end = None
    location = ""
    abstract = ""
