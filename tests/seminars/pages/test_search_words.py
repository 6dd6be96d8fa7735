"""Word search: the same table of queries finds the same talks on SQLite (FTS5) and on
PostgreSQL (the suite runs on both: `make test`, and CI's PostgreSQL run)."""

import pytest
from django.db import connection

from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db

FIREFLY = "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters"
SKETCHES = "Sketches and Their Applications for Synchronization, Blockchain Networks and Learning"
TOWERS = "Collapsing Towers of Interpreters for Security"
GEO = "Building Scalable Distributed Databases in the Age of Geo-Replication"
LLM = "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing"
INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
GRADIENT = (
    "High-Dimensional Gradient-Free Optimization for Neuroscience, Interpretability and LLMs: "
    "Why It Works and How to Make It Better"
)
ZURICH = "Über Zürich’s Clocks"

# query → the titles found, in alphabetical order.
WORD_SEARCHES = {
    "clock sync": [FIREFLY, ZURICH],
    "synchronization clock": [FIREFLY],
    "clock synchronization": [FIREFLY],
    "synchron": [FIREFLY, SKETCHES],
    "synchronizing": [FIREFLY, SKETCHES],
    "towers interpreters": [TOWERS],
    "interpreter": [TOWERS, GRADIENT],
    "geo-replication": [GEO],
    "replication geo": [GEO],
    "zurich": [ZURICH],
    "ZÜRICH uber": [ZURICH],
    "über": [ZURICH],
    "scalable": [GEO, FIREFLY],
    "keysight": [INFERENCE],
    "xyzzy": [],
    "clock xyzzy": [],
    '"; DROP TABLE': [],
    "sketch* AND": [SKETCHES],
    "the clocks of": [FIREFLY, ZURICH],
    "the of and": [],
}


@pytest.fixture
def talks(demo):
    TalkFactory(title=ZURICH, abstract="Time keeping in Switzerland: sync without GPS.")


@pytest.mark.parametrize(("query", "expected"), WORD_SEARCHES.items())
def test_word_search_finds_the_same_talks_on_every_database(client, talks, query, expected):
    response = client.get("/search/", {"q": query})

    found = sorted(talk.title for talk in response.context["page_obj"])
    assert (connection.vendor, found) == (connection.vendor, sorted(expected))


def test_search_index_follows_edits_and_deletes(client, talks):
    talk = TalkFactory(title="Quantum widgets")
    assert [t.title for t in client.get("/search/", {"q": "widget"}).context["page_obj"]] == [
        "Quantum widgets"
    ]

    talk.title = "Classical gadgets"
    talk.save()
    assert list(client.get("/search/", {"q": "widget"}).context["page_obj"]) == []
    assert [t.title for t in client.get("/search/", {"q": "gadget"}).context["page_obj"]] == [
        "Classical gadgets"
    ]

    talk.delete()
    assert list(client.get("/search/", {"q": "gadget"}).context["page_obj"]) == []
