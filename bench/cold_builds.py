"""Time building calendar feeds over the generated data, cold and warm, in a fresh process.

make bench runs it (after `generate_data`) with the benchmark's DATABASE_URL and CACHE_URL,
once per feed; it prints one JSON object:

    python bench/cold_builds.py /calendar.ics

- "cold": nothing cached, not even rendered Markdown (as after a deployment with an empty
  cache): every event is built and serialised.
- "after an edit": the body is built again (the content version moved, or the day did), its
  unchanged events come from the cache. This is what a subscriber's poll meets after a change.
- "cached": the body comes from the cache.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from seminars.feeds import ical  # noqa: E402
from seminars.http.local_copies import clear_caches  # noqa: E402
from seminars.http.release import release  # noqa: E402
from seminars.signals import bump_content_version  # noqa: E402

RUNS = 3


def timed_get(client: Client, url: str) -> tuple[float, int, int]:
    """Return the seconds, status and events of one GET of `url`."""
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    return seconds, response.status_code, response.content.count(b"BEGIN:VEVENT")


def measure(url: str) -> dict:
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.get("/healthz")  # load the code; the first request pays for imports
    release()  # and for reading the release digest's files, once a process
    cold, statuses, events = [], set(), set()
    for _ in range(RUNS):
        clear_caches()
        seconds, status, count = timed_get(client, url)
        cold.append(seconds)
        statuses.add(status)
        events.add(count)
    after_edit = []
    for _ in range(RUNS):
        bump_content_version()
        seconds, status, _ = timed_get(client, url)
        after_edit.append(seconds)
        statuses.add(status)
    cached = [timed_get(client, url)[0] for _ in range(RUNS)]
    clear_caches()
    return {
        "url": url,
        "statuses": sorted(statuses),
        "events": sorted(events),
        "cold": statistics.median(cold),
        "after an edit": statistics.median(after_edit),
        "cached": statistics.median(cached),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
