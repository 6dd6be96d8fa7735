"""RSS of one series' or one event type's upcoming talks, and the pages that point at it."""

import re

import pytest

from seminars.models import EventType, Series, Talk
from speakers.services import retire_slug
from tests.demo import DEMO_UPCOMING
from tests.factories import NewSeriesFactory, TalkFactory

pytestmark = pytest.mark.django_db


def item_titles(xml: str) -> list[str]:
    return re.findall(r"<item><title>([^<]+?)(?: \([^()]*\))?</title>", xml)


def test_series_feed_has_its_upcoming_talks_only(client, demo):
    TalkFactory(series=NewSeriesFactory(name="Other"), title="Elsewhere")

    response = client.get("/series/systems-seminar/feed/")

    xml = response.content.decode()
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert "<title>Systems Seminar: upcoming talks</title>" in xml
    assert (
        '<atom:link href="https://seminars.example.org/series/systems-seminar/feed/" rel="self"/>'
        in xml
    )
    assert len(re.findall("<item>", xml)) == len(DEMO_UPCOMING)
    assert "Elsewhere" not in xml


def test_tag_feed_has_the_upcoming_talks_of_that_type(client, demo):
    xml = client.get("/tags/tech-week/feed/").content.decode()

    assert "<title>Tech week: upcoming talks</title>" in xml
    assert re.findall(r"<item><title>(Inference[^<(]+)", xml) == [
        "Inference and AI Infrastructure "
    ]
    assert len(re.findall("<item>", xml)) == 1


def test_feed_of_unknown_or_draft_only_object_is_404(client, demo):
    TalkFactory(series=NewSeriesFactory(name="Hidden"), status=Talk.Status.DRAFT)
    secret = EventType.objects.create(name="Secret")

    assert client.get("/series/nope/feed/").status_code == 404
    assert client.get("/series/hidden/feed/").status_code == 404
    assert client.get(f"/tags/{secret.slug}/feed/").status_code == 404


def test_renamed_series_old_feed_address_keeps_working(client, demo):
    series = Series.objects.get(slug="systems-seminar")
    series.slug = "systems"
    series.save()
    retire_slug(series, "systems-seminar")

    response = client.get("/series/systems-seminar/feed/")

    assert response.status_code == 200
    assert '<atom:link href="https://seminars.example.org/series/systems/feed/"' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/series/systems-seminar/", "/series/systems-seminar/feed/"),
        ("/tags/seminar/", "/tags/seminar/feed/"),
    ],
)
def test_page_points_feed_readers_at_its_feed(client, demo, page, feed):
    html = client.get(page).content.decode()

    alternates = re.findall(
        r'<link rel="alternate" type="application/rss\+xml" title="[^"]+" href="([^"]+)">', html
    )
    assert alternates == ["/feed/", feed]
