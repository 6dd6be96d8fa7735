"""A conditional request never makes the API say that something exists when it does not:
`If-None-Match: *` and If-Modified-Since get the 404 or 400 a plain request gets (RFC 9110
§13.1.2), while a client's own ETag still gets its cheap 304."""

import pytest

from tests.query_budgets import API_304

pytestmark = pytest.mark.django_db

LATER = "Fri, 01 Jan 2100 00:00:00 GMT"


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/talks/nonexistent-talk/", 404, "slug"),
        ("/api/speakers/nobody/", 404, "slug"),
        ("/api/talks/?series=nope", 404, "series"),
        ("/api/talks/?venue=nowhere", 404, "venue"),
        ("/api/talks/?has=pdf", 404, "has"),
        ("/api/talks/?page=99", 404, "page"),
        ("/api/talks/?from=2030-01-01&to=2020-01-01", 400, "to"),
    ],
)
@pytest.mark.parametrize(
    "conditions", [{"If-None-Match": "*"}, {"If-Modified-Since": LATER}, {"If-Match": "*"}]
)
def test_a_conditional_request_for_what_does_not_exist_is_answered_as_a_plain_one(
    client, demo, url, status, parameter, conditions
):
    plain = client.get(url)
    conditional = client.get(url, headers=conditions)

    assert (conditional.status_code, conditional.json()) == (plain.status_code, plain.json())
    assert (conditional.status_code, conditional.json()["parameter"]) == (status, parameter)


@pytest.mark.parametrize(
    "url", ["/api/talks/?series=systems-seminar", "/api/speakers/venkat-pullela/"]
)
def test_if_none_match_star_for_what_exists_is_304(client, demo, url):
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304


@pytest.mark.parametrize("url", ["/api/speakers/venkat-pullela/", "/api/series/"])
def test_the_clients_own_etag_is_still_304_after_the_version_alone(
    client, demo, django_assert_num_queries, url
):
    first = client.get(url)

    with django_assert_num_queries(API_304[url]):
        again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
