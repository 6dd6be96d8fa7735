import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from seminars.models import EventType, Series, Talk
from tests.factories import (
    AffiliationFactory,
    SeriesFactory,
    SpeakerFactory,
    TalkFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

LLM = "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing"
SKETCHES = "Sketches and Their Applications for Synchronization, Blockchain Networks and Learning"
ROUND_TABLE = "Systems Seminar: Round Table Discussion"
GEO = "Building Scalable Distributed Databases in the Age of Geo-Replication"
DIGEST = "Systems at the Crossroad of Agents & Infrastructure (MLSys ’26 Digest Talk)"
INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
FIREFLY = "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters"
GRADIENT = (
    "High-Dimensional Gradient-Free Optimization for Neuroscience, Interpretability and LLMs: "
    "Why It Works and How to Make It Better"
)
TOWERS = "Collapsing Towers of Interpreters for Security"
PRIVACY = "Practical End-to-End Privacy and Data Use Policy Enforcement"
PAST_NEWEST_FIRST = [DIGEST, GEO, ROUND_TABLE, SKETCHES, LLM]


def titles(talks):
    return [talk.title for talk in talks]


def page_path(title):
    return Talk.objects.get(title=title).get_absolute_url()


@pytest.fixture
def draft(demo):
    """A draft that must never leak: it matches searches, has its own speaker and tag."""
    secret_tag = EventType.objects.create(name="Secret tag")
    return TalkFactory(
        title="Unannounced LLM Keysight talk",
        abstract="LLM serving at Keysight",
        series=SeriesFactory(name="Hidden series"),
        start=datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC),
        status=Talk.Status.DRAFT,
        speakers=[
            SpeakerFactory(name="Hidden Speaker", affiliation=AffiliationFactory(name="Hidden Lab"))
        ],
        event_types=[secret_tag],
    )


# Home and next talk


def test_home_lists_next_upcoming_and_recent_talks(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert [talk.title for talk in response.context["next_talks"]] == [INFERENCE]
    assert titles(response.context["upcoming_talks"]) == [FIREFLY, GRADIENT, TOWERS, PRIVACY]
    assert titles(response.context["recent_talks"]) == PAST_NEWEST_FIRST


def test_home_shows_the_next_talk_time_in_series_timezone(client, demo):
    content = client.get("/").content.decode()
    assert "Tue 8 Dec 2026, 12:00–13:00 EST" in content


def test_home_cancelled_talk_is_listed_marked_and_not_next(client, demo):
    talk = Talk.objects.get(title=INFERENCE)
    talk.status = Talk.Status.CANCELLED
    talk.save()
    response = client.get("/")
    assert [talk.title for talk in response.context["next_talks"]] == [FIREFLY]
    assert titles(response.context["upcoming_talks"]) == [INFERENCE, GRADIENT, TOWERS, PRIVACY]
    content = response.content.decode()
    assert '<strong class="status-badge status-badge--cancelled">Cancelled</strong>' in content
    assert 'class="is-cancelled">Tue 8 Dec 2026, 12:00–13:00 EST</time>' in content


def test_home_never_shows_a_draft(client, draft):
    response = client.get("/")
    assert draft.title not in titles(response.context["upcoming_talks"])
    assert draft.title not in response.content.decode()


def test_home_talk_in_progress_is_next_and_happening_now(client, demo, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 8, 17, 30, tzinfo=datetime.UTC))
    response = client.get("/")
    assert [talk.title for talk in response.context["next_talks"]] == [INFERENCE]
    assert "Happening now" in response.content.decode()


def test_next_redirects_to_the_next_talk(client, demo):
    response = client.get("/next/")
    assert (response.status_code, response["Location"]) == (302, page_path(INFERENCE))


def test_next_without_a_scheduled_talk_is_a_friendly_page(client, db, now):
    TalkFactory(start=now - datetime.timedelta(days=7))
    response = client.get("/next/")
    assert response.status_code == 200
    assert "No talk is scheduled right now" in response.content.decode()


# Talk page


def test_talk_page_shows_time_location_speakers_and_abstract(client, demo):
    response = client.get(page_path(LLM))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">A Year in LLM Serving' in content
    assert "Tue 3 Nov 2026, 12:00–13:00 EST" in content
    assert "Seminar Room G115" in content
    assert '<a href="/speakers/william-nixon/">William Nixon</a>' in content
    assert '<a href="/affiliations/university-of-chicago/">University of Chicago</a>' in content
    assert "<p>Designing effective modern LLM serving systems" in content
    assert '<a class="badge" href="/tags/seminar/">Seminar</a>' in content


def test_talk_page_with_two_speakers_from_two_organisations(client, demo):
    content = client.get(page_path(INFERENCE)).content.decode()
    venkat = content.index('<a href="/speakers/venkat-pullela/">Venkat Pullela</a>')
    tushar = content.index('<a href="/speakers/tushar-krishna/">Tushar Krishna</a>')
    assert venkat < tushar
    assert '<a href="/affiliations/keysight/">Keysight</a>' in content
    assert '<a href="/affiliations/georgia-tech/">Georgia Tech</a>' in content
    assert ">Speakers</h2>" in content
    assert '<a class="badge" href="/tags/special-event/">Special event</a>' in content
    assert '<a class="badge" href="/tags/tech-week/">Tech week</a>' in content


def test_talk_page_without_speaker_reads_naturally(client, demo):
    content = client.get(page_path(ROUND_TABLE)).content.decode()
    assert ">Format</h2>" in content
    assert "An open discussion: no single speaker" in content
    assert ">Speaker</h2>" not in content


def test_talk_page_json_ld_describes_the_event(client, demo):
    content = client.get(page_path(INFERENCE)).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    event = json.loads(raw)
    assert event["@type"] == "Event"
    assert event["name"] == INFERENCE
    assert event["startDate"] == "2026-12-08T12:00:00-05:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"] == {
        "@type": "Place",
        "name": "Seminar Room G115",
        "url": "https://seminars.example.org/venues/seminar-room-g115/",
        "address": "Seminar Room G115",
    }
    assert event["url"] == "https://seminars.example.org" + page_path(INFERENCE)
    assert [(person["name"], person["affiliation"]["name"]) for person in event["performer"]] == [
        ("Venkat Pullela", "Keysight"),
        ("Tushar Krishna", "Georgia Tech"),
    ]


def test_talk_page_json_ld_of_a_cancelled_talk(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    talk.status = Talk.Status.CANCELLED
    talk.save()
    content = client.get(talk.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    assert json.loads(raw)["eventStatus"] == "https://schema.org/EventCancelled"
    assert "Cancelled — this talk will not take place." in content


def test_talk_page_meta_tags_use_site_url(client, demo):
    path = page_path(FIREFLY)
    content = client.get(path, HTTP_HOST="127.0.0.1", secure=False).content.decode()
    assert f'<link rel="canonical" href="https://seminars.example.org{path}">' in content
    assert f'<meta property="og:url" content="https://seminars.example.org{path}">' in content
    assert '<meta property="og:title" content="Firefly: Scalable' in content
    assert (
        '<meta name="description" content="Achieving the sub-10ns clock synchronization' in content
    )


def test_talk_page_google_calendar_link(client, demo):
    content = client.get(page_path(FIREFLY)).content.decode()
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Firefly" in content
    assert "dates=20261215T170000Z%2F20261215T180000Z" in content
    assert "ctz=America%2FNew_York" in content


def test_cancelled_talk_page_offers_the_updated_ics_but_not_google_calendar(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    talk.status = Talk.Status.CANCELLED
    talk.save()

    content = client.get(talk.get_absolute_url()).content.decode()

    calendar = content[content.index('<section class="add-to-calendar"') :]
    calendar = calendar[: calendar.index("</section>")]
    assert "calendar.google.com" not in content
    assert re.findall(r'<a class="button" href="([^"]+)" download>([^<]+)</a>', calendar) == [
        (f"/talks/{talk.slug}/calendar.ics", "Download the updated .ics")
    ]
    ics = client.get(f"/talks/{talk.slug}/calendar.ics").content.decode()
    assert "STATUS:CANCELLED" in ics


def test_talk_page_abstract_markdown_is_sanitised(client, db, now):
    talk = TalkFactory(
        abstract=(
            "**Bold** and <script>alert('x')</script> and <img src=x onerror=alert(1)> "
            "and [a link](javascript:alert(1)) and [fine](https://example.org)."
        )
    )
    content = client.get(talk.get_absolute_url()).content.decode()
    abstract = content[content.index('<div class="prose">') :]
    abstract = abstract[: abstract.index("</div>")]
    assert "<strong>Bold</strong>" in abstract
    assert "<script" not in abstract
    assert "onerror" not in abstract
    assert "javascript:" not in abstract
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">fine</a>' in abstract


def test_talk_page_of_a_draft_is_404_for_the_public(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_talk_page_of_a_draft_is_a_private_preview_for_staff(staff_client, draft):
    response = staff_client.get(draft.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Draft — not public" in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_talk_page_of_a_draft_is_404_for_an_organiser_of_another_series(client, draft):
    organiser = get_user_model().objects.create(username="ana", is_staff=True)
    Series.objects.get(slug="systems-seminar").organisers.add(organiser)
    client.force_login(organiser)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.series.organisers.add(organiser)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_talk_page_unknown_slug_is_404(client, demo):
    assert client.get("/talks/no-such-talk/").status_code == 404


# Archive


def test_archive_lists_past_talks_newest_first_grouped_by_month(client, demo):
    response = client.get("/archive/")
    assert titles(response.context["page_obj"]) == PAST_NEWEST_FIRST
    content = response.content.decode()
    assert content.index(">December 2026</h2>") < content.index(">November 2026</h2>")
    assert response.context["years"] == [2026]


def test_archive_is_paginated_by_twenty(client, db, now):
    for week in range(1, 26):
        TalkFactory(title=f"Week {week}", start=now - datetime.timedelta(weeks=week))
    first = client.get("/archive/")
    second = client.get("/archive/?page=2")
    assert titles(first.context["page_obj"]) == [f"Week {week}" for week in range(1, 21)]
    assert titles(second.context["page_obj"]) == [f"Week {week}" for week in range(21, 26)]


def test_archive_year(client, demo):
    TalkFactory(title="Old talk", start=datetime.datetime(2024, 3, 5, 17, 0, tzinfo=datetime.UTC))
    response = client.get("/archive/2024/")
    assert titles(response.context["page_obj"]) == ["Old talk"]
    assert titles(client.get("/archive/2026/").context["page_obj"]) == PAST_NEWEST_FIRST


@pytest.mark.parametrize(
    "url",
    [
        "/archive/?page=abc",
        "/archive/?page=0",
        "/archive/?page=99999",
        "/archive/?page=-1",
        "/archive/1999/",
        "/archive/0000/",
        "/archive/99999/",
        "/archive/9999/",
        "/archive/1899/",
        "/series/systems-seminar/?page=x",
        "/speakers/william-nixon/?page=5",
        "/search/?q=LLM&page=zz",
    ],
)
def test_junk_page_parameters_are_404(client, demo, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/archive/?page=1", "/archive/?page=last", "/archive/2026/", "/search/?q=LLM&page=1"]
)
def test_valid_page_parameters_are_200(client, demo, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/archive/?page=%00", "/?x=a%00b", "/talks/a%00b/", "/search/?%00=1"]
)
def test_nul_bytes_are_refused_with_400(client, demo, url):
    response = client.get(url)
    assert (response.status_code, response.content) == (
        400,
        b"The request contains a NUL character.",
    )


# Series and tags


def test_series_index_lists_series_with_public_talks(client, draft):
    response = client.get("/series/")
    assert [series.name for series in response.context["object_list"]] == ["Systems Seminar"]
    series = response.context["object_list"][0]
    assert (series.public_talk_count, series.upcoming_talk_count) == (10, 5)


def test_series_page_lists_upcoming_and_past_talks(client, demo):
    response = client.get("/series/systems-seminar/")
    assert response.status_code == 200
    assert titles(response.context["upcoming_talks"]) == [
        INFERENCE,
        FIREFLY,
        GRADIENT,
        TOWERS,
        PRIVACY,
    ]
    assert titles(response.context["past_page"]) == PAST_NEWEST_FIRST
    assert "A weekly seminar on computer systems" in response.content.decode()


def test_series_page_of_a_series_with_only_drafts_is_404(client, draft):
    assert client.get(draft.series.get_absolute_url()).status_code == 404


def test_tag_page_lists_the_talks_of_one_event_type(client, demo):
    response = client.get("/tags/round-table/")
    assert titles(response.context["past_page"]) == [ROUND_TABLE]
    assert titles(response.context["upcoming_talks"]) == []
    assert titles(client.get("/tags/tech-week/").context["upcoming_talks"]) == [INFERENCE]
    seminars = client.get("/tags/seminar/")
    assert titles(seminars.context["upcoming_talks"]) == [FIREFLY, GRADIENT, TOWERS, PRIVACY]
    assert titles(seminars.context["past_page"]) == [GEO, SKETCHES, LLM]


def test_tag_page_of_a_tag_without_public_talks_is_404(client, draft):
    assert client.get("/tags/secret-tag/").status_code == 404
    assert client.get("/tags/no-such-tag/").status_code == 404


# Search


def test_search_finds_llm_in_titles_and_abstracts(client, draft):
    response = client.get("/search/", {"q": "LLM"})
    found = titles(response.context["page_obj"])
    assert set(found) == {LLM, DIGEST, INFERENCE, GRADIENT}
    assert draft.title not in found


def test_search_orders_by_rank_on_postgresql_and_by_date_elsewhere(client, demo):
    found = titles(client.get("/search/", {"q": "LLM"}).context["page_obj"])
    if connection.vendor == "postgresql":
        # A match in the title (weight A) ranks above one in the abstract only (weight B).
        assert (set(found[:2]), set(found[2:])) == ({GRADIENT, LLM}, {INFERENCE, DIGEST})
    else:
        assert found == [GRADIENT, INFERENCE, DIGEST, LLM]


def test_search_finds_a_talk_by_affiliation(client, draft):
    assert titles(client.get("/search/", {"q": "Keysight"}).context["page_obj"]) == [INFERENCE]


def test_search_finds_a_talk_by_speaker_name(client, demo):
    assert titles(client.get("/search/", {"q": "schwarzkopf"}).context["page_obj"]) == [PRIVACY]


def test_search_without_query_shows_a_hint(client, demo):
    response = client.get("/search/")
    assert response.context["page_obj"] is None
    assert "Try a topic" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["x" * 10_000, "\ufffd\ufffd", "%", "_", "'; DROP TABLE talks; --", "a:* & !b", "😀", "\u200b"],
)
def test_search_odd_queries_give_a_normal_page(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200


def test_search_with_invalid_utf8_gives_a_normal_page(client, demo):
    assert client.get("/search/?q=%FF%FE%C0").status_code == 200


# RSS, sitemap, robots


def test_rss_lists_upcoming_public_talks(client, draft):
    response = client.get("/feed/")
    content = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    items = re.findall(r"<item><title>(.*?)</title>", content)
    assert items == [
        f"{INFERENCE} (Venkat Pullela, Tushar Krishna)".replace("&", "&amp;"),
        f"{FIREFLY} (Yuliang Li)",
        f"{GRADIENT} (Binxu Wang)",
        f"{TOWERS} (Cameron Wong)",
        f"{PRIVACY} (Malte Schwarzkopf)",
    ]
    assert f"<link>https://seminars.example.org{page_path(FIREFLY)}</link>" in content
    assert draft.title not in content


def test_rss_marks_cancelled_talks(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    talk.status = Talk.Status.CANCELLED
    talk.save()
    assert (
        f"<title>Cancelled: {FIREFLY} (Yuliang Li)</title>" in client.get("/feed/").content.decode()
    )


def test_sitemap_lists_every_public_page_on_site_url(client, draft):
    draft.venue = VenueFactory(name="Hidden room")
    draft.save()
    content = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1").content.decode()
    locations = set(re.findall(r"<loc>(.*?)</loc>", content))
    site = "https://seminars.example.org"
    expected_paths = (
        {"/", "/archive/", "/series/", "/venues/", "/speakers/", "/series/systems-seminar/"}
        | {"/venues/seminar-room-g115/"}
        | {talk.get_absolute_url() for talk in Talk.objects.public()}
        | {f"/tags/{slug}/" for slug in [
            "seminar", "round-table", "digest-talk", "special-event", "tech-week",
        ]}
        | {f"/speakers/{speaker}/" for speaker in [
            "william-nixon", "ori-rottenstreich", "yunhao-mao", "yiyu-liu", "venkat-pullela",
            "tushar-krishna", "yuliang-li", "binxu-wang", "cameron-wong", "malte-schwarzkopf",
        ]}
        | {f"/affiliations/{slug}/" for slug in [
            "university-of-chicago", "technion", "university-of-toronto", "harvard-university",
            "keysight", "georgia-tech", "google", "brown-university",
        ]}
    )  # fmt: skip
    assert locations == {site + path for path in expected_paths}
    assert draft.get_absolute_url() not in content


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nAllow: /\n"
        "Sitemap: https://seminars.example.org/sitemap.xml\n"
    )


def test_404_page_has_the_site_look(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
