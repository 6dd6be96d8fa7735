import datetime

import pytest
from django.http import QueryDict

from seminars.api.listing import (
    BadParameterError,
    Paging,
    TalkListQuery,
    day_start,
    next_day,
    query_string,
)
from seminars.filters import FilterQuery


def date_error(name: str) -> str:
    return f"“{name}” must be a date written YYYY-MM-DD, such as 2026-12-08."


def parse(query: str) -> TalkListQuery:
    return TalkListQuery.from_query(QueryDict(query))


def test_talk_list_query_defaults_to_upcoming_without_filters():
    assert parse("") == TalkListQuery(FilterQuery(), "upcoming", None, None)


def test_talk_list_query_reads_filters_as_the_calendar_does():
    query = parse("tag=seminar&series=b&series=a&series=a&speaker=+x+&other=1")

    assert query.filters == FilterQuery(series=("a", "b"), tags=("seminar",), speakers=("x",))


def test_talk_list_query_reads_when_and_dates():
    assert parse("when=past&from=2026-12-01&to=2026-12-31") == TalkListQuery(
        FilterQuery(), "past", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)
    )


def test_talk_list_query_takes_blank_values_as_absent():
    assert parse("when=&from=+&to=&limit=") == TalkListQuery()


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("when=soon", "when", "“when” must be upcoming, past or all."),
        ("when=past&when=all", "when", "Give “when” only once."),
        ("from=2026-13-01", "from", date_error("from")),
        ("from=08/12/2026", "from", date_error("from")),
        ("to=20261208", "to", date_error("to")),
        ("to=2026-W49-2", "to", date_error("to")),
        ("to=0000-01-01", "to", date_error("to")),
        ("from=2026-12-09&to=2026-12-08", "to", "“to” must not be before “from”."),
    ],
)
def test_talk_list_query_refuses_values_it_does_not_understand(query, parameter, message):
    with pytest.raises(BadParameterError) as raised:
        parse(query)

    assert (raised.value.parameter, str(raised.value)) == (parameter, message)


def test_talk_list_query_pairs_are_canonical_without_defaults():
    query = parse("to=2026-12-31&speaker=x&when=all&tag=t&series=b&series=a")

    assert query.pairs() == [
        ("series", "a"),
        ("series", "b"),
        ("tag", "t"),
        ("speaker", "x"),
        ("when", "all"),
        ("to", "2026-12-31"),
    ]
    assert parse("when=upcoming").pairs() == []


def test_paging_defaults_to_the_first_20():
    assert Paging.from_query(QueryDict("")) == Paging(page=1, limit=20)


def test_paging_reads_page_and_limit():
    assert Paging.from_query(QueryDict("page=3&limit=100")) == Paging(page=3, limit=100)


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("limit=0", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=101", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=abc", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=1e2", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=-5", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=" + "9" * 5000, "limit", "“limit” must be a whole number from 1 to 100."),
        ("page=0", "page", "“page” must be a whole number from 1 to 999999999."),
        ("page=last", "page", "“page” must be a whole number from 1 to 999999999."),
        ("page=1&page=2", "page", "Give “page” only once."),
    ],
)
def test_paging_refuses_values_it_does_not_understand(query, parameter, message):
    with pytest.raises(BadParameterError) as raised:
        Paging.from_query(QueryDict(query))

    assert (raised.value.parameter, str(raised.value)) == (parameter, message)


def test_paging_pairs_leave_out_the_first_page_and_the_default_limit():
    assert Paging(page=1, limit=20).pairs() == []
    assert Paging(page=2, limit=5).pairs() == [("page", "2"), ("limit", "5")]
    assert Paging(page=2, limit=5).pairs(page=1) == [("limit", "5")]


def test_query_string_is_empty_without_pairs():
    assert query_string([]) == ""
    assert query_string([("series", "a b"), ("page", "2")]) == "?series=a+b&page=2"


def test_day_start_is_midnight_in_the_site_timezone(settings):
    settings.TIME_ZONE = "America/New_York"

    assert day_start(datetime.date(2026, 12, 8)) == datetime.datetime(
        2026, 12, 8, 5, 0, tzinfo=datetime.UTC
    )
    assert day_start(None) is None


def test_day_start_is_none_beyond_what_a_datetime_holds(settings):
    settings.TIME_ZONE = "Etc/GMT-9"  # UTC+9 (Asia/Tokyo in year 1 is local mean time)

    assert day_start(datetime.date(1, 1, 1)) is None
    assert day_start(datetime.date(1, 1, 2)) == datetime.datetime(
        1, 1, 1, 15, 0, tzinfo=datetime.UTC
    )


def test_next_day_is_none_after_the_last_date():
    assert next_day(datetime.date(2026, 12, 31)) == datetime.date(2027, 1, 1)
    assert next_day(datetime.date.max) is None
    assert next_day(None) is None
