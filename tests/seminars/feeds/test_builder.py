"""The feed builder on /subscribe/: tick series, types and speakers, get that calendar."""

import re

import pytest

from seminars.models import Talk
from tests.factories import NewSeriesFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

COMBINATION = "series=systems-seminar&tag=seminar&speaker=venkat-pullela"
ADDRESS = f"https://seminars.example.org/calendar.ics?{COMBINATION}"


def built_section(html: str) -> str:
    return html[
        html.index('<div id="your-calendar">') : html.index(
            '<section aria-labelledby="more-heading">'
        )
    ]


def test_subscribe_page_offers_every_public_choice_and_no_calendar_yet(client, demo):
    TalkFactory(
        series=NewSeriesFactory(name="Hidden"),
        status=Talk.Status.DRAFT,
        speakers=[SpeakerFactory(name="Hidden Speaker")],
    )

    response = client.get("/subscribe/")

    html = response.content.decode()
    assert re.findall(r'name="series" value="([^"]+)"', html) == ["systems-seminar"]
    assert re.findall(r'name="tag" value="([^"]+)"', html) == [
        "digest-talk",
        "round-table",
        "seminar",
        "special-event",
        "tech-week",
    ]
    speakers = re.findall(r'name="speaker" value="([^"]+)"', html)
    assert (len(speakers), speakers[0], "hidden-speaker" in speakers) == (10, "binxu-wang", False)
    assert "Your calendar" not in html


def test_chosen_combination_shows_its_address_and_buttons(client, demo):
    response = client.get("/subscribe/?speaker=venkat-pullela&tag=seminar&series=systems-seminar")

    html = built_section(response.content.decode())
    assert response.status_code == 200
    assert "Your calendar: Systems Seminar — Seminar — Talks by Venkat Pullela" in html
    assert f'value="{ADDRESS.replace("&", "&amp;")}" readonly' in html
    assert re.findall(r'<a class="button" href="([^"]+)"', html)[0] == (
        "webcal://seminars.example.org/calendar.ics?" + COMBINATION.replace("&", "&amp;")
    )
    assert client.get(ADDRESS.removeprefix("https://seminars.example.org")).status_code == 200


def test_chosen_boxes_stay_ticked(client, demo):
    html = client.get(f"/subscribe/?{COMBINATION}").content.decode()

    assert re.findall(r'value="([^"]+)" id="[^"]+" checked', html) == [
        "systems-seminar",
        "seminar",
        "venkat-pullela",
    ]


def test_unknown_choice_is_a_form_error_not_a_calendar(client, demo):
    response = client.get("/subscribe/?tag=nope")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. nope is not one of the available choices." in html
    assert "Your calendar" not in html


def test_form_works_without_javascript(client, demo):
    html = client.get("/subscribe/").content.decode()

    form = html[html.index('<form class="feed-builder__form"') :]
    assert form.startswith(
        '<form class="feed-builder__form" action="/subscribe/#your-calendar" method="get">'
    )
    assert '<button type="submit">Show this calendar’s address</button>' in form
