"""Time building calendar feeds over the generated data, cold and warm, in a fresh process,
beside the libraries a user would pick instead (the peers), built from the same talks.

make bench runs it (after `generate_data`) with the benchmark's DATABASE_URL and CACHE_URL,
once per feed; it prints one JSON object:

    python bench/cold_builds.py /calendar.ics [--peers]

- "cold": nothing cached (as after a deployment that changes the builder, or with an empty
  cache): every event is serialised.
- "after an edit": the body is built again (the content version moved, or the day did), its
  unchanged events come from the cache. This is what a subscriber's poll meets after a change.
- "cached": the body comes from the cache.
- with --peers, "django-ical" and "icalendar alone": the same talks of the same feed, built
  with django-ical 's ICalFeed (title, abstract, times, location, uid, status) and with
  icalendar alone (the same fields and a VTIMEZONE), from the same database, each round right
  after ours (rounds interleaved, medians reported).
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
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import resolve  # noqa: E402
from django.utils import timezone  # noqa: E402

from seminars.http.local_copies import clear_caches  # noqa: E402
from seminars.http.release import release  # noqa: E402
from seminars.signals import bump_content_version  # noqa: E402

RUNS = 3


def timed(build) -> tuple[float, bytes]:
    start = time.perf_counter()
    body = build()
    return time.perf_counter() - start, body


def feed_talks(url: str):
    """Return the talks of the feed at `url` (a speaker's feed, or the site's), as our
    view selects them."""
    match = resolve(url)
    view = match.func.view_class(filter_name=match.func.view_initkwargs.get("filter_name"))
    view.setup(RequestFactory().get(url), *match.args, **match.kwargs)
    view.today = timezone.localdate() if view.is_windowed() else None
    return view.select(view.today).talks


def django_ical_build(url: str) -> bytes:
    """Return the feed's talks as django-ical builds them (a fresh query, as ours)."""
    from django_ical.views import ICalFeed

    class PeerFeed(ICalFeed):
        product_id = "-//Seminar site//Benchmark peer//EN"
        timezone = settings.TIME_ZONE

        def items(self):
            return feed_talks(url)

        def item_title(self, talk):
            return talk.title

        def item_description(self, talk):
            return talk.abstract

        def item_link(self, talk):
            return talk.get_absolute_url()

        def item_guid(self, talk):
            return str(talk.uid)

        def item_start_datetime(self, talk):
            return talk.start

        def item_end_datetime(self, talk):
            return talk.end

        def item_location(self, talk):
            return talk.location

        def item_status(self, talk):
            return "CANCELLED" if talk.is_cancelled else "CONFIRMED"

    return PeerFeed()(RequestFactory().get(url)).content


def icalendar_build(url: str) -> bytes:
    """Return the feed's talks built with icalendar alone: the same fields and a VTIMEZONE."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Seminar site//Benchmark peer//EN")
    for talk in feed_talks(url).select_related("series"):
        event = Event()
        event.add("uid", str(talk.uid))
        event.add("dtstamp", talk.updated)
        event.add("dtstart", talk.local_start)
        event.add("dtend", talk.local_end)
        event.add("summary", talk.title)
        event.add("description", talk.abstract)
        event.add("location", talk.location)
        event.add("status", "CANCELLED" if talk.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def measure(url: str, peers: bool) -> dict:
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.get("/healthz")  # load the code; the first request pays for imports
    release()  # and for reading the release digest's files, once a process
    cold, statuses, events = [], set(), set()
    others: dict[str, list[float]] = {"django-ical": [], "icalendar alone": []}
    other_events: dict[str, set[int]] = {name: set() for name in others}
    for _ in range(RUNS):
        clear_caches()
        seconds, response = timed(lambda: client.get(url))
        cold.append(seconds)
        statuses.add(response.status_code)
        events.add(response.content.count(b"BEGIN:VEVENT"))
        if peers:
            for name, build in (
                ("django-ical", django_ical_build),
                ("icalendar alone", icalendar_build),
            ):
                seconds, body = timed(lambda build=build: build(url))
                others[name].append(seconds)
                other_events[name].add(body.count(b"BEGIN:VEVENT"))
    after_edit = []
    for _ in range(RUNS):
        bump_content_version()
        seconds, response = timed(lambda: client.get(url))
        after_edit.append(seconds)
        statuses.add(response.status_code)
    cached = [timed(lambda: client.get(url))[0] for _ in range(RUNS)]
    clear_caches()
    result = {
        "url": url,
        "statuses": sorted(statuses),
        "events": sorted(events),
        "cold": statistics.median(cold),
        "cold runs": cold,
        "after an edit": statistics.median(after_edit),
        "cached": statistics.median(cached),
    }
    if peers:
        result["peers"] = {
            name: {
                "cold": statistics.median(times),
                "runs": times,
                "events": sorted(other_events[name]),
            }
            for name, times in others.items()
        }
    return result


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], peers="--peers" in sys.argv[2:])))
