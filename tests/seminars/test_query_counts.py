"""Every public page costs the same number of queries however many talks there are."""

import datetime

import pytest

from seminars.http.local_copies import clear_caches
from seminars.models import EventType
from tests.factories import AffiliationFactory, SeriesFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

# What the page cache adds on a miss: the content version and the page's time window.
PAGE_CACHE_QUERIES = 2
# Public pages and what their views cost (the same at every data size).
BUDGETS = {
    "/": 9,
    "/next/": 3,
    "/talks/talk-1/": 3,
    "/archive/": 5,
    "/archive/2026/": 6,
    "/series/": 1,
    "/series/test-seminar/": 8,
    "/tags/seminar/": 8,
    "/speakers/": 1,
    "/speakers/shared-speaker/": 8,
    "/affiliations/shared-university/": 9,
    "/search/?q=talk": 4,
    "/feed/": 3,
    "/sitemap.xml": 10,
}


def make_talks(count, now):
    """Half past, half upcoming; each with the shared speaker and one of its own."""
    series = SeriesFactory()
    shared = SpeakerFactory(
        name="Shared Speaker", affiliation=AffiliationFactory(name="Shared University")
    )
    seminar = EventType.objects.get(name="Seminar")
    for number in range(1, count + 1):
        weeks = number - count // 2
        TalkFactory(
            title=f"Talk {number}",
            series=series,
            start=now + datetime.timedelta(weeks=weeks, hours=-1),
            speakers=[shared, SpeakerFactory()],
            event_types=[seminar, EventType.objects.get(name="Tech week")],
        )


@pytest.mark.parametrize("count", [4, 40])
@pytest.mark.parametrize(("url", "budget"), BUDGETS.items())
def test_public_page_query_count_is_constant(
    client, now, django_assert_num_queries, url, budget, count
):
    make_talks(count, now)
    clear_caches()

    with django_assert_num_queries(PAGE_CACHE_QUERIES + budget):
        response = client.get(url)

    assert response.status_code == (302 if url == "/next/" else 200)


@pytest.mark.parametrize("count", [4, 40])
@pytest.mark.parametrize("url", [url for url in BUDGETS if url != "/next/"])
def test_public_page_from_the_cache_costs_one_query(
    client, now, django_assert_num_queries, url, count
):
    make_talks(count, now)
    first = client.get(url)

    with django_assert_num_queries(1):
        again = client.get(url)

    assert (again.status_code, again.content) == (200, first.content)


def test_redirect_to_the_next_talk_is_never_cached(client, now, django_assert_num_queries):
    make_talks(4, now)
    client.get("/next/")

    with django_assert_num_queries(PAGE_CACHE_QUERIES + BUDGETS["/next/"]):
        response = client.get("/next/")

    assert (response.status_code, response["Location"]) == (302, "/talks/talk-3/")
