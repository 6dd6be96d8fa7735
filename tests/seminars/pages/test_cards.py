"""Social cards: a 1200×630 PNG per public talk, drawn again only when what it shows changes."""

import io

import pytest
from django.core.cache import cache
from PIL import Image

from seminars.models import Talk
from seminars.pages.cards import CardText, draw_card, font, wrap
from seminars.services import cancel_talk
from tests.demo import INFERENCE

pytestmark = pytest.mark.django_db

FIREFLY = "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters"


def card_of(client, talk: Talk) -> bytes:
    response = client.get(f"/talks/{talk.slug}/card.png")
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    return response.content


def test_card_is_a_1200_by_630_png(client, demo):
    image = Image.open(io.BytesIO(card_of(client, Talk.objects.get(title=FIREFLY))))

    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_card_shows_series_title_speakers_and_time_with_zone(demo):
    talk = Talk.objects.public().with_speakers().get(title=INFERENCE)

    assert CardText.of(talk) == CardText(
        series="Systems Seminar",
        title=INFERENCE,
        speakers="Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)",
        when="Tue 8 Dec 2026, 12:00–13:00 EST",
        cancelled=False,
        site="seminars.example.org",
    )


def test_card_changes_when_the_title_changes(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    before = card_of(client, talk)

    talk.title = "Firefly: Clock Synchronization at Scale"
    talk.save()

    assert card_of(client, talk) != before


def test_cancelled_talks_card_says_so(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    before = card_of(client, talk)

    cancel_talk(talk)

    assert CardText.of(Talk.objects.public().with_speakers().get(pk=talk.pk)).cancelled is True
    assert card_of(client, talk) != before


def test_card_is_cached_under_what_it_shows(client, demo):
    talk = Talk.objects.get(title=FIREFLY)
    first = card_of(client, talk)
    text = CardText.of(Talk.objects.public().with_speakers().get(pk=talk.pk))

    other = Talk.objects.get(title=INFERENCE)
    other.title = "Something else"
    other.save()

    assert cache.get(f"card:{text.digest()}") == first
    assert card_of(client, talk) == first


def test_card_of_a_draft_or_unknown_talk_is_404(client, demo):
    draft = Talk.objects.get(title=FIREFLY)
    draft.status = Talk.Status.DRAFT
    draft.save()

    assert client.get(f"/talks/{draft.slug}/card.png").status_code == 404
    assert client.get("/talks/no-such-talk/card.png").status_code == 404


def test_talk_page_points_social_sites_at_its_card(client, demo):
    talk = Talk.objects.get(title=FIREFLY)

    html = client.get(talk.get_absolute_url()).content.decode()

    card = f"https://seminars.example.org/talks/{talk.slug}/card.png"
    assert f'<meta property="og:image" content="{card}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_long_title_is_wrapped_and_cut_with_an_ellipsis():
    lines = wrap("word " * 200, font(64, bold=True), 1056, 3)

    assert (len(lines), lines[-1][-1]) == (3, "…")
    assert all(font(64, bold=True).getlength(line) <= 1056 for line in lines)


def test_card_with_a_very_long_title_still_draws():
    text = CardText("S" * 300, "T" * 500, "Sp " * 100, "Tue 8 Dec 2026, 12:00–13:00 EST", True, "x")

    assert Image.open(io.BytesIO(draw_card(text))).size == (1200, 630)
