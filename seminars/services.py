"""Writes that touch several rows or have side effects."""

import datetime
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from seminars.models import EventType, Series, Talk, TalkSpeaker
from speakers.models import Affiliation, Speaker


def shift_wall_clock(moment: datetime.datetime, zone, weeks: int) -> datetime.datetime:
    """Return `moment` moved by `weeks`, keeping its wall-clock time in `zone` across DST."""
    local = moment.astimezone(zone).replace(tzinfo=None) + datetime.timedelta(weeks=weeks)
    return local.replace(tzinfo=zone)


def publish_talk(talk: Talk) -> Talk:
    """Make `talk` public (a cancelled talk becomes scheduled again)."""
    talk.status = Talk.Status.PUBLISHED
    talk.save()
    return talk


def cancel_talk(talk: Talk) -> Talk:
    """Mark `talk` cancelled: it stays listed, marked, and feeds announce the cancellation."""
    talk.status = Talk.Status.CANCELLED
    talk.save()
    return talk


def touch_talk(talk: Talk) -> None:
    """Mark `talk` as changed now, for a change stored in other rows (speakers, tags)."""
    talk.save(update_fields=["updated"])


@transaction.atomic
def duplicate_talk(talk: Talk, weeks: int = 1) -> Talk:
    """Return a draft copy of `talk` `weeks` later, same wall-clock time, speakers and tags."""
    zone = talk.series.zoneinfo
    copy = Talk.objects.create(
        title=talk.title,
        series=talk.series,
        start=shift_wall_clock(talk.start, zone, weeks),
        end=shift_wall_clock(talk.end, zone, weeks),
        location=talk.location,
        online_url=talk.online_url,
        online_link_visibility=talk.online_link_visibility,
        is_placeholder=talk.is_placeholder,
        abstract=talk.abstract,
        host=talk.host,
        status=Talk.Status.DRAFT,
    )
    copy.event_types.set(talk.event_types.all())
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(
            talk=copy,
            speaker_id=link.speaker_id,
            affiliation_id=link.affiliation_id,
            order=link.order,
        )
        for link in talk.talk_speakers.all()
    )
    return copy


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


@transaction.atomic
def load_demo(data: dict, today: datetime.date | None = None) -> int:
    """Load the demo series and its talks; return how many talks were created.

    Talks that exist already (found by their fixed uid) are left as they are, so loading
    twice changes nothing. New talks get weekly Tuesday slots around `today`.
    """
    info = data["series"]
    series, _ = Series.objects.get_or_create(
        slug=info["slug"],
        defaults={
            "name": info["name"],
            "description": info["description"],
            "timezone": info["timezone"],
            "default_location": info["default_location"],
            "default_start_time": datetime.time.fromisoformat(info["default_start_time"]),
            "default_duration": datetime.timedelta(minutes=info["default_duration_minutes"]),
        },
    )
    zone = series.zoneinfo
    today = today or timezone.localdate(timezone=zone)
    event_types = {
        item["slug"]: EventType.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"]}
        )[0]
        for item in data["event_types"]
    }
    created = 0
    for talk_data, day in zip(data["talks"], demo_dates(len(data["talks"]), today), strict=True):
        uid = demo_talk_uid(talk_data["title"])
        if Talk.objects.filter(uid=uid).exists():
            continue
        start = datetime.datetime.combine(day, series.default_start_time, zone)
        talk = Talk.objects.create(
            uid=uid,
            title=talk_data["title"],
            series=series,
            start=start,
            end=start + series.default_duration,
            location=series.default_location,
            abstract=talk_data["abstract"],
            status=Talk.Status.PUBLISHED,
        )
        talk.event_types.set(event_types[slug] for slug in talk_data["event_types"])
        for order, speaker_data in enumerate(talk_data["speakers"]):
            affiliation, _ = Affiliation.objects.get_or_create(name=speaker_data["affiliation"])
            speaker, _ = Speaker.objects.get_or_create(
                name=speaker_data["name"], defaults={"affiliation": affiliation}
            )
            TalkSpeaker.objects.create(
                talk=talk, speaker=speaker, affiliation=affiliation, order=order
            )
        created += 1
    return created


PLACEHOLDER_TITLE = "Speaker to be announced"


@dataclass(frozen=True)
class PlannedSlot:
    """One slot of a term plan: its time, and the talk that already holds that day, if any."""

    start: datetime.datetime
    end: datetime.datetime
    taken_by: Talk | None

    @property
    def is_free(self) -> bool:
        return self.taken_by is None


def plan_term(
    series: Series,
    first_day: datetime.date,
    last_day: datetime.date,
    weekday: int,
    start_time: datetime.time,
    every_weeks: int = 1,
    skip_dates: Collection[datetime.date] = (),
) -> list[PlannedSlot]:
    """Return the slots on `weekday` (0 = Monday) at `start_time` series time, every
    `every_weeks` weeks from `first_day` to `last_day`, leaving out `skip_dates`.

    The wall-clock time stays the same across daylight-saving changes. A day on which the
    series already has a talk (any status) is marked taken, so planning again adds nothing.
    """
    zone = series.zoneinfo
    day = first_day + datetime.timedelta(days=(weekday - first_day.weekday()) % 7)
    taken = {
        talk.local_start.date(): talk
        for talk in series.talks.filter(
            start__gte=datetime.datetime.combine(first_day, datetime.time.min, zone),
            start__lt=datetime.datetime.combine(
                last_day + datetime.timedelta(days=1), datetime.time.min, zone
            ),
        ).select_related("series")
    }
    slots = []
    while day <= last_day:
        if day not in skip_dates:
            start = datetime.datetime.combine(day, start_time, zone)
            slots.append(PlannedSlot(start, start + series.default_duration, taken.get(day)))
        day += datetime.timedelta(weeks=every_weeks)
    return slots


@transaction.atomic
def create_placeholders(series: Series, slots: Collection[PlannedSlot]) -> list[Talk]:
    """Create a draft placeholder talk in each free slot; return them."""
    return [
        Talk.objects.create(
            title=PLACEHOLDER_TITLE,
            series=series,
            start=slot.start,
            end=slot.end,
            location=series.default_location,
            status=Talk.Status.DRAFT,
            is_placeholder=True,
        )
        for slot in slots
        if slot.is_free
    ]
