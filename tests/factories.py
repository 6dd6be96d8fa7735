import datetime

import factory

from seminars.models import EventType, Series, Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker


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
    class Meta:
        model = Series
        django_get_or_create = ("name",)

    name = "Test Seminar"
    timezone = "America/New_York"
    default_location = "Room 101"


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Event type {n}")


class TalkFactory(factory.django.DjangoModelFactory):
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
        """TalkFactory(speakers=[a, b]) adds the speakers in that order."""
        if create and extracted:
            for order, speaker in enumerate(extracted):
                TalkSpeaker.objects.create(talk=self, speaker=speaker, order=order)

    @factory.post_generation
    def event_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.event_types.set(extracted)
