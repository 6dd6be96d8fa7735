"""Data and helpers shared by the tests of the JSON API and the embeds."""

import datetime

from seminars.models import EventType
from tests.factories import AffiliationFactory, SeriesFactory, SpeakerFactory, TalkFactory

INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
# The demo's talks as of NOW (tests/conftest.py): upcoming soonest first, past latest first.
DEMO_UPCOMING = [
    INFERENCE,
    "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters",
    "High-Dimensional Gradient-Free Optimization for Neuroscience, Interpretability and LLMs: "
    "Why It Works and How to Make It Better",
    "Collapsing Towers of Interpreters for Security",
    "Practical End-to-End Privacy and Data Use Policy Enforcement",
]
DEMO_PAST = [
    "Systems at the Crossroad of Agents & Infrastructure (MLSys ’26 Digest Talk)",
    "Building Scalable Distributed Databases in the Age of Geo-Replication",
    "Systems Seminar: Round Table Discussion",
    "Sketches and Their Applications for Synchronization, Blockchain Networks and Learning",
    "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing",
]


def make_talks(count: int, now: datetime.datetime) -> None:
    """Make `count` talks, half past and half upcoming, each by the shared speaker and one of
    their own, tagged Seminar and Tech week, in the series "Test Seminar"."""
    series = SeriesFactory()
    shared = SpeakerFactory(
        name="Shared Speaker", affiliation=AffiliationFactory(name="Shared University")
    )
    tags = [EventType.objects.get(name="Seminar"), EventType.objects.get(name="Tech week")]
    for number in range(1, count + 1):
        TalkFactory(
            title=f"Talk {number}",
            series=series,
            start=now + datetime.timedelta(weeks=number - count // 2, hours=-1),
            speakers=[shared, SpeakerFactory()],
            event_types=tags,
        )
