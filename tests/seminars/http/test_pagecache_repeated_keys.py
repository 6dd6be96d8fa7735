"""A query key given twice: the view reads the last value, and the page cache keys on it."""

import datetime
import html
import re

import pytest

from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db

FIREFLY = "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters"
TOWERS = "Collapsing Towers of Interpreters for Security"


def titles_shown(response) -> list[str]:
    found = re.findall(
        r'<h3 class="talk-item__title"><a href="[^"]*">([^<]+)</a></h3>', response.text
    )
    return [html.unescape(title) for title in found]


def test_search_with_a_word_given_twice_finds_the_last_in_either_order(client, demo):
    assert titles_shown(client.get("/search/?q=firefly&q=collapsing")) == [TOWERS]
    assert titles_shown(client.get("/search/?q=collapsing&q=firefly")) == [FIREFLY]


def test_archive_with_two_page_numbers_shows_the_last_in_either_order(client, db, now):
    for week in range(1, 26):
        TalkFactory(title=f"Week {week}", start=now - datetime.timedelta(weeks=week))

    assert titles_shown(client.get("/archive/?page=1&page=2")) == [
        f"Week {week}" for week in range(21, 26)
    ]
    assert titles_shown(client.get("/archive/?page=2&page=1")) == [
        f"Week {week}" for week in range(1, 21)
    ]
