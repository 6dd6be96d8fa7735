import json
import logging
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from seminars.devdata import DEMO_FILE
from seminars.http.local_copies import clear_caches
from tests.clock import NOW
from tests.factories import SeriesFactory, organiser_of
from tests.snapshots import load_demo_once_per_process


def pytest_ignore_collect(collection_path, config):
    """Leave the browser tests to `make e2e` (RUN_E2E=1): `make test` stays browser-free."""
    if collection_path.name == "e2e" and not os.environ.get("RUN_E2E"):
        return True
    return None


@pytest.fixture(autouse=True)
def _empty_cache():
    # Tests roll the content version back, so keys repeat from one test to the next.
    clear_caches()
    # A transactional test that restores a backup makes content types anew, under other
    # ids; the per-process ContentType cache must not carry them into the next test.
    ContentType.objects.clear_cache()


@pytest.fixture
def clock():
    """Freeze the clock at NOW (tests/clock.py); move it with clock.shift() or .move_to()."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def now(clock):
    """Freeze the clock (the `clock` fixture) and return the frozen present."""
    return timezone.now()


@pytest.fixture
def demo_data():
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def demo(db, now, demo_data):
    """The demo series loaded relative to the frozen clock."""
    load_demo_once_per_process(demo_data)
    return demo_data


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def series_a(db):
    return SeriesFactory(name="Series A")


@pytest.fixture
def organiser(series_a):
    """A staff user in the Seminar organisers group, "alice", who organises series A only."""
    return organiser_of(series_a)


@pytest.fixture
def organiser_client(organiser):
    """A client of its own (beside `client` and `staff_client`) logged in as `organiser`."""
    client = Client()
    client.force_login(organiser)
    return client


@pytest.fixture
def staff_client(db, client):
    """A client logged in to the admin as a superuser, "organiser"."""
    user = get_user_model().objects.create(username="organiser", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (an ephemeral port) that the site sends through;
    return its inbox (tests/smtp.py)."""
    from tests.smtp import EphemeralController, Inbox

    inbox = Inbox()
    # aiosmtpd logs each envelope; the site's own logs never name a recipient.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = EphemeralController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()
