"""Every public page costs the same number of queries however many talks there are."""

import pytest

from seminars.http.local_copies import clear_caches
from tests.factories import make_talks
from tests.query_budgets import PAGES, QUERIES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [4, 40])
@pytest.mark.parametrize(("url", "budget"), PAGES.items())
def test_public_page_query_count_is_constant(
    client, now, django_assert_num_queries, url, budget, count
):
    make_talks(count, now)
    clear_caches()

    with django_assert_num_queries(QUERIES["page cache miss"] + budget):
        response = client.get(url)

    assert response.status_code == (302 if url == "/next/" else 200)


@pytest.mark.parametrize("count", [4, 40])
@pytest.mark.parametrize("url", [url for url in PAGES if url != "/next/"])
def test_public_page_from_the_cache_costs_one_query(
    client, now, django_assert_num_queries, url, count
):
    make_talks(count, now)
    first = client.get(url)

    with django_assert_num_queries(QUERIES["cached page"]):
        again = client.get(url)

    assert (again.status_code, again.content) == (200, first.content)


def test_redirect_to_the_next_talk_is_never_cached(client, now, django_assert_num_queries):
    make_talks(4, now)
    client.get("/next/")

    with django_assert_num_queries(QUERIES["page cache miss"] + PAGES["/next/"]):
        response = client.get("/next/")

    assert (response.status_code, response["Location"]) == (302, "/talks/talk-3/")
