"""Finding 1: with Redis down, every page and feed answers from the database, /healthz says
503, one warning is logged per interval, and the site recovers without a restart.

A real redis-server, started on a Unix socket of the test's own (never the shared one), is
stopped and started again.
"""

import logging
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from seminars.http.tolerant_cache import outage
from seminars.models import Talk

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server installed"
)


class RedisServer:
    """A redis-server of the test's own, listening on a Unix socket only."""

    def __init__(self, folder: Path):
        self.socket = folder / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                redis.Redis(unix_socket_path=str(self.socket)).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.socket.unlink(missing_ok=True)

    def stored_keys(self) -> list[bytes]:
        return redis.Redis(unix_socket_path=str(self.socket)).keys("*")


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "seminars.http.tolerant_cache.TolerantRedisCache",
            "LOCATION": server.url,
            # Try again at once after a failure, so that the test sees the recovery.
            "OPTIONS": {"retry_after": 0, "warn_every": 60},
        }
    }
    outage.reset()
    yield server
    if server.process.poll() is None:
        server.stop()
    outage.reset()


PUBLIC_URLS = [
    "/",
    "/archive/",
    "/series/systems-seminar/",
    "/tags/tech-week/",
    "/speakers/venkat-pullela/",
    "/subscribe/",
    "/calendar.ics",
    "/calendar.ics?series=systems-seminar",
    "/feed/",
    "/next/",
    "/api/talks/",
]


def talk_url() -> str:
    return Talk.objects.public().order_by("start").first().get_absolute_url()


def test_cache_outage_pages_and_feeds_answer_from_the_database(client, demo, redis_server, caplog):
    urls = [*PUBLIC_URLS, talk_url()]
    expected = {**dict.fromkeys(urls, 200), "/next/": 302}
    with_cache = {url: client.get(url) for url in urls}
    assert {url: response.status_code for url, response in with_cache.items()} == expected
    assert redis_server.stored_keys() != []

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="seminars.http.tolerant_cache"):
        without_cache = {url: client.get(url) for url in urls}
        health = client.get("/healthz")

    assert {url: response.status_code for url, response in without_cache.items()} == expected
    assert without_cache["/archive/"].content == with_cache["/archive/"].content
    assert (health.status_code, health.content) == (503, b"unavailable: cache\n")
    warnings = [
        record for record in caplog.records if record.name == "seminars.http.tolerant_cache"
    ]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith("The cache does not answer (ConnectionError")


def test_cache_outage_a_draft_only_speaker_is_still_404(client, db, redis_server):
    from tests.factories import SpeakerFactory, TalkFactory

    speaker = SpeakerFactory(name="Draft Only")
    TalkFactory(status=Talk.Status.DRAFT, speakers=[speaker])
    redis_server.stop()

    assert client.get(speaker.get_absolute_url()).status_code == 404


def test_cache_outage_recovers_without_a_restart(client, demo, redis_server):
    redis_server.stop()
    assert client.get("/healthz").status_code == 503
    assert client.get("/").status_code == 200

    redis_server.start()

    assert client.get("/healthz").status_code == 200
    assert client.get("/archive/").status_code == 200
    assert any(key.startswith(b":1:page:") for key in redis_server.stored_keys())
