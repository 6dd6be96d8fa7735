"""A large, realistic, generated dataset for benchmarks and load tests.

Ten years of weekly talks in several series, speakers shared across talks (a few speak
often), affiliations that speakers move between, some cancelled talks and some drafts. Every
row is written with bulk_create, which sends no signals, so the content version is bumped
once at the end.
"""

import datetime
import itertools
import math
import random
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from seminars.models import EventType, Series, Talk, TalkSpeaker, Venue
from seminars.signals import bump_content_version
from speakers.markdown import markdown_to_text
from speakers.models import Affiliation, Speaker
from speakers.slugs import SLUG_MAX_LENGTH

WEEKS_PER_SERIES = 520  # ten years of weekly talks
UPCOMING_WEEKS = 13  # each series has its next quarter planned
CANCELLED_EVERY = 31  # every 31st talk is cancelled
PAST_DRAFT_EVERY = 97  # a few old talks were never published
UPCOMING_DRAFT_EVERY = 4  # a quarter of the planned talks are still drafts
SPEAKERS_PER_TALK = 4  # one new speaker for every four talks
# A speaker at every talk, so that one speaker's feed holds every generated talk (a speaker's
# feed has no time window): the worst case for a calendar feed.
HOST_NAME = "Organising Committee"

SERIES = [
    ("Systems Seminar", "America/New_York", "Seminar Room G115", 1, datetime.time(12)),
    ("Zürich Distributed Systems Colloquium", "Europe/Zurich", "CAB E 72", 3, datetime.time(16)),
    ("Databases Reading Group", "Europe/London", "Room 2.14, Bush House", 0, datetime.time(13)),
    ("ML Systems Lunch", "America/Los_Angeles", "Gates 415", 2, datetime.time(12, 30)),
    ("Security Seminar", "America/New_York", "Stata 32-G449", 4, datetime.time(15)),
    ("Networking Talks", "Europe/Berlin", "TEL 20", 1, datetime.time(14)),
    ("PL Seminar", "America/Chicago", "Crerar 298", 3, datetime.time(11)),
    ("Tokyo Systems Meetup", "Asia/Tokyo", "Hongo Campus, Room 101", 4, datetime.time(18)),
    ("Storage Systems Forum", "America/Denver", "DLC 170", 0, datetime.time(10)),
    ("HPC Colloquium", "Europe/Paris", "Amphi Turing", 2, datetime.time(15, 30)),
    ("Theory Meets Systems", "Asia/Jerusalem", "Taub 337", 0, datetime.time(14, 30)),
    ("Cloud Infrastructure Series", "America/Toronto", "Bahen 1180", 3, datetime.time(16)),
]
AFFILIATIONS = [
    ("Massachusetts Institute of Technology", "MIT"),
    ("University of Chicago", "UChicago"),
    ("ETH Zürich", "ETH"),
    ("Technion – Israel Institute of Technology", "Technion"),
    ("Stanford University", ""),
    ("University of California, Berkeley", "UC Berkeley"),
    ("Carnegie Mellon University", "CMU"),
    ("University of Cambridge", ""),
    ("Imperial College London", ""),
    ("EPFL", ""),
    ("Max Planck Institute for Software Systems", "MPI-SWS"),
    ("University of Tokyo", ""),
    ("Tsinghua University", ""),
    ("University of Toronto", ""),
    ("University of Washington", "UW"),
    ("Cornell University", ""),
    ("Princeton University", ""),
    ("Keysight Technologies", "Keysight"),
    ("Microsoft Research", "MSR"),
    ("Google", ""),
    ("Meta", ""),
    ("Amazon Web Services", "AWS"),
    ("Databricks", ""),
    ("NVIDIA", ""),
    ("IBM Research", ""),
    ("Red Hat", ""),
    ("Cloudflare", ""),
    ("Sorbonne Université", ""),
    ("Universidad de Buenos Aires", "UBA"),
    ("Indian Institute of Science", "IISc"),
]
FIRST_NAMES = [
    "Ada", "Ahmed", "Alice", "Ana", "Andrés", "Anika", "Aoife", "Arjun", "Beatriz", "Ben",
    "Björn", "Carlos", "Chen", "Chloé", "Dana", "Daniel", "Dmitri", "Elif", "Emma", "Fatima",
    "Felix", "Gabriel", "Grace", "Hana", "Hiroshi", "Ines", "Ivan", "Jakob", "Jing", "João",
    "Julia", "Kai", "Karim", "Lars", "Lea", "Li", "Lucía", "Maya", "Mehmet", "Mia", "Nadia",
    "Noah", "Olga", "Omar", "Ori", "Pablo", "Priya", "Rafael", "Rosa", "Sam", "Sara", "Søren",
    "Tomás", "Uma", "Viktor", "Wei", "William", "Yara", "Yuki", "Zoë", "Zainab"
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Alvarez", "Andersen", "Bauer", "Becker", "Cohen", "Costa", "Dubois", "Dvořák",
    "Eriksson", "Fischer", "García", "Gupta", "Hansen", "Hoffmann", "Ivanova", "Jansen", "Kim",
    "Kowalski", "Kumar", "Laurent", "Li", "Lindqvist", "López", "Martin", "Müller", "Nakamura",
    "Nguyen", "Nixon", "Novak", "O'Brien", "Okafor", "Olsen", "Patel", "Petrov", "Quinn",
    "Rossi", "Rottenstreich", "Sato", "Schmidt", "Schneider", "Silva", "Singh", "Smith",
    "Suzuki", "Tanaka", "Thompson", "Wagner", "Wang", "Weber", "Wójcik", "Yamamoto", "Yilmaz",
    "Zhang", "Zhou"
]  # fmt: skip
POSITIONS = ["PhD student", "Postdoc", "Assistant Professor", "Professor", "Research Scientist"]
TOPICS = [
    "LLM Serving",
    "Clock Synchronization",
    "Geo-Replicated Databases",
    "Sketches",
    "Interpreters",
    "Privacy Policy Enforcement",
    "Serverless Computing",
    "Kernel Bypass Networking",
    "Byzantine Consensus",
    "Learned Indexes",
    "GPU Scheduling",
    "Persistent Memory",
    "Congestion Control",
    "Confidential Computing",
    "Stream Processing",
    "Vector Databases",
    "Distributed Tracing",
    "Formal Verification",
    "Erasure Coding",
    "Datacenter Power",
]
ANGLES = [
    "{topic} at Scale",
    "Rethinking {topic}",
    "{topic}: Lessons from Production",
    "Fast and Correct {topic}",
    "A Decade of {topic}",
    "{topic} for the Rest of Us",
    "When {topic} Meets Machine Learning",
    "Towards Practical {topic}",
]
ABSTRACT = (
    "Modern systems depend on *{topic_lower}*, yet the techniques we use were designed for "
    "another era of hardware and workloads. In this talk, {first} will share what "
    "{pronoun} team learned from running {topic_lower} in production for {years} years, "
    "across {sites} sites and billions of requests a day.\n\n"
    "We first characterise the workload: its daily cycles, its heavy tail, and the "
    "surprising role of retries. We then present a design that cuts the 99th-percentile "
    "latency by {gain}% while using fewer machines, and explain why the obvious "
    "alternatives — more caching, more replicas, bigger batches — fail in practice.\n\n"
    "The talk ends with open problems and a short demo. Slides and code are at "
    "[the project page](https://example.org/projects/{slug}).\n\n"
    "**Bio:** {name} is a {position} at {affiliation}, working on {topic_lower} and "
    "related problems in operating systems, networks and databases."
)


@dataclass(frozen=True)
class GeneratedData:
    """How many rows of each kind the generated talks use (talks, speakers and their links
    are all new; series, affiliations and event types of the same name are reused)."""

    talks: int
    speakers: int
    affiliations: int
    series: int
    event_types: int
    talk_speakers: int
    talk_event_types: int


def unique_slugs(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """Return a slug for each of `names`, unique among each other and `model`'s slugs."""
    taken = set(model._default_manager.values_list("slug", flat=True))
    slugs = []
    for name in names:
        base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or model._meta.model_name
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def get_or_bulk_create(model: type[models.Model], rows: list[dict]) -> list[models.Model]:
    """Return the objects named in `rows` (by "name"), creating the missing ones in bulk."""
    names = [row["name"] for row in rows]
    existing = {obj.name: obj for obj in model._default_manager.filter(name__in=names)}
    missing = [row for row in rows if row["name"] not in existing]
    slugs = unique_slugs(model, (row["name"] for row in missing))
    created = model._default_manager.bulk_create(
        model(slug=slug, **row) for row, slug in zip(missing, slugs, strict=True)
    )
    existing.update((obj.name, obj) for obj in created)
    return [existing[row["name"]] for row in rows]


def weekly_starts(
    series: Series, weekday: int, weeks: int, today: datetime.date
) -> list[datetime.datetime]:
    """Return `weeks` weekly starts on `weekday` (series time), the last UPCOMING_WEEKS after
    `today`."""
    zone = zoneinfo.ZoneInfo(series.timezone)
    first_upcoming = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    first = first_upcoming - datetime.timedelta(weeks=weeks - min(weeks, UPCOMING_WEEKS))
    return [
        datetime.datetime.combine(
            first + datetime.timedelta(weeks=week), series.default_start_time, zone
        )
        for week in range(weeks)
    ]


def talk_status(number: int, upcoming: bool) -> str:
    """Return the status of the `number`-th talk: mostly published, some cancelled or drafts."""
    if number % CANCELLED_EVERY == CANCELLED_EVERY - 1:
        return Talk.Status.CANCELLED
    if upcoming and number % UPCOMING_DRAFT_EVERY == 0:
        return Talk.Status.DRAFT
    if not upcoming and number % PAST_DRAFT_EVERY == PAST_DRAFT_EVERY - 1:
        return Talk.Status.DRAFT
    return Talk.Status.PUBLISHED


@transaction.atomic
def generate_data(
    talks: int, *, seed: int = 8, today: datetime.date | None = None
) -> GeneratedData:
    """Create `talks` talks (and their series, speakers, affiliations) ending a quarter after
    `today`; bump the content version once. The same seed gives the same data."""
    rng = random.Random(seed)  # noqa: S311 (sample data, not secrets)
    today = today or timezone.localdate()
    series_count = min(len(SERIES), max(1, math.ceil(talks / WEEKS_PER_SERIES)))
    rooms = sorted({room for _, _, room, _, _ in SERIES[:series_count]})
    venues = dict(
        zip(rooms, get_or_bulk_create(Venue, [{"name": room} for room in rooms]), strict=True)
    )
    series_list = get_or_bulk_create(
        Series,
        [
            {
                "name": name,
                "timezone": zone,
                "default_venue": venues[room],
                "default_start_time": start,
                "description": f"The {name}: weekly talks, open to everyone.",
            }
            for name, zone, room, _, start in SERIES[:series_count]
        ],
    )
    event_types = list(EventType.objects.order_by("pk"))
    if not event_types:
        event_types = get_or_bulk_create(EventType, [{"name": "Seminar"}])
    affiliations = get_or_bulk_create(
        Affiliation,
        [{"name": name, "short_name": short} for name, short in AFFILIATIONS],
    )

    speaker_count = max(2, talks // SPEAKERS_PER_TALK)
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(speaker_count)]
    speakers = Speaker.objects.bulk_create(
        [
            Speaker(
                name=name,
                slug=slug,
                affiliation=rng.choice(affiliations) if rng.random() < 0.9 else None,
                position=rng.choice(POSITIONS),
                bio=f"{name} works on *systems*.",
                homepage=f"https://example.org/~{slug}" if rng.random() < 0.5 else "",
            )
            for name, slug in zip(names, unique_slugs(Speaker, names), strict=True)
        ],
        batch_size=1000,
    )
    host = Speaker.objects.bulk_create(
        [Speaker(name=HOST_NAME, slug=unique_slugs(Speaker, [HOST_NAME])[0])]
    )[0]
    # A few speakers give many talks, most give one or two (a Zipf-like popularity).
    popularity = [1 / (rank + 1) ** 0.7 for rank in range(len(speakers))]
    # Summed once: choices(weights=) sums them on every call, quadratic at 50,000 talks.
    cumulative = list(itertools.accumulate(popularity))

    # Spread the talks over the series round-robin, each series weekly.
    per_series = [
        talks // series_count + (index < talks % series_count) for index in range(series_count)
    ]
    slots = []
    for series, weeks in zip(series_list, per_series, strict=True):
        weekday = next(spec[3] for spec in SERIES if spec[0] == series.name)
        slots += [(series, start) for start in weekly_starts(series, weekday, weeks, today)]
    slots.sort(key=lambda slot: slot[1])
    now = timezone.now()

    titles = []
    new_talks = []
    for number, (series, start) in enumerate(slots):
        topic = rng.choice(TOPICS)
        title = rng.choice(ANGLES).format(topic=topic)
        titles.append(title)
        new_talks.append((number, series, start, topic, title))
    talk_slugs = unique_slugs(Talk, titles)
    talk_objects = []
    lineups = []
    abstract_text = markdown_to_text(ABSTRACT)
    for (number, series, start, topic, title), slug in zip(new_talks, talk_slugs, strict=True):
        lineup = rng.choices(speakers, cum_weights=cumulative, k=1 + (rng.random() < 0.15))
        lineup = list(dict.fromkeys(lineup))
        first = lineup[0]
        lineups.append(lineup)
        # Drawn in the order they always were, so that the data stay the same.
        uid = uuid.UUID(int=rng.getrandbits(128), version=4)
        online_url = f"https://meet.example.org/{slug}" if rng.random() < 0.3 else ""
        abstract_values = {
            "topic_lower": topic.lower(),
            "first": first.name.split()[0],
            "pronoun": rng.choice(["her", "his", "their"]),
            "years": rng.randint(2, 9),
            "sites": rng.randint(3, 40),
            "gain": rng.randint(12, 80),
            "slug": slug,
            "name": first.name,
            "position": first.position.lower(),
            "affiliation": first.affiliation.name if first.affiliation else "an independent lab",
        }
        talk_objects.append(
            Talk(
                uid=uid,
                title=title,
                slug=slug,
                series=series,
                start=start,
                end=start + series.default_duration,
                venue_id=series.default_venue_id,
                location=series.default_location,
                online_url=online_url,
                abstract=ABSTRACT.format(**abstract_values),
                # What save() makes of it: the template's text, filled in (the values hold
                # no Markdown; a test compares every generated talk with markdown_to_text).
                abstract_text=abstract_text.format(**abstract_values),
                host=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                status=talk_status(number, upcoming=start + series.default_duration > now),
            )
        )
    created_talks = Talk.objects.bulk_create(talk_objects, batch_size=1000)

    links = []
    for talk, lineup in zip(created_talks, lineups, strict=True):
        for order, speaker in enumerate(lineup):
            # Some speakers moved: an old talk keeps the affiliation they had then.
            moved = talk.start.date() < today - datetime.timedelta(days=3 * 365)
            then = rng.choice(affiliations) if moved and rng.random() < 0.2 else speaker.affiliation
            links.append(TalkSpeaker(talk=talk, speaker=speaker, affiliation=then, order=order))
        links.append(TalkSpeaker(talk=talk, speaker=host, affiliation=None, order=len(lineup)))
    TalkSpeaker.objects.bulk_create(links, batch_size=2000)

    Tagging = Talk.event_types.through
    taggings = []
    for talk in created_talks:
        kinds = {event_types[0]}
        if rng.random() < 0.15:
            kinds.add(rng.choice(event_types))
        taggings += [Tagging(talk=talk, eventtype=kind) for kind in kinds]
    Tagging.objects.bulk_create(taggings, batch_size=2000)

    bump_content_version()
    return GeneratedData(
        talks=len(created_talks),
        speakers=len(speakers) + 1,
        affiliations=len(affiliations),
        series=len(series_list),
        event_types=len(event_types),
        talk_speakers=len(links),
        talk_event_types=len(taggings),
    )
