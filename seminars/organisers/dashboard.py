"""The admin's front page: what needs doing this week in the series a user may edit.

Every list costs one query (two for the next talks, with their speakers) however many series
and talks there are: the admin index opens on it on every visit.
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q

from seminars.invitations.status import unconfirmed_speakers
from seminars.mail.schedule import coming_week, talk_due_at
from seminars.models import MAX_ANNOUNCE_DAYS_BEFORE, Announcement, Series, Talk, TalkSpeaker

NEXT_TALKS = 10
OPEN_SLOT_WEEKS = 8
DRAFT_WEEKS = 3
UNCONFIRMED_WEEKS = 6
# Lists longer than this say how many more there are rather than list them all.
LIST_LIMIT = 20
STUCK_AFTER = datetime.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class DueWeek:
    """A series' coming week, whose announcement is due and not sent."""

    series: Series
    week_start: datetime.date


@dataclasses.dataclass(frozen=True)
class Dashboard:
    series: list[Series]
    next_talks: list[Talk]
    open_slots: list[Talk]
    drafts_soon: list[Talk]
    due_talks: list[Talk]
    due_weeks: list[DueWeek]
    failed_announcements: list[Announcement]
    # The speakers of the talks of the next UNCONFIRMED_WEEKS weeks who have not confirmed
    # (never invited, not answered, declined), each with `invitation_status`.
    unconfirmed_speakers: list | None = None


def _in_window(talks, now: datetime.datetime, weeks: int):
    return talks.starting_between(now, now + datetime.timedelta(weeks=weeks))


def due_weeks(series: list[Series], talks: list[Talk], sent: set, now) -> list[DueWeek]:
    """Return the weekly announcements due at `now`: the coming week of each series that
    announces weekly, has public talks that week and no announcement claimed for it."""
    due = []
    for one in series:
        if one.announcement_kind != Announcement.Kind.WEEK or not one.announcement_email:
            continue
        monday = coming_week(one, now)
        if (one.pk, monday) in sent:
            continue
        if any(
            talk.series_id == one.pk and 0 <= (talk.local_start.date() - monday).days < 7
            for talk in talks
        ):
            due.append(DueWeek(one, monday))
    return due


def dashboard_for(user, now: datetime.datetime) -> Dashboard:
    """Return what `user` should look at now in the series they may edit (all for a
    superuser)."""
    series = list(Series.objects.editable_by(user))
    by_pk = {one.pk: one for one in series}
    talks = Talk.objects.filter(series__in=list(by_pk))

    speakers = TalkSpeaker.objects.select_related("speaker").order_by("order", "pk")
    next_talks = list(
        talks.upcoming(now).prefetch_related(Prefetch("talk_speakers", queryset=speakers))[
            :NEXT_TALKS
        ]
    )
    open_slots = list(
        _in_window(talks, now, OPEN_SLOT_WEEKS)
        .filter(is_placeholder=True)
        .exclude(status=Talk.Status.CANCELLED)[:LIST_LIMIT]
    )
    drafts_soon = list(
        _in_window(talks, now, DRAFT_WEEKS).filter(status=Talk.Status.DRAFT, is_placeholder=False)[
            :LIST_LIMIT
        ]
    )
    announced = Announcement.objects.filter(series__in=list(by_pk)).exclude(
        status=Announcement.Status.FAILED
    )
    # Both kinds are due at most MAX_ANNOUNCE_DAYS_BEFORE days (and a week) ahead.
    horizon = now + datetime.timedelta(days=MAX_ANNOUNCE_DAYS_BEFORE + 9)
    public_soon = list(
        talks.scheduled()
        .filter(start__gt=now, start__lte=horizon)
        .exclude(pk__in=announced.filter(kind=Announcement.Kind.TALK).values("talk"))
        .order_by("start", "pk")
    )
    sent_weeks = set(
        announced.filter(kind=Announcement.Kind.WEEK).values_list("series", "week_start")
    )
    # A stuck one (claimed, never sent nor failed) needs the same hand as a failed one.
    failed = list(
        Announcement.objects.filter(series__in=list(by_pk))
        .filter(
            Q(status=Announcement.Status.FAILED)
            | Q(status=Announcement.Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
        )
        .select_related("talk")[:LIST_LIMIT]
    )
    for talk in [*next_talks, *open_slots, *drafts_soon, *public_soon]:
        talk.series = by_pk[talk.series_id]
    for announcement in failed:
        announcement.series = by_pk[announcement.series_id]
    unconfirmed = list(unconfirmed_speakers(talks, now, UNCONFIRMED_WEEKS)[:LIST_LIMIT])
    for link in unconfirmed:
        link.talk.series = by_pk[link.talk.series_id]
    talk_series = [
        one
        for one in series
        if one.announcement_kind == Announcement.Kind.TALK and one.announcement_email
    ]
    due_talks = [
        talk for talk in public_soon if talk.series in talk_series and talk_due_at(talk) <= now
    ][:LIST_LIMIT]
    return Dashboard(
        series=series,
        next_talks=next_talks,
        open_slots=open_slots,
        drafts_soon=drafts_soon,
        due_talks=due_talks,
        due_weeks=due_weeks(series, public_soon, sent_weeks, now),
        failed_announcements=failed,
        unconfirmed_speakers=unconfirmed,
    )
