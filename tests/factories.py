"""The test data: factory_boy factories, their presets, and make_talks for query counts."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from seminars.devdata.generate import unique_slugs
from seminars.models import EventType, Material, Series, Talk, TalkSpeaker, Venue
from seminars.signals import bump_content_version
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


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    """A link to a talk's slides (kind, url or file to say otherwise)."""

    class Meta:
        model = Material

    talk = factory.SubFactory(TalkFactory)
    kind = Material.Kind.SLIDES
    url = factory.Sequence(lambda n: f"https://example.org/material-{n}")


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


def make_talks(
    count: int, now: datetime.datetime, *, past: int | None = None, spread: bool = False
) -> list[Talk]:
    """Create `count` published talks, "Talk 1" to "Talk <count>", a week apart, of which the
    first `past` (by default half) have started an hour before `now` or earlier.

    Each talk is by the shared speaker ("Shared Speaker" of "Shared University") and a speaker
    of its own (with an affiliation of its own), and is tagged Seminar and Tech week, in the
    series "Test Seminar", in Room 101 of the venue "Shared Hall"; each has a slides link,
    every second one a recording link too; with `spread`, each is instead in a series of its
    own and has a tag of its own too. The rows are written in bulk, which sends no signals:
    the content version is bumped once at the end. A query-count test runs at two values of
    `count` with one budget.
    """
    past = count // 2 if past is None else past
    numbers = range(1, count + 1)
    shared = SpeakerFactory(
        name="Shared Speaker", affiliation=AffiliationFactory(name="Shared University")
    )
    names = [f"University of talk {n}" for n in numbers]
    affiliations = Affiliation.objects.bulk_create(
        Affiliation(name=name, slug=slug)
        for name, slug in zip(names, unique_slugs(Affiliation, names), strict=True)
    )
    names = [f"Speaker of talk {n}" for n in numbers]
    speakers = Speaker.objects.bulk_create(
        Speaker(name=name, slug=slug, affiliation=affiliation)
        for name, slug, affiliation in zip(
            names, unique_slugs(Speaker, names), affiliations, strict=True
        )
    )
    tags = [[EventType.objects.get(name="Seminar"), EventType.objects.get(name="Tech week")]]
    if spread:
        names = [f"Series of talk {n}" for n in numbers]
        series = Series.objects.bulk_create(
            Series(name=name, slug=slug, timezone="America/New_York", default_location="Room 101")
            for name, slug in zip(names, unique_slugs(Series, names), strict=True)
        )
        names = [f"Tag of talk {n}" for n in numbers]
        own_tags = EventType.objects.bulk_create(
            EventType(name=name, slug=slug)
            for name, slug in zip(names, unique_slugs(EventType, names), strict=True)
        )
        tags = [[*tags[0], tag] for tag in own_tags]
    else:
        series = [SeriesFactory()]
    venue = VenueFactory(name="Shared Hall", address="1 Main Street\nCambridge, MA 02139")
    titles = [f"Talk {n}" for n in numbers]
    talks = Talk.objects.bulk_create(
        Talk(
            title=title,
            slug=slug,
            series=series[(n - 1) % len(series)],
            start=start,
            end=start + datetime.timedelta(hours=1),
            venue=venue,
            location="Room 101",
            abstract="An abstract.",
            abstract_text="An abstract.",  # what save() makes of it
            status=Talk.Status.PUBLISHED,
        )
        for n, title, slug in zip(numbers, titles, unique_slugs(Talk, titles), strict=True)
        for start in [now + (n - past) * WEEK - datetime.timedelta(hours=1)]
    )
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speaker, affiliation=speaker.affiliation, order=order)
        for talk, own in zip(talks, speakers, strict=True)
        for order, speaker in enumerate([shared, own])
    )
    Tagging = Talk.event_types.through
    Tagging.objects.bulk_create(
        Tagging(talk=talk, eventtype=tag)
        for index, talk in enumerate(talks)
        for tag in tags[index % len(tags)]
    )
    Material.objects.bulk_create(
        Material(talk=talk, kind=kind, url=f"https://example.org/{talk.slug}/{kind}")
        for index, talk in enumerate(talks)
        for kind in (["slides", "recording"] if index % 2 else ["slides"])
    )
    bump_content_version()
    return talks


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed email subscriber to every talk."""

    class Meta:
        model = "seminars.Subscriber"

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    everything = True
    confirmed_at = factory.LazyFunction(timezone.now)


def organiser_of(series: Series, username: str = "alice"):
    """Return a new staff user in the "Seminar organisers" group who organises `series`
    (and no other series)."""
    user = get_user_model().objects.create(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Seminar organisers"))
    series.organisers.add(user)
    return user
