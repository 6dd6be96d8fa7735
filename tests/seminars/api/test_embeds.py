import datetime
import html
import re

import pytest

from seminars.models import Talk
from seminars.services import cancel_talk
from tests.demo import DEMO_PAST, DEMO_UPCOMING, INFERENCE
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory, make_talks
from tests.query_budgets import EMBEDS

pytestmark = pytest.mark.django_db

SITE = "https://seminars.example.org"
PLAIN_TYPE = "text/plain; charset=utf-8"
FIREFLY = DEMO_UPCOMING[1]
ROUND_TABLE = DEMO_PAST[2]


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def items(response) -> list[str]:
    """Return the text of each talk in an embedded list."""
    body = response.content.decode()
    return [text_of(item) for item in re.findall(r'<li class="embed-talk.*?</li>', body, re.S)]


def item_titles(response) -> list[str]:
    body = response.content.decode()
    titles = re.findall(r'<p class="embed-talk__title">.*?<a href="[^"]+">(.*?)</a>', body)
    return [html.unescape(title) for title in titles]


def heading(response) -> str:
    return text_of(re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)[1])


def more_link(response) -> str:
    return re.search(r'<p class="embed__more"><a href="([^"]+)">', response.content.decode())[1]


def csp_directives(response) -> dict[str, str]:
    return dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )


def test_embed_upcoming_lists_the_next_talks_soonest_first(client, demo):
    response = client.get("/embed/upcoming/?limit=3")

    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert heading(response) == "Systems Seminar: upcoming talks"
    assert items(response) == [
        f"{INFERENCE} Tue 8 Dec 2026, 12:00–13:00 EST "
        "Venkat Pullela (Keysight) and Tushar Krishna (Georgia Tech) Seminar Room G115",
        f"{FIREFLY} Tue 15 Dec 2026, 12:00–13:00 EST Yuliang Li (Google) Seminar Room G115",
        f"{DEMO_UPCOMING[2]} Tue 22 Dec 2026, 12:00–13:00 EST "
        "Binxu Wang (Harvard University) Seminar Room G115",
    ]
    assert more_link(response) == f"{SITE}/"


def test_embed_links_are_absolute_and_lead_out_of_the_frame(client, demo):
    body = client.get("/embed/upcoming/?limit=1").content.decode()

    assert '<base target="_top">' in body
    assert re.findall(r'<a href="([^"]+)"', body) == [
        f"{SITE}/talks/inference-and-ai-infrastructure-special-event-for-bostechweek/",
        f"{SITE}/",
    ]


def test_embed_shows_twenty_talks_unless_told(client, demo):
    assert item_titles(client.get("/embed/upcoming/")) == DEMO_UPCOMING


def test_embed_past_lists_the_latest_first_and_links_the_archive(client, demo):
    response = client.get("/embed/past/")

    assert heading(response) == "Systems Seminar: past talks"
    assert item_titles(response) == DEMO_PAST
    assert more_link(response) == f"{SITE}/archive/"


@pytest.mark.parametrize(
    ("url", "expected_heading", "expected_titles", "expected_more"),
    [
        (
            "/embed/past/?tag=round-table",
            "Systems Seminar — Round table: past talks",
            [ROUND_TABLE],
            f"{SITE}/tags/round-table/",
        ),
        (
            "/embed/upcoming/?series=systems-seminar&limit=2",
            "Systems Seminar: upcoming talks",
            DEMO_UPCOMING[:2],
            f"{SITE}/series/systems-seminar/",
        ),
        (
            "/embed/upcoming/?speaker=tushar-krishna&speaker=yuliang-li",
            "Talks by Tushar Krishna and Yuliang Li: upcoming talks",
            [INFERENCE, FIREFLY],
            f"{SITE}/",
        ),
        (
            "/embed/upcoming/?tag=seminar&speaker=yuliang-li",
            "Systems Seminar — Seminar — Talks by Yuliang Li: upcoming talks",
            [FIREFLY],
            f"{SITE}/",
        ),
        (
            "/embed/upcoming/?from=2026-12-20&to=2026-12-31",
            "Systems Seminar: upcoming talks",
            DEMO_UPCOMING[2:4],
            f"{SITE}/",
        ),
    ],
)
def test_embed_filters_as_the_calendar_feeds_do(
    client, demo, url, expected_heading, expected_titles, expected_more
):
    response = client.get(url)

    assert (heading(response), item_titles(response), more_link(response)) == (
        expected_heading,
        expected_titles,
        expected_more,
    )


def test_embed_marks_a_cancelled_talk(client, demo):
    cancel_talk(Talk.objects.get(title=FIREFLY))

    response = client.get("/embed/upcoming/?limit=2")
    body = response.content.decode()

    assert items(response)[1] == (
        f"Cancelled {FIREFLY} Tue 15 Dec 2026, 12:00–13:00 EST Yuliang Li (Google) "
        "Seminar Room G115"
    )
    assert re.findall(r'<li class="([^"]+)"', body) == [
        "embed-talk",
        "embed-talk embed-talk--cancelled",
    ]
    assert body.count('class="is-cancelled"') == 1


def test_embed_leaves_drafts_out(client, demo):
    draft_speaker = SpeakerFactory(name="Draft Speaker", slug="draft-speaker")
    TalkFactory(
        title="Draft talk",
        series=Talk.objects.get(title=INFERENCE).series,
        start=datetime.datetime(2026, 12, 10, 17, 0, tzinfo=datetime.UTC),
        speakers=[draft_speaker],
        status=Talk.Status.DRAFT,
    )

    assert item_titles(client.get("/embed/upcoming/")) == DEMO_UPCOMING
    assert item_titles(client.get("/embed/upcoming/?speaker=draft-speaker")) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/embed/upcoming/?series=nope", "No upcoming talks are scheduled yet."),
        (
            "/embed/upcoming/?series=systems-seminar&tag=nope",
            "No upcoming talks are scheduled yet.",
        ),
        ("/embed/past/?speaker=nope", "No past talks yet."),
        ("/embed/upcoming/?from=2030-01-01", "No upcoming talks are scheduled yet."),
    ],
)
def test_embed_shows_a_friendly_empty_list_for_an_unknown_slug(client, demo, url, message):
    response = client.get(url)
    body = response.content.decode()

    assert response.status_code == 200
    assert heading(response).startswith("Systems Seminar: ")
    assert items(response) == []
    assert text_of(re.search(r'<p class="embed__empty">(.*?)</p>', body)[1]) == message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "“limit” must be a whole number from 1 to 100."),
        ("limit=101", "“limit” must be a whole number from 1 to 100."),
        ("when=later", "“when” must be upcoming, past or all."),
        ("from=yesterday", "“from” must be a date written YYYY-MM-DD, such as 2026-12-08."),
        ("page=0", "“page” must be a whole number from 1 to 999999999."),
    ],
)
@pytest.mark.parametrize("path", ["/embed/upcoming/", "/embed/past/"])
def test_embed_answers_400_to_junk(client, demo, path, query, message):
    response = client.get(f"{path}?{query}")

    assert (response.status_code, response["Content-Type"]) == (400, PLAIN_TYPE)
    assert response.content.decode() == message


@pytest.mark.parametrize(
    "url", ["/embed/upcoming/", "/embed/past/?tag=seminar", "/embed/upcoming/?series=nope"]
)
def test_embed_may_be_framed_by_any_site(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert csp_directives(response)["frame-ancestors"] == "*"
    # The rest of the policy stays: no inline scripts or styles in the frame either.
    assert {
        name: value
        for name, value in csp_directives(response).items()
        if name in {"script-src", "style-src"}
    } == {"script-src": "'self'", "style-src": "'self'"}
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/embed/",
        "/api/talks/",
        "/talks/inference-and-ai-infrastructure-special-event-for-bostechweek/",
        "/subscribe/",
        "/speakers/",
        "/admin/login/",
    ],
)
def test_other_pages_may_not_be_framed(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", ["/embed/upcoming/", "/embed/"])
def test_embed_pages_have_no_inline_script_or_style(client, demo, url):
    body = client.get(url).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert re.findall(r"<style\b|<[^>]*\sstyle=", body) == []


def test_embed_has_its_own_stylesheet_and_no_site_chrome(client, demo):
    body = client.get("/embed/upcoming/").content.decode()

    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', body) == ["/static/css/embed.css"]
    assert re.findall(r'<script src="([^"]+)"', body) == [
        "/static/js/local-time.js",
        "/static/js/embed-size.js",
    ]
    assert [
        chrome for chrome in ("site-header", "site-footer", "skip-link") if chrome in body
    ] == []


def snippets(response) -> dict[str, str]:
    body = response.content.decode()
    return {
        name: html.unescape(text)
        for name, text in re.findall(
            r'<textarea id="snippet-(\w+)"[^>]*>(.*?)</textarea>', body, re.S
        )
    }


def test_embed_help_gives_snippets_for_the_chosen_talks(client, demo):
    response = client.get("/embed/?series=systems-seminar&limit=3&extra=1")
    body = response.content.decode()

    assert response.status_code == 200
    assert snippets(response) == {
        "iframe": (
            f'<iframe src="{SITE}/embed/upcoming/?series=systems-seminar&amp;limit=3" '
            'title="Upcoming talks at Systems Seminar" loading="lazy" data-seminar-embed '
            'style="width: 100%; height: 36rem; border: 0"></iframe>\n'
            f'<script src="{SITE}/static/embed-frame.js" defer></script>\n'
        ),
        "script": (
            f'<div data-seminar-talks="{SITE}/api/talks/?series=systems-seminar&amp;limit=3">\n'
            f'  <a href="{SITE}/">Upcoming talks at Systems Seminar</a>\n'
            "</div>\n"
            f'<script src="{SITE}/static/embed.js" defer></script>\n'
        ),
    }
    assert re.findall(r'<iframe class="embed-preview" src="([^"]+)" data-seminar-embed', body) == [
        "/embed/upcoming/?series=systems-seminar&amp;limit=3"
    ]
    assert re.findall(r'data-seminar-talks="([^"]+)"', body) == [
        "/api/talks/?series=systems-seminar&amp;limit=3"
    ]
    assert re.findall(r'<option value="([^"]*)" selected>', body) == ["systems-seminar"]
    assert re.findall(r'<input id="embed-limit"[^>]* value="(\d+)"', body) == ["3"]


def test_embed_help_suggests_five_upcoming_talks_of_everything(client, demo):
    response = client.get("/embed/")

    assert snippets(response)["iframe"].startswith(f'<iframe src="{SITE}/embed/upcoming/?limit=5" ')
    assert re.findall(r'<option value="([^"]*)" selected>', response.content.decode()) == []


def test_embed_help_keeps_a_speaker_filter_it_has_no_menu_for(client, demo):
    body = client.get("/embed/?speaker=tushar-krishna").content.decode()

    assert '<input type="hidden" name="speaker" value="tushar-krishna">' in body
    assert "/embed/upcoming/?speaker=tushar-krishna&amp;limit=5" in body


def test_embed_help_answers_400_to_junk(client, demo):
    response = client.get("/embed/?limit=lots")

    assert (response.status_code, response.content.decode()) == (
        400,
        "“limit” must be a whole number from 1 to 100.",
    )


def test_embed_help_offers_the_public_series_tags_and_places(client, demo):
    SeriesFactory(name="Empty Series", slug="empty-series")

    body = client.get("/embed/").content.decode()

    assert re.findall(r'<select id="embed-series".*?</select>', body, re.S)[0].count("<option") == 2
    assert re.findall(r'<option value="([\w-]+)"', body) == [
        "systems-seminar",
        "digest-talk",
        "round-table",
        "seminar",
        "special-event",
        "tech-week",
        "seminar-room-g115",
    ]


def test_embed_help_gives_snippets_for_the_chosen_place(client, demo):
    response = client.get("/embed/?venue=seminar-room-g115")
    body = response.content.decode()

    assert re.findall(r'<option value="([\w-]+)" selected>', body) == ["seminar-room-g115"]
    assert "/embed/upcoming/?venue=seminar-room-g115&amp;limit=5" in body
    assert f"{SITE}/api/talks/?venue=seminar-room-g115&amp;limit=5" in snippets(response)["script"]


def test_embed_help_offers_no_place_menu_without_public_places(client, now):
    body = client.get("/embed/").content.decode()

    assert 'id="embed-venue"' not in body


def test_footer_links_to_the_embed_page(client, demo):
    body = client.get("/").content.decode()

    assert '<li><a href="/embed/">Embed on your page</a></li>' in body


# Query counts: the same at every data size.


@pytest.mark.parametrize("count", [8, 40])
@pytest.mark.parametrize(("url", "budget"), EMBEDS.items())
def test_embed_query_count_is_constant(client, now, django_assert_num_queries, url, budget, count):
    make_talks(count, now)

    with django_assert_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200
