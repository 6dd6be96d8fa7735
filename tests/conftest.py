import datetime
import json
import os
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from seminars.devdata.demo import load_demo
from seminars.http.local_copies import clear_caches

# A Wednesday morning in New York: the demo then has talks on the five Tuesdays before
# (3 Nov to 1 Dec 2026) and on the five after (8 Dec 2026 to 5 Jan 2027).
NOW = datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC)
DEMO_FILE = Path(__file__).resolve().parent.parent / "seminars" / "devdata" / "systems-seminar.json"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Tests roll the content version back, so keys repeat from one test to the next.
    clear_caches()
    # A transactional test that restores a backup makes content types anew, under other
    # ids; the per-process ContentType cache must not carry them into the next test.
    ContentType.objects.clear_cache()


@pytest.fixture
def now():
    """Freeze the clock at NOW."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def demo_data():
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def demo(db, now, demo_data):
    """The demo series loaded relative to the frozen clock."""
    load_demo(demo_data)
    return demo_data


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_ignore_collect(collection_path, config):
    """Leave the browser tests to `make e2e` (RUN_E2E=1): `make test` stays browser-free."""
    if collection_path.name == "e2e" and not os.environ.get("RUN_E2E"):
        return True
    return None


@pytest.fixture
def staff_client(db, client):
    """A client logged in to the admin as a superuser."""
    user = get_user_model().objects.create(username="organiser", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client
