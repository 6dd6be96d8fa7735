import datetime

import pytest

from seminars import formatting
from seminars.models import Series, Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker

NEW_YORK = Series(name="Systems Seminar", timezone="America/New_York")


def utc(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


def talk(start: datetime.datetime, end: datetime.datetime, **fields) -> Talk:
    return Talk(series=NEW_YORK, start=start, end=end, title="Tail latency", **fields)


def test_when_same_day_names_the_zone_once():
    assert formatting.when(talk(utc(2026, 12, 8, 17), utc(2026, 12, 8, 18))) == (
        "Tue 8 Dec 2026, 12:00–13:00 EST"
    )


def test_when_across_midnight_names_both_days():
    assert formatting.when(talk(utc(2026, 12, 9, 3), utc(2026, 12, 9, 6))) == (
        "Tue 8 Dec 2026, 22:00 EST – Wed 9 Dec 2026, 01:00 EST"
    )


def test_when_across_the_change_from_summer_time_names_both_zones():
    # Daylight saving time ends in New York at 02:00 on Sunday 1 November 2026.
    assert formatting.when(talk(utc(2026, 11, 1, 3), utc(2026, 11, 2, 3))) == (
        "Sat 31 Oct 2026, 23:00 EDT – Sun 1 Nov 2026, 22:00 EST"
    )


def test_day_label_does_not_pad_a_single_digit_day():
    assert formatting.day_label(datetime.date(2026, 12, 1)) == "Tue 1 Dec 2026"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 10, 20, 16), "Tue 20 Oct 2026, 12:00 EDT"),
        (utc(2026, 12, 1, 17), "Tue 1 Dec 2026, 12:00 EST"),
    ],
)
def test_series_time_names_the_zone_in_force_that_day(moment, expected):
    assert formatting.series_time(moment.astimezone(NEW_YORK.zoneinfo)) == expected


def test_short_time_leaves_out_year_and_zone():
    moment = utc(2026, 12, 8, 17).astimezone(NEW_YORK.zoneinfo)

    assert formatting.short_time(moment) == "Tue 8 Dec, 12:00"


def test_month_year_spells_the_month():
    assert formatting.month_year(utc(2026, 12, 1, 17)) == "December 2026"


def test_speaker_credit_with_and_without_affiliation():
    assert formatting.speaker_credit("Tushar Krishna", "Georgia Tech") == (
        "Tushar Krishna (Georgia Tech)"
    )
    assert formatting.speaker_credit("Tushar Krishna", None) == "Tushar Krishna"
    assert formatting.speaker_credit("Tushar Krishna", "") == "Tushar Krishna"


def test_link_credit_names_the_affiliation_of_the_talk_and_its_short_name_if_asked():
    speaker = Speaker(name="Tushar Krishna")
    then = Affiliation(name="Georgia Institute of Technology", short_name="Georgia Tech")
    link = TalkSpeaker(speaker=speaker, affiliation=then)

    assert formatting.link_credit(link) == "Tushar Krishna (Georgia Institute of Technology)"
    assert formatting.short_credit(link) == "Tushar Krishna (Georgia Tech)"
    assert formatting.short_credit(TalkSpeaker(speaker=speaker)) == "Tushar Krishna"


def test_link_credit_short_falls_back_to_the_full_name():
    link = TalkSpeaker(speaker=Speaker(name="Yuliang Li"), affiliation=Affiliation(name="Google"))

    assert formatting.short_credit(link) == "Yuliang Li (Google)"


def test_speaker_label_is_plural_for_several_speakers():
    assert [formatting.speaker_label(count) for count in (1, 2)] == ["Speaker", "Speakers"]


def test_talk_title_marks_a_cancelled_talk():
    start, end = utc(2026, 12, 8, 17), utc(2026, 12, 8, 18)
    cancelled = talk(start, end, status=Talk.Status.CANCELLED)

    assert formatting.talk_title(cancelled) == "Cancelled: Tail latency"
    assert formatting.talk_title(talk(start, end)) == "Tail latency"
    assert formatting.with_status("Tail latency (Yuliang Li)", cancelled) == (
        "Cancelled: Tail latency (Yuliang Li)"
    )


def test_status_marker_names_a_cancelled_talk_and_a_placeholder():
    start, end = utc(2026, 12, 8, 17), utc(2026, 12, 8, 18)

    assert [
        formatting.status_marker(talk(start, end, status=Talk.Status.CANCELLED)),
        formatting.status_marker(talk(start, end, is_placeholder=True)),
        formatting.status_marker(talk(start, end)),
    ] == ["Cancelled", "Speaker to be announced", ""]
