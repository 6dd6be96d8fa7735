import datetime
import re

import pytest
import time_machine

from seminars.devdata.demo import demo_talk_uid
from seminars.models import OnlineLinkVisibility, Talk
from seminars.services import cancel_talk
from speakers.models import Affiliation, Speaker
from speakers.services import retire_slug
from tests.demo import DEMO_PAST, DEMO_UPCOMING, INFERENCE
from tests.factories import (
    EventTypeFactory,
    MaterialFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    make_talks,
)
from tests.query_budgets import API, API_304

pytestmark = pytest.mark.django_db

SITE = "https://seminars.example.org"
INFERENCE_SLUG = "inference-and-ai-infrastructure-special-event-for-bostechweek"
INFERENCE_ABSTRACT = (
    "The market focus has shifted from building LLMs and training to how to serve these "
    "models and efficient inference. In this meet up we are discussing the AI inference stack "
    "and how optimizing it is a multi dimensional problem, the role of hardware and software "
    "co-design and how applications are the only deliverable. We also deep dive into "
    "MLCommons Chakra, a framework for capturing AI application execution graphs."
)
FIREFLY = DEMO_UPCOMING[1]
HIGH_DIMENSIONAL = DEMO_UPCOMING[2]
CROSSROAD, BUILDING, ROUND_TABLE = DEMO_PAST[:3]


def date_error(name: str) -> str:
    return f"“{name}” must be a date written YYYY-MM-DD, such as 2026-12-08."


def titles(response) -> list[str]:
    return [talk["title"] for talk in response.json()["results"]]


def speaker_in_talk(slug: str, name: str, affiliation: dict) -> dict:
    return {
        "slug": slug,
        "name": name,
        "affiliation": affiliation,
        "photo": None,
        "photo_thumbnail": None,
        "url": f"{SITE}/speakers/{slug}/",
        "api_url": f"{SITE}/api/speakers/{slug}/",
    }


def affiliation(slug: str, name: str) -> dict:
    return {
        "slug": slug,
        "name": name,
        "short_name": "",
        "website": None,
        "url": f"{SITE}/affiliations/{slug}/",
    }


def event_type(slug: str, name: str) -> dict:
    return {"slug": slug, "name": name, "url": f"{SITE}/tags/{slug}/"}


EXPECTED_INFERENCE = {
    "uid": str(demo_talk_uid(INFERENCE)),
    "slug": INFERENCE_SLUG,
    "title": INFERENCE,
    "status": "published",
    "start": "2026-12-08T12:00:00-05:00",
    "end": "2026-12-08T13:00:00-05:00",
    "timezone": "America/New_York",
    "location": "Seminar Room G115",
    "venue": {
        "slug": "seminar-room-g115",
        "name": "Seminar Room G115",
        "online": False,
        "room": "",
        "address": [],
        "latitude": None,
        "longitude": None,
        "map_url": None,
        "directions": "",
        "accessibility": "",
        "capacity": None,
        "url": f"{SITE}/venues/seminar-room-g115/",
        "ics_url": f"{SITE}/venues/seminar-room-g115/calendar.ics",
        "talks_url": f"{SITE}/api/talks/?venue=seminar-room-g115",
    },
    "room": "",
    "audience": "open",
    "registration_required": False,
    "registration_url": None,
    "online_url": None,
    "placeholder": False,
    "host": "",
    "series": {
        "slug": "systems-seminar",
        "name": "Systems Seminar",
        "url": f"{SITE}/series/systems-seminar/",
    },
    "event_types": [
        event_type("special-event", "Special event"),
        event_type("tech-week", "Tech week"),
    ],
    "speakers": [
        speaker_in_talk("venkat-pullela", "Venkat Pullela", affiliation("keysight", "Keysight")),
        speaker_in_talk(
            "tushar-krishna", "Tushar Krishna", affiliation("georgia-tech", "Georgia Tech")
        ),
    ],
    "abstract_html": f"<p>{INFERENCE_ABSTRACT}</p>",
    "abstract_text": INFERENCE_ABSTRACT,
    "materials": [],
    "slides_url": None,
    "recording_url": None,
    "url": f"{SITE}/talks/{INFERENCE_SLUG}/",
    "ics_url": f"{SITE}/talks/{INFERENCE_SLUG}/calendar.ics",
    "api_url": f"{SITE}/api/talks/{INFERENCE_SLUG}/",
}


def test_api_talk_list_answers_the_upcoming_talks_soonest_first(client, demo):
    response = client.get("/api/talks/")

    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (5, None, None)
    assert titles(response) == DEMO_UPCOMING
    assert data["results"][0] == EXPECTED_INFERENCE


def test_api_talk_detail_answers_every_field_with_speakers_in_order(client, demo):
    response = client.get(f"/api/talks/{INFERENCE_SLUG}/")

    assert response.status_code == 200
    assert response.json() == EXPECTED_INFERENCE


def test_api_talk_keeps_the_affiliation_a_speaker_had_at_the_time(client, demo):
    venkat = Speaker.objects.get(name="Venkat Pullela")
    venkat.affiliation = Affiliation.objects.create(name="Lumen Labs")
    venkat.save()

    talk = client.get(f"/api/talks/{INFERENCE_SLUG}/").json()
    speaker = client.get("/api/speakers/venkat-pullela/").json()

    assert [(s["name"], s["affiliation"]["name"]) for s in talk["speakers"]] == [
        ("Venkat Pullela", "Keysight"),
        ("Tushar Krishna", "Georgia Tech"),
    ]
    assert speaker["affiliation"]["name"] == "Lumen Labs"


def test_api_talk_gives_links_html_and_plain_text_of_a_full_talk(client, now, media_root):
    speaker = SpeakerFactory(name="Ada Byron", affiliation=None)
    Speaker.objects.filter(pk=speaker.pk).update(
        photo="speakers/ada.jpg", photo_thumbnail="speakers/thumbnails/ada.jpg"
    )
    talk = TalkFactory(
        title="Engines",
        slug="engines",
        series=SeriesFactory(
            name="Zürich Colloquium", slug="zurich", timezone="Europe/Zurich", default_location=""
        ),
        start=datetime.datetime(2026, 12, 9, 16, 30, tzinfo=datetime.UTC),
        location="",
        online_url="https://meet.example.org/engines",
        online_link_visibility=OnlineLinkVisibility.PUBLIC,
        host="Charles Babbage",
        abstract="Notes on the **engine**.\n\n<script>alert(1)</script>"
        "<a href='javascript:x'>y</a>",
        speakers=[speaker],
    )

    MaterialFactory(talk=talk, kind="slides", url="https://example.org/slides.pdf")
    MaterialFactory(talk=talk, kind="recording", url="https://example.org/recording")

    data = client.get("/api/talks/engines/").json()

    assert {key: data[key] for key in ("start", "end", "timezone", "location")} == {
        "start": "2026-12-09T17:30:00+01:00",
        "end": "2026-12-09T18:30:00+01:00",
        "timezone": "Europe/Zurich",
        "location": "",
    }
    assert {key: data[key] for key in ("online_url", "host", "slides_url", "recording_url")} == {
        "online_url": "https://meet.example.org/engines",
        "host": "Charles Babbage",
        "slides_url": "https://example.org/slides.pdf",
        "recording_url": "https://example.org/recording",
    }
    assert data["abstract_html"] == (
        "<p>Notes on the <strong>engine</strong>.</p>\n\n"
        '<p><a rel="nofollow noopener noreferrer">y</a></p>'
    )
    assert data["abstract_text"] == "Notes on the engine.\ny"
    assert data["speakers"] == [
        {
            "slug": "ada-byron",
            "name": "Ada Byron",
            "affiliation": None,
            "photo": f"{SITE}/media/speakers/ada.jpg",
            "photo_thumbnail": f"{SITE}/media/speakers/thumbnails/ada.jpg",
            "url": f"{SITE}/speakers/ada-byron/",
            "api_url": f"{SITE}/api/speakers/ada-byron/",
        }
    ]


def test_api_marks_a_cancelled_talk_and_keeps_it_listed(client, demo):
    cancel_talk(Talk.objects.get(title=FIREFLY))

    results = client.get("/api/talks/").json()["results"]

    assert [(talk["title"], talk["status"]) for talk in results[:3]] == [
        (INFERENCE, "published"),
        (FIREFLY, "cancelled"),
        (HIGH_DIMENSIONAL, "published"),
    ]


@pytest.fixture
def drafts(demo):
    """Drafts that could leak: in a series, by a speaker and of a tag with nothing public."""
    hidden_series = SeriesFactory(name="Hidden Series", slug="hidden-series")
    hidden_speaker = SpeakerFactory(name="Draft Speaker", slug="draft-speaker")
    hidden_tag = EventTypeFactory(name="Hidden tag", slug="hidden-tag")
    systems = Talk.objects.get(title=INFERENCE).series
    for series, slug in ((hidden_series, "hidden-draft"), (systems, "systems-draft")):
        TalkFactory(
            title=f"Draft {slug}",
            slug=slug,
            series=series,
            start=datetime.datetime(2026, 12, 10, 17, 0, tzinfo=datetime.UTC),
            speakers=[hidden_speaker, Speaker.objects.get(name="Venkat Pullela")],
            event_types=[hidden_tag],
            status=Talk.Status.DRAFT,
        )
    assert Talk.objects.filter(status=Talk.Status.DRAFT).count() == 2


def test_api_lists_leave_drafts_out(client, drafts):
    assert titles(client.get("/api/talks/?when=all&limit=100")) == DEMO_PAST[::-1] + DEMO_UPCOMING
    assert titles(client.get("/api/talks/?speaker=venkat-pullela")) == [INFERENCE]
    assert [s["slug"] for s in client.get("/api/series/").json()["results"]] == ["systems-seminar"]


@pytest.mark.parametrize(
    ("url", "parameter", "message"),
    [
        ("/api/talks/systems-draft/", "slug", "There is no public talk “systems-draft”."),
        ("/api/talks/hidden-draft/", "slug", "There is no public talk “hidden-draft”."),
        (
            "/api/speakers/draft-speaker/",
            "slug",
            "There is no speaker “draft-speaker” with public talks.",
        ),
        (
            "/api/talks/?series=hidden-series",
            "series",
            "There is no series “hidden-series” with public talks.",
        ),
        ("/api/talks/?tag=hidden-tag", "tag", "There is no tag “hidden-tag” with public talks."),
    ],
)
def test_api_answers_404_for_what_only_drafts_have(client, drafts, url, parameter, message):
    response = client.get(url)

    assert (response.status_code, response.json()) == (
        404,
        {"error": message, "parameter": parameter},
    )


FILTERS = [
    ("/api/talks/?when=past", DEMO_PAST),
    ("/api/talks/?when=all&limit=100", DEMO_PAST[::-1] + DEMO_UPCOMING),
    ("/api/talks/?series=systems-seminar", DEMO_UPCOMING),
    ("/api/talks/?tag=seminar", DEMO_UPCOMING[1:]),
    ("/api/talks/?tag=special-event&tag=digest-talk&when=all", [CROSSROAD, INFERENCE]),
    ("/api/talks/?speaker=tushar-krishna", [INFERENCE]),
    ("/api/talks/?speaker=tushar-krishna&speaker=yuliang-li", [INFERENCE, FIREFLY]),
    ("/api/talks/?speaker=tushar-krishna&tag=seminar", []),
    ("/api/talks/?series=systems-seminar&tag=tech-week", [INFERENCE]),
    ("/api/talks/?from=2026-12-15&to=2026-12-22", [FIREFLY, HIGH_DIMENSIONAL]),
    ("/api/talks/?to=2026-12-15", [INFERENCE, FIREFLY]),
    ("/api/talks/?when=all&from=2026-11-24&to=2026-12-08", [BUILDING, CROSSROAD, INFERENCE]),
    ("/api/talks/?when=past&from=2026-11-17", [CROSSROAD, BUILDING, ROUND_TABLE]),
    ("/api/talks/?when=past&from=2026-12-08", []),
    (
        "/api/talks/?when=all&from=0001-01-01&to=9999-12-31&limit=100",
        DEMO_PAST[::-1] + DEMO_UPCOMING,
    ),
]


@pytest.mark.parametrize(("url", "expected"), FILTERS)
def test_api_talk_list_filters(client, demo, url, expected):
    response = client.get(url)

    assert response.status_code == 200
    assert titles(response) == expected
    assert response.json()["count"] == len(expected)


def test_api_talk_list_dates_are_days_in_the_site_timezone(client, demo, settings):
    assert settings.TIME_ZONE == "America/New_York"
    zurich = SeriesFactory(name="Zürich Colloquium", slug="zurich", timezone="Europe/Zurich")
    # 23 December at 01:00 in Zürich is still 22 December in New York.
    TalkFactory(
        title="Late",
        series=zurich,
        start=datetime.datetime(2026, 12, 23, 1, 0, tzinfo=zurich.zoneinfo),
    )

    on_22nd = titles(client.get("/api/talks/?from=2026-12-22&to=2026-12-22"))
    on_23rd = titles(client.get("/api/talks/?from=2026-12-23&to=2026-12-23"))

    assert (on_22nd, on_23rd) == ([HIGH_DIMENSIONAL, "Late"], [])


def test_api_talk_list_is_paginated_with_absolute_links(client, demo):
    pages = [client.get(f"/api/talks/?when=all&limit=4&page={n}").json() for n in (1, 2, 3)]

    assert [(page["count"], page["previous"], page["next"]) for page in pages] == [
        (10, None, f"{SITE}/api/talks/?when=all&page=2&limit=4"),
        (10, f"{SITE}/api/talks/?when=all&limit=4", f"{SITE}/api/talks/?when=all&page=3&limit=4"),
        (10, f"{SITE}/api/talks/?when=all&page=2&limit=4", None),
    ]
    assert [[t["title"] for t in page["results"]] for page in pages] == [
        DEMO_PAST[::-1][:4],
        DEMO_PAST[::-1][4:] + DEMO_UPCOMING[:3],
        DEMO_UPCOMING[3:],
    ]


def test_api_page_links_use_the_normalised_query(client, demo):
    data = client.get("/api/talks/?tag=seminar&series=systems-seminar&limit=1&extra=x").json()

    assert data["next"] == f"{SITE}/api/talks/?series=systems-seminar&tag=seminar&page=2&limit=1"


def test_api_page_beyond_the_last_is_404(client, demo):
    response = client.get("/api/talks/?limit=2&page=4")

    assert (response.status_code, response.json()) == (
        404,
        {"error": "There is no page 4; the last is 3.", "parameter": "page"},
    )


def test_api_empty_list_has_a_first_page(client, demo):
    data = client.get("/api/talks/?from=2030-01-01").json()

    assert data == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("when=soon", "when", "“when” must be upcoming, past or all."),
        ("from=2026-02-30", "from", date_error("from")),
        ("to=tomorrow", "to", date_error("to")),
        ("from=2026-12-09&to=2026-12-08", "to", "“to” must not be before “from”."),
        ("limit=abc", "limit", "“limit” must be a whole number from 1 to 100."),
        ("limit=500", "limit", "“limit” must be a whole number from 1 to 100."),
        ("page=0", "page", "“page” must be a whole number from 1 to 999999999."),
        ("when=past&when=all", "when", "Give “when” only once."),
    ],
)
def test_api_talk_list_answers_400_json_to_a_malformed_parameter(
    client, demo, query, parameter, message
):
    response = client.get(f"/api/talks/?{query}")

    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"error": message, "parameter": parameter}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("url", "parameter", "message"),
    [
        ("/api/talks/?series=nope", "series", "There is no series “nope” with public talks."),
        ("/api/talks/?tag=seminar&tag=nope", "tag", "There is no tag “nope” with public talks."),
        ("/api/talks/?speaker=nope", "speaker", "There is no speaker “nope” with public talks."),
        ("/api/talks/nope/", "slug", "There is no public talk “nope”."),
        ("/api/speakers/nope/", "slug", "There is no speaker “nope” with public talks."),
    ],
)
def test_api_answers_404_json_naming_the_parameter_of_an_unknown_slug(
    client, demo, url, parameter, message
):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"error": message, "parameter": parameter}


def test_api_series_bad_page_is_400(client, demo):
    response = client.get("/api/series/?page=x")

    assert (response.status_code, response.json()) == (
        400,
        {"error": "“page” must be a whole number from 1 to 999999999.", "parameter": "page"},
    )


def test_api_finds_a_talk_by_its_old_slug(client, demo):
    talk = Talk.objects.get(title=INFERENCE)
    talk.slug = "inference"
    talk.save()
    retire_slug(talk, INFERENCE_SLUG)

    old = client.get(f"/api/talks/{INFERENCE_SLUG}/")

    assert (old.status_code, old.json()["slug"], old.json()["url"]) == (
        200,
        "inference",
        f"{SITE}/talks/inference/",
    )


def test_api_series_list_answers_the_series_with_public_talks(client, demo):
    SeriesFactory(name="Empty Series", slug="empty-series")

    data = client.get("/api/series/").json()

    assert data == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "systems-seminar",
                "name": "Systems Seminar",
                "description_html": (
                    "<p>A weekly seminar on computer systems: networks, databases, distributed "
                    "systems, security and the systems behind machine learning. Everyone is "
                    "welcome.</p>"
                ),
                "description_text": (
                    "A weekly seminar on computer systems: networks, databases, distributed "
                    "systems, security and the systems behind machine learning. Everyone is "
                    "welcome."
                ),
                "timezone": "America/New_York",
                "url": f"{SITE}/series/systems-seminar/",
                "ics_url": f"{SITE}/series/systems-seminar/calendar.ics",
                "talks_url": f"{SITE}/api/talks/?series=systems-seminar",
            }
        ],
    }


def test_api_speaker_detail_answers_public_fields_and_never_the_email(client, demo, media_root):
    Speaker.objects.filter(name="Tushar Krishna").update(
        position="Professor",
        bio="Works on *accelerators*.",
        homepage="https://tushar.example.org",
        email="tushar@example.org",
        photo="speakers/tk.png",
        photo_thumbnail="speakers/thumbnails/tk.png",
    )

    response = client.get("/api/speakers/tushar-krishna/")

    assert response.json() == {
        "slug": "tushar-krishna",
        "name": "Tushar Krishna",
        "affiliation": affiliation("georgia-tech", "Georgia Tech"),
        "photo": f"{SITE}/media/speakers/tk.png",
        "photo_thumbnail": f"{SITE}/media/speakers/thumbnails/tk.png",
        "url": f"{SITE}/speakers/tushar-krishna/",
        "api_url": f"{SITE}/api/speakers/tushar-krishna/",
        "position": "Professor",
        "bio_html": "<p>Works on <em>accelerators</em>.</p>",
        "bio_text": "Works on accelerators.",
        "homepage": "https://tushar.example.org",
        "ics_url": f"{SITE}/speakers/tushar-krishna/calendar.ics",
        "talks_url": f"{SITE}/api/talks/?speaker=tushar-krishna&when=all",
    }
    assert b"tushar@example.org" not in response.content


def test_api_speaker_talks_url_lists_their_talks(client, demo):
    talks_url = client.get("/api/speakers/tushar-krishna/").json()["talks_url"]

    assert titles(client.get(talks_url.removeprefix(SITE))) == [INFERENCE]


# Conditional requests, caching and CORS

API_URLS = list(API_304)


@pytest.mark.parametrize(("url", "queries"), API_304.items())
def test_api_answers_a_repeated_request_304_after_at_most_two_queries(
    client, demo, django_assert_num_queries, url, queries
):
    first = client.get(url)
    with django_assert_num_queries(queries):
        again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert re.fullmatch(r'"[0-9a-f]{40}"', first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert {name: again.get(name) for name in ("ETag", "Cache-Control")} == {
        "ETag": first["ETag"],
        "Cache-Control": "public, max-age=300",
    }
    assert again["Access-Control-Allow-Origin"] == "*"


def test_api_normalised_queries_share_the_etag(client, demo):
    one = client.get("/api/talks/?tag=seminar&series=systems-seminar")
    other = client.get("/api/talks/?series=systems-seminar&tag=seminar&tag=seminar&x=1")

    assert (one.content, one["ETag"]) == (other.content, other["ETag"])


def test_api_etag_changes_when_a_talk_changes(client, demo):
    before = client.get("/api/talks/")
    talk = Talk.objects.get(title=FIREFLY)
    talk.location = "Room 2"
    talk.save()

    after = client.get("/api/talks/", headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json()["results"][1]["location"] == "Seminar Room G115, Room 2"


def test_api_upcoming_etag_changes_when_a_talk_ends(client, demo):
    before = client.get("/api/talks/")
    detail = client.get(f"/api/talks/{INFERENCE_SLUG}/")
    every = client.get("/api/talks/?when=all")
    just_before_end = datetime.datetime(2026, 12, 8, 17, 59, tzinfo=datetime.UTC)

    with time_machine.travel(just_before_end, tick=False):
        unchanged = client.get("/api/talks/", headers={"If-None-Match": before["ETag"]})
    with time_machine.travel(just_before_end + datetime.timedelta(minutes=1), tick=False):
        ended = client.get("/api/talks/", headers={"If-None-Match": before["ETag"]})
        same_detail = client.get(
            f"/api/talks/{INFERENCE_SLUG}/", headers={"If-None-Match": detail["ETag"]}
        )
        same_every = client.get("/api/talks/?when=all", headers={"If-None-Match": every["ETag"]})

    assert [unchanged.status_code, ended.status_code] == [304, 200]
    assert titles(ended) == DEMO_UPCOMING[1:]
    assert [same_detail.status_code, same_every.status_code] == [304, 304]


@pytest.mark.parametrize(
    "url", [*API_URLS, "/api/talks/?limit=x", "/api/talks/?series=nope", "/api/talks/nope/"]
)
def test_api_allows_any_origin_and_caches_publicly(client, demo, url):
    response = client.get(url)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag"
    assert response.get("Cache-Control") == (
        "public, max-age=300" if response.status_code == 200 else None
    )


def test_api_answers_a_cors_preflight(client, demo):
    response = client.options("/api/talks/", headers={"Origin": "https://dept.example.edu"})

    assert response.status_code == 200
    assert {
        name: response[name]
        for name in (
            "Allow",
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Methods",
            "Access-Control-Allow-Headers",
            "Access-Control-Max-Age",
        )
    } == {
        "Allow": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "If-None-Match",
        "Access-Control-Max-Age": "86400",
    }


def test_api_head_answers_the_headers_of_get(client, demo):
    get = client.get("/api/talks/")
    head = client.head("/api/talks/")

    assert (head.status_code, head.content, head["ETag"]) == (200, b"", get["ETag"])


def test_api_refuses_writes(client, demo):
    response = client.post("/api/talks/", {"title": "x"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(
    "url", ["/", "/embed/", "/embed/upcoming/", f"/talks/{INFERENCE_SLUG}/", "/calendar.ics"]
)
def test_html_pages_and_feeds_do_not_allow_other_origins(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# Query counts: the same at every data size.


@pytest.mark.parametrize("count", [8, 40])
@pytest.mark.parametrize(("url", "budget"), API.items())
def test_api_query_count_is_constant(client, now, django_assert_num_queries, url, budget, count):
    make_talks(count, now)

    with django_assert_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200


def test_api_online_link_appears_at_its_time_and_renews_the_etag(client, now):
    import time_machine

    TalkFactory(
        title="Engines",
        slug="engines",
        start=datetime.datetime(2026, 12, 8, 17, 0, tzinfo=datetime.UTC),
        online_url="https://meet.example.org/engines",
    )
    before = client.get("/api/talks/engines/")
    assert before.json()["online_url"] is None
    with time_machine.travel(
        datetime.datetime(2026, 12, 8, 16, 45, tzinfo=datetime.UTC), tick=False
    ):
        revalidated = client.get("/api/talks/engines/", HTTP_IF_NONE_MATCH=before["ETag"])
        assert revalidated.status_code == 200
        assert revalidated.json()["online_url"] == "https://meet.example.org/engines"
