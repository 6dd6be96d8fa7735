"""The demo series: its talks placed on the Tuesdays around today, loaded once."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from seminars.models import EventType, Material, Series, Talk, TalkSpeaker, Venue
from seminars.signals import one_bump
from speakers.history import has_history, record_version
from speakers.models import Affiliation, Speaker

DEMO_WEEKDAY = 1  # Tuesday
DEMO_PAST_TALKS = 5


def demo_talk_uid(title: str) -> uuid.UUID:
    """Return the fixed uid of a demo talk, so that loading the demo twice finds it again."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"seminar-demo:{title}")


def demo_dates(count: int, today: datetime.date) -> list[datetime.date]:
    """Return `count` weekly Tuesdays around `today`: the first five before it, the rest after."""
    days_back = (today.weekday() - DEMO_WEEKDAY) % 7 or 7
    last_before = today - datetime.timedelta(days=days_back)
    days_ahead = (DEMO_WEEKDAY - today.weekday()) % 7 or 7
    first_after = today + datetime.timedelta(days=days_ahead)
    return [
        last_before - datetime.timedelta(weeks=DEMO_PAST_TALKS - 1 - index)
        if index < DEMO_PAST_TALKS
        else first_after + datetime.timedelta(weeks=index - DEMO_PAST_TALKS)
        for index in range(count)
    ]


@transaction.atomic
def remove_demo(data: dict) -> int:
    """Delete the demo talks, then the demo speakers and affiliations nothing else uses."""
    uids = [demo_talk_uid(talk["title"]) for talk in data["talks"]]
    deleted, _ = Talk.objects.filter(uid__in=uids).delete()
    names = {speaker["name"] for talk in data["talks"] for speaker in talk["speakers"]}
    Speaker.objects.filter(name__in=names, talk_speakers__isnull=True).delete()
    affiliations = {
        speaker["affiliation"] for talk in data["talks"] for speaker in talk["speakers"]
    }
    Affiliation.objects.filter(
        name__in=affiliations, speakers__isnull=True, talk_speakers__isnull=True
    ).delete()
    return deleted


class NewRows:
    """Rows made by one load, saved without a version each: each object gets one version,
    its related rows included, and the content version one bump, once everything is in."""

    def __init__(self):
        self.made: list = []

    def get_or_create(self, model, defaults=None, **lookup):
        found = model.objects.filter(**lookup).first()
        if found is not None:
            return found
        return self.create(model, **lookup, **(defaults or {}))

    def create(self, model, **fields):
        row = model(**fields)
        row.skip_history_when_saving = True
        row.save()
        self.made.append(row)
        return row

    def record_versions(self) -> None:
        for row in self.made:
            del row.skip_history_when_saving
            if has_history(type(row)):
                record_version(row, created=True)


@transaction.atomic
def load_demo(data: dict, today: datetime.date | None = None) -> int:
    """Load the demo series and its talks; return how many talks were created.

    Talks that exist already (found by their fixed uid) are left as they are, so loading
    twice changes nothing. New talks get weekly Tuesday slots around `today`.
    """
    new = NewRows()
    with one_bump():
        created = _load_demo(data, today, new)
        new.record_versions()
    return created


def _load_demo(data: dict, today: datetime.date | None, new: NewRows) -> int:
    info = data["series"]
    # Only the room's name is known: no address or coordinates are made up.
    venue = new.get_or_create(Venue, name=info["venue"]["name"])
    series = new.get_or_create(
        Series,
        slug=info["slug"],
        defaults={
            "name": info["name"],
            "description": info["description"],
            "timezone": info["timezone"],
            "default_venue": venue,
            "default_start_time": datetime.time.fromisoformat(info["default_start_time"]),
            "default_duration": datetime.timedelta(minutes=info["default_duration_minutes"]),
        },
    )
    zone = series.zoneinfo
    today = today or timezone.localdate(timezone=zone)
    event_types = {
        item["slug"]: new.get_or_create(
            EventType, slug=item["slug"], defaults={"name": item["name"]}
        )
        for item in data["event_types"]
    }
    existing = set(
        Talk.objects.filter(
            uid__in=[demo_talk_uid(talk["title"]) for talk in data["talks"]]
        ).values_list("uid", flat=True)
    )
    created = 0
    for talk_data, day in zip(data["talks"], demo_dates(len(data["talks"]), today), strict=True):
        uid = demo_talk_uid(talk_data["title"])
        if uid in existing:
            continue
        start = datetime.datetime.combine(day, series.default_start_time, zone)
        talk = new.create(
            Talk,
            uid=uid,
            title=talk_data["title"],
            series=series,
            start=start,
            end=start + series.default_duration,
            venue=series.default_venue,
            location=series.default_location,
            abstract=talk_data["abstract"],
            status=Talk.Status.PUBLISHED,
        )
        talk.event_types.set(event_types[slug] for slug in talk_data["event_types"])
        for order, material in enumerate(talk_data.get("materials", [])):
            Material.objects.create(
                talk=talk, kind=material["kind"], url=material["url"], order=order
            )
        for order, speaker_data in enumerate(talk_data["speakers"]):
            affiliation = new.get_or_create(Affiliation, name=speaker_data["affiliation"])
            speaker = new.get_or_create(
                Speaker, name=speaker_data["name"], defaults={"affiliation": affiliation}
            )
            TalkSpeaker.objects.create(
                talk=talk, speaker=speaker, affiliation=affiliation, order=order
            )
        created += 1
    return created
