"""/tags/ and /affiliations/: every event type and organisation with public talks, counted."""

import datetime
import re

import pytest

from seminars.models import EventType, Talk
from tests.factories import AffiliationFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    """A draft with a tag and an organisation of its own, and the Seminar tag: none may count."""
    return TalkFactory(
        title="Unannounced",
        status=Talk.Status.DRAFT,
        start=datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC),
        event_types=[
            EventType.objects.create(name="Secret tag"),
            EventType.objects.get(name="Seminar"),
        ],
        speakers=[SpeakerFactory(name="Hidden", affiliation=AffiliationFactory(name="Hidden Lab"))],
    )


def test_tag_index_lists_event_types_with_public_talk_counts(client, draft):
    html = client.get("/tags/").content.decode()

    assert re.findall(r'<h2><a href="([^"]+)">([^<]+)</a></h2>', html) == [
        ("/tags/digest-talk/", "Digest talk"),
        ("/tags/round-table/", "Round table"),
        ("/tags/seminar/", "Seminar"),
        ("/tags/special-event/", "Special event"),
        ("/tags/tech-week/", "Tech week"),
    ]
    assert re.findall(r'<p class="card__meta">([^<]+)</p>', html) == [
        "1 talk",
        "1 talk",
        "7 talks",
        "1 talk",
        "1 talk",
    ]


def test_affiliation_index_lists_organisations_with_talks_and_speakers(client, draft):
    html = client.get("/affiliations/").content.decode()

    rows = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="muted">— ([^<]+)</span>', html
    )
    assert rows[:4] == [
        ("/affiliations/brown-university/", "Brown University", "1 talk, 1 speaker"),
        ("/affiliations/georgia-tech/", "Georgia Tech", "1 talk, 1 speaker"),
        ("/affiliations/google/", "Google", "1 talk, 1 speaker"),
        ("/affiliations/harvard-university/", "Harvard University", "3 talks, 3 speakers"),
    ]
    assert len(rows) == 8
    assert "Hidden Lab" not in html


def test_indexes_are_linked_from_every_page(client, demo):
    html = client.get("/").content.decode()

    assert '<a href="/tags/">Event types</a>' in html
    assert '<a href="/affiliations/">Organisations</a>' in html


def test_empty_site_says_there_is_nothing_yet(client, db):
    assert "No talk has an event type yet." in client.get("/tags/").content.decode()
    assert "No organisations yet." in client.get("/affiliations/").content.decode()
