import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from seminars.models import EventType, Series, Talk, TalkSpeaker
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    VenueFactory,
)
from tests.query_budgets import QUERIES

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_talk_end_before_start_is_refused_by_the_database():
    talk = TalkFactory()
    talk.end = talk.start - HOUR
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


def test_talk_end_equal_to_start_is_refused_by_the_database():
    talk = TalkFactory()
    talk.end = talk.start
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


def test_talk_clean_end_before_start_is_an_error_on_the_end_field():
    talk = TalkFactory.build(series=SeriesFactory())
    talk.end = talk.start - HOUR
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert error.value.message_dict == {"end": ["The end must be after the start."]}


def test_talk_blank_end_and_location_take_the_series_defaults():
    series = SeriesFactory(
        default_location="Hall B", default_duration=datetime.timedelta(minutes=90)
    )
    start = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC)
    talk = Talk.objects.create(title="Defaults", series=series, start=start, location="")
    assert (talk.end, talk.location) == (start + datetime.timedelta(minutes=90), "Hall B")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", datetime.datetime(2026, 12, 8, 16, 0, tzinfo=datetime.UTC)),
        ("end", datetime.datetime(2026, 12, 8, 19, 0, tzinfo=datetime.UTC)),
        ("location", "Another room"),
        ("title", "A new title"),
        ("status", Talk.Status.CANCELLED),
        ("is_placeholder", True),  # STATUS:CONFIRMED becomes TENTATIVE
    ],
)
def test_talk_sequence_goes_up_when_a_calendar_field_changes(field, value):
    talk = TalkFactory()
    setattr(talk, field, value)
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("abstract", "A longer abstract."),
        ("host", "Someone"),
        ("online_url", "https://example.org/meet"),
        ("registration_url", "https://example.org/register"),
    ],
)
def test_talk_sequence_stays_when_other_fields_change(field, value):
    talk = TalkFactory()
    setattr(talk, field, value)
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 0


def test_talk_sequence_stays_when_saved_unchanged():
    talk = TalkFactory()
    talk.save()
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 0


def test_talk_sequence_counts_each_change():
    talk = TalkFactory()
    talk.location = "Room 2"
    talk.save()
    talk.title = "Renamed"
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 2


def test_talk_sequence_is_saved_with_update_fields():
    talk = TalkFactory()
    talk.status = Talk.Status.CANCELLED
    talk.save(update_fields=["status"])
    talk.refresh_from_db()
    assert (talk.status, talk.sequence) == (Talk.Status.CANCELLED, 1)


def test_talk_uid_never_changes():
    talk = TalkFactory()
    uid = talk.uid
    talk.title = "Another title"
    talk.slug = "another-slug"
    talk.start += HOUR
    talk.end += HOUR
    talk.series = SeriesFactory(name="Another series")
    talk.save()
    talk.refresh_from_db()
    assert talk.uid == uid


def test_talk_uids_differ_between_talks():
    assert TalkFactory().uid != TalkFactory().uid


def test_talk_speaker_keeps_the_affiliation_at_the_time_after_the_speaker_moves():
    chicago = AffiliationFactory(name="University of Chicago")
    speaker = SpeakerFactory(name="William Nixon", affiliation=chicago)
    talk = TalkFactory(speakers=[speaker])
    speaker.affiliation = AffiliationFactory(name="Google")
    speaker.save()
    link = TalkSpeaker.objects.get(talk=talk, speaker=speaker)
    assert link.affiliation == chicago


def test_talk_speaker_explicit_affiliation_is_kept():
    speaker = SpeakerFactory()
    other = AffiliationFactory(name="Keysight")
    link = TalkSpeaker.objects.create(talk=TalkFactory(), speaker=speaker, affiliation=other)
    assert link.affiliation == other


def test_talk_speaker_is_listed_once_per_talk():
    speaker = SpeakerFactory()
    talk = TalkFactory(speakers=[speaker])
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkSpeaker.objects.create(talk=talk, speaker=speaker, order=1)


def test_series_in_use_cannot_be_deleted():
    talk = TalkFactory()
    with pytest.raises(ProtectedError):
        talk.series.delete()
    assert Talk.objects.filter(pk=talk.pk).exists()


def test_speaker_in_use_cannot_be_deleted():
    speaker = SpeakerFactory()
    talk = TalkFactory(speakers=[speaker])
    with pytest.raises(ProtectedError):
        speaker.delete()
    assert list(talk.speakers.all()) == [speaker]


def test_affiliation_of_a_speaker_cannot_be_deleted():
    speaker = SpeakerFactory()
    with pytest.raises(ProtectedError):
        speaker.affiliation.delete()


def test_affiliation_used_by_a_talk_cannot_be_deleted():
    old = AffiliationFactory()
    speaker = SpeakerFactory(affiliation=old)
    TalkFactory(speakers=[speaker])
    speaker.affiliation = None
    speaker.save()
    with pytest.raises(ProtectedError):
        old.delete()


def test_event_type_in_use_cannot_be_deleted():
    seminar = EventTypeFactory(name="Colloquium")
    talk = TalkFactory(event_types=[seminar])
    with pytest.raises(ProtectedError):
        seminar.delete()
    assert list(talk.event_types.all()) == [seminar]


def test_event_type_unused_can_be_deleted():
    unused = EventTypeFactory(name="Unused")
    unused.delete()
    assert not EventType.objects.filter(name="Unused").exists()


def test_deleting_a_talk_keeps_its_speakers():
    speaker = SpeakerFactory()
    TalkFactory(speakers=[speaker]).delete()
    assert speaker.__class__.objects.filter(pk=speaker.pk).exists()


def test_default_event_types_exist():
    assert list(EventType.objects.values_list("name", flat=True)) == [
        "Digest talk",
        "Round table",
        "Seminar",
        "Special event",
        "Tech week",
    ]


def test_series_unknown_timezone_is_a_form_error():
    series = Series(name="Bad", timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert list(error.value.message_dict) == ["timezone"]


def test_series_timezone_defaults_to_settings():
    assert Series(name="New").timezone == "America/New_York"


def test_series_next_free_start_skips_taken_weeks(now):
    series = SeriesFactory(name="Weekly")
    # Tuesdays at noon New York time (17:00 UTC).
    TalkFactory(series=series, start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC))
    TalkFactory(series=series, start=datetime.datetime(2026, 12, 15, 17, 0, tzinfo=datetime.UTC))
    start = series.next_free_start()
    assert start.isoformat() == "2026-12-22T12:00:00-05:00"


def test_series_next_free_start_for_a_new_series_is_tomorrow(now):
    start = SeriesFactory(name="Brand new").next_free_start()
    assert start.isoformat() == "2026-12-03T12:00:00-05:00"


@pytest.mark.usefixtures("now")
def test_public_excludes_drafts():
    draft = TalkFactory(status=Talk.Status.DRAFT)
    published = TalkFactory(status=Talk.Status.PUBLISHED)
    cancelled = TalkFactory(status=Talk.Status.CANCELLED)
    assert draft.pk
    assert set(Talk.objects.public()) == {published, cancelled}


def test_scheduled_excludes_drafts_and_cancelled():
    TalkFactory(status=Talk.Status.DRAFT)
    TalkFactory(status=Talk.Status.CANCELLED)
    published = TalkFactory(status=Talk.Status.PUBLISHED)
    assert list(Talk.objects.scheduled()) == [published]


def test_upcoming_includes_a_talk_in_progress_and_past_the_ended_ones(now):
    ended = TalkFactory(start=now - 2 * HOUR, end=now - HOUR)
    in_progress = TalkFactory(start=now - HOUR, end=now + HOUR)
    later = TalkFactory(start=now + HOUR, end=now + 2 * HOUR)
    assert list(Talk.objects.upcoming()) == [in_progress, later]
    assert list(Talk.objects.past()) == [ended]
    assert in_progress.is_happening() is True


def test_next_talk_is_the_earliest_scheduled_unfinished_talk(now):
    TalkFactory(start=now - 2 * HOUR, end=now - HOUR)
    TalkFactory(start=now + HOUR, end=now + 2 * HOUR, status=Talk.Status.CANCELLED)
    TalkFactory(start=now + HOUR, end=now + 2 * HOUR, status=Talk.Status.DRAFT)
    expected = TalkFactory(start=now + 2 * HOUR, end=now + 3 * HOUR)
    TalkFactory(start=now + 3 * HOUR, end=now + 4 * HOUR)
    assert Talk.objects.next_talk() == expected


def test_next_talk_is_none_when_nothing_is_scheduled(now):
    TalkFactory(start=now - 2 * HOUR, end=now - HOUR)
    assert Talk.objects.next_talk() is None


def test_with_speakers_keeps_speaker_order(django_assert_num_queries):
    first, second = SpeakerFactory(name="Venkat Pullela"), SpeakerFactory(name="Tushar Krishna")
    talk = TalkFactory(speakers=[first, second])
    # The order field decides, not the name or the primary key.
    TalkSpeaker.objects.filter(talk=talk, speaker=first).update(order=5)
    with django_assert_num_queries(QUERIES["talk with speakers"]):
        fetched = Talk.objects.with_speakers().get(pk=talk.pk)
        names = [link.speaker.name for link in fetched.speaker_links()]
        affiliations = [link.affiliation.name for link in fetched.speaker_links()]
    assert names == ["Tushar Krishna", "Venkat Pullela"]
    assert affiliations == [second.affiliation.name, first.affiliation.name]


def test_talk_local_start_is_in_the_series_timezone():
    zurich = SeriesFactory(name="Zurich Seminar", timezone="Europe/Zurich")
    talk = TalkFactory(
        series=zurich, start=datetime.datetime(2026, 7, 7, 10, 0, tzinfo=datetime.UTC)
    )
    assert talk.local_start.isoformat() == "2026-07-07T12:00:00+02:00"


def test_moments_around_are_the_last_and_next_start_or_end():
    start = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC)
    week = datetime.timedelta(days=7)
    TalkFactory(start=start)
    TalkFactory(start=start + week)

    moments = [
        Talk.objects.moments_around(moment)
        for moment in (start - HOUR, start, start + HOUR / 2, start + 2 * HOUR, start + 2 * week)
    ]

    assert moments == [
        (None, start),
        (start, start + HOUR),
        (start, start + HOUR),
        (start + HOUR, start + week),
        (start + week + HOUR, None),
    ]


def test_moments_around_of_ends_only_skip_the_starts():
    start = datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC)
    week = datetime.timedelta(days=7)
    TalkFactory(start=start)
    TalkFactory(start=start + week)

    moments = [
        Talk.objects.moments_around(moment, fields=("end",))
        for moment in (start - HOUR, start + HOUR / 2, start + HOUR, start + 2 * week)
    ]

    assert moments == [
        (None, start + HOUR),
        (None, start + HOUR),
        (start + HOUR, start + week + HOUR),
        (start + week + HOUR, None),
    ]


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("47.3", None), (None, "8.5"), ("91", "8.5"), ("47.3", "181")]
)
def test_venue_refuses_half_or_impossible_coordinates(latitude, longitude):
    with pytest.raises(IntegrityError):
        VenueFactory(latitude=latitude, longitude=longitude)
