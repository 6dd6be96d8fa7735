"""What is due to email subscribers: announcements of talks, weekly digests, change notices.

`queue_due_subscriber_mail` is run by `send_announcements --due` (cron): it queues, once per
subscriber, each message whose time has come, at the series' announce schedule, and the
notices of talks that changed since the subscriber was told of them. Subscribers are read in
pages of their ids, never all at once.
"""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from seminars.mail.compose import TalkState
from seminars.mail.models import Delivery, Subscriber, SubscriberQuerySet, ToldState
from seminars.mail.outbox import change_key, enqueue_senders, queue_deliveries
from seminars.mail.schedule import coming_week, talk_due_at, week_talks
from seminars.mail.tokens import CONFIRM_MAX_AGE
from seminars.models import Series, Talk

# Several quick edits of a talk make one notice: it goes out once the talk has been left
# alone this long.
CHANGES_SETTLE_FOR = datetime.timedelta(minutes=10)
PAGE = 1000


def subscriber_ids(subscribers: SubscriberQuerySet, key: str) -> Iterator[int]:
    """Yield the ids of `subscribers` who have no message under `key`, a page at a time."""
    pending = subscribers.exclude(pk__in=Delivery.objects.filter(key=key).values("subscriber"))
    last = 0
    while True:
        page = list(pending.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:PAGE])
        yield from page
        if len(page) < PAGE:
            return
        last = page[-1]


def queue_for(subscribers: SubscriberQuerySet, key: str, now: datetime.datetime, **fields) -> int:
    """Queue the message `key` for each of `subscribers` who has not had it; return how many."""
    return queue_deliveries(
        Delivery(subscriber_id=pk, key=key, not_before=now, **fields)
        for pk in subscriber_ids(subscribers, key)
    )


def queue_talk_announcements(series: Series, now: datetime.datetime) -> int:
    """Queue the announcement of each published talk of `series` whose time has come and
    that has not started, to the subscribers who follow it and get each talk."""
    horizon = now + datetime.timedelta(days=series.announce_days_before + 2)
    talks = (
        Talk.objects.public()
        .scheduled()
        .filter(series=series, start__gt=now, start__lte=horizon)
        .select_related("series")
    )
    queued = 0
    each_talk = Subscriber.objects.confirmed().filter(frequency=Subscriber.Frequency.TALK)
    for talk in talks:
        if talk_due_at(talk) > now:
            continue
        audience = each_talk.following(Talk.objects.filter(pk=talk.pk))
        queued += queue_for(audience, f"talk:{talk.pk}", now, kind=Delivery.Kind.TALK, talk=talk)
    return queued


def queue_week_digest(series: Series, now: datetime.datetime) -> int:
    """Queue the digest of the series' coming week, once its time has come, to the weekly
    subscribers who follow the series, or a type of one of its talks that week."""
    week_start = coming_week(series, now)
    talks = week_talks(series, week_start)
    if not talks.exists():
        return 0
    audience = (
        Subscriber.objects.confirmed()
        .filter(frequency=Subscriber.Frequency.WEEK)
        .following(Talk.objects.filter(pk__in=talks.values("pk")))
    )
    key = f"week:{series.pk}:{week_start:%Y-%m-%d}"
    return queue_for(
        audience, key, now, kind=Delivery.Kind.WEEK, series=series, week_start=week_start
    )


def queue_change_notices(now: datetime.datetime) -> int:
    """Queue a notice to each subscriber told of a talk whose time, place or status has
    changed since, once the edits have settled, until the talk ends; once per change."""
    talks = Talk.objects.public().filter(
        end__gt=now,
        updated__lte=now - CHANGES_SETTLE_FOR,
        pk__in=ToldState.objects.values("talk"),
    )
    queued = 0
    for talk in talks.select_related("series"):
        state = str(TalkState.of(talk))
        stale = ToldState.objects.filter(talk=talk).exclude(state=state)
        for previous in stale.values_list("state", flat=True).distinct().order_by("state"):
            told_that = Subscriber.objects.confirmed().filter(
                pk__in=stale.filter(state=previous).values("subscriber")
            )
            queued += queue_for(
                told_that,
                change_key(talk),
                now,
                kind=Delivery.Kind.CHANGE,
                talk=talk,
                previous_state=previous,
            )
    return queued


def forget_unconfirmed(now: datetime.datetime) -> int:
    """Delete the sign-ups never confirmed within the confirmation link's lifetime."""
    expired = Subscriber.objects.filter(confirmed_at=None, created__lt=now - CONFIRM_MAX_AGE)
    return expired.delete()[1].get(Subscriber._meta.label, 0)


def queue_due_subscriber_mail(now: datetime.datetime | None = None) -> int:
    """Queue every message due to subscribers at `now`; return how many were queued."""
    now = now or timezone.now()
    forget_unconfirmed(now)
    queued = 0
    for series in Series.objects.all():
        queued += queue_talk_announcements(series, now)
        queued += queue_week_digest(series, now)
    queued += queue_change_notices(now)
    # Tasks lost with a crashed process, or never enqueued, are made up for here.
    enqueue_senders(now)
    return queued
