import pytest
from django.conf import settings

from seminars.feeds.selection import feed_description, feed_timezone_name
from seminars.filters import FilterQuery, TalkFilters, UnknownFilterError
from tests.factories import EventTypeFactory, SeriesFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named():
    """A public talk of a series, with an event type and two speakers."""
    series = SeriesFactory(name="Systems Seminar", description="About *systems*.")
    event_type = EventTypeFactory(name="Reading group", description="Reading in a circle.")
    ada = SpeakerFactory(name="Ada One")
    bo = SpeakerFactory(name="Bo Two")
    talk = TalkFactory(series=series, event_types=[event_type], speakers=[bo, ada])
    return series, event_type, ada, bo, talk


def test_feed_filters_resolve_the_slugs_of_a_query_in_one_object(named):
    series, event_type, ada, bo, talk = named
    query = FilterQuery(
        series=(series.slug,), tags=(event_type.slug,), speakers=(bo.slug, ada.slug)
    )

    filters = TalkFilters.resolve(query)

    assert filters == TalkFilters(series=(series,), event_types=(event_type,), speakers=(ada, bo))
    assert list(filters.talks()) == [talk]
    assert filters.name() == "Systems Seminar — Reading group — Talks by Ada One and Bo Two"
    assert feed_description(filters) == settings.SITE_TAGLINE
    assert feed_timezone_name(filters) == series.timezone
    assert filters.page_path() is None


def test_feed_filters_refuse_a_slug_naming_nothing_public(named):
    with pytest.raises(UnknownFilterError) as raised:
        TalkFilters.resolve(FilterQuery(tags=("no-such-tag",)))

    assert (raised.value.parameter, str(raised.value)) == (
        "tag",
        "There is no tag “no-such-tag” with public talks.",
    )


def test_feed_filters_of_one_object_name_and_describe_its_feed(named):
    series, event_type, ada, _, _ = named

    assert [
        (filters.name(), feed_description(filters), filters.page_path())
        for filters in map(TalkFilters.of, (series, event_type, ada))
    ] == [
        ("Systems Seminar", "About systems.", series.get_absolute_url()),
        (
            f"{settings.SITE_NAME} — Reading group",
            "Reading in a circle.",
            event_type.get_absolute_url(),
        ),
        ("Talks by Ada One", f"Talks by Ada One at {settings.SITE_NAME}.", ada.get_absolute_url()),
    ]
    assert TalkFilters().name() == settings.SITE_NAME
    assert feed_timezone_name(TalkFilters()) == settings.TIME_ZONE
