"""Time building calendar feed bytes: demo data, then 2,000 generated talks.

Writes to the database: run it on a throwaway one, from the project folder:

    rm -f /tmp/bench.sqlite3
    export DEBUG=1 DATABASE_URL=sqlite:////tmp/bench.sqlite3
    python manage.py migrate && python manage.py shell < docs/bench_feeds.py
"""

import datetime
import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from seminars import ical
from seminars.calendar_views import build_calendar
from seminars.calendars import FeedQuery, event_data, select_feed
from seminars.models import EventType, Series, Talk, TalkSpeaker
from seminars.services import load_demo
from seminars.signals import bump_content_version
from speakers.models import Affiliation, Speaker

settings.ALLOWED_HOSTS = ["*"]
TODAY = timezone.localdate()


def timed(function, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times), min(times)


def report(label, function, runs=5):
    body, median, best = timed(function, runs)
    size = len(body) if isinstance(body, bytes) else 0
    timings = f"median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms"
    print(f"{label:<58} {timings}  {size / 1024:8.0f} KiB")


def cold_build(query):
    def build():
        ical.abstract_text.cache_clear()
        return build_calendar(select_feed(query, TODAY))

    return build


def warm_build(query):
    return lambda: build_calendar(select_feed(query, TODAY))


load_demo(json.loads(Path("seminars/demo/systems-seminar.json").read_text(encoding="utf-8")))
print(f"demo: {Talk.objects.count()} talks")
report("demo /calendar.ics: query + build, Markdown cold", cold_build(FeedQuery()))
report("demo /calendar.ics: query + build, Markdown warm", warm_build(FeedQuery()))

series = Series.objects.create(
    name="Generated – Zürich", slug="generated", timezone="Europe/Zurich"
)
affiliation = Affiliation.objects.create(name="Technion – Israel Institute of Technology")
speakers = Speaker.objects.bulk_create(
    Speaker(name=f"Speaker {n} Müller", slug=f"generated-speaker-{n}", affiliation=affiliation)
    for n in range(200)
)
tag = EventType.objects.get(slug="seminar")
zone = series.zoneinfo
first = datetime.datetime.combine(TODAY, datetime.time(12), zone) - datetime.timedelta(days=300)
talks = Talk.objects.bulk_create(
    Talk(
        title=f"Generated talk {n}: caches, queues; and more",
        slug=f"generated-{n}",
        series=series,
        start=first + datetime.timedelta(hours=8 * n),
        end=first + datetime.timedelta(hours=8 * n + 1),
        location="Room 1, Building; ETH Zürich",
        abstract=f"Abstract {n}. *Designing* systems, with [links](https://example.org/{n}); "
        + "a long paragraph about caches and queues. " * 30,
        status=Talk.Status.PUBLISHED,
    )
    for n in range(2000)
)
TalkSpeaker.objects.bulk_create(
    TalkSpeaker(talk=talk, speaker=speakers[n % 200], affiliation=affiliation, order=0)
    for n, talk in enumerate(talks)
)
Talk.event_types.through.objects.bulk_create(
    Talk.event_types.through(talk=talk, eventtype=tag) for talk in talks
)
bump_content_version()
query = FeedQuery(series=("generated",))
feed = select_feed(query, TODAY)
print(f"generated: {len(list(feed.talks))} talks in the series feed")
report("2,000 talks: query + build, Markdown cold", cold_build(query), runs=3)
report("2,000 talks: query + build, Markdown warm (rebuild)", warm_build(query), runs=3)
fetched = event_data(select_feed(query, TODAY).talks)
report(
    "2,000 talks: build bytes only (talks fetched), no event cache",
    lambda: ical.calendar_bytes(
        fetched,
        [ical.event_bytes(event) for event in fetched],
        name="x",
        description="y",
        timezone_name="UTC",
    ),
    runs=3,
)

client = Client()
cache.clear()
url = "/series/generated/calendar.ics"
report(
    "2,000 talks over HTTP, first request (builds, caches)", lambda: client.get(url).content, runs=1
)
report("2,000 talks over HTTP, cached body", lambda: client.get(url).content, runs=20)
etag = client.get(url)["ETag"]
report(
    "2,000 talks over HTTP, conditional (304)",
    lambda: client.get(url, headers={"If-None-Match": etag}).content,
    runs=20,
)
