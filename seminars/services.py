"""Writes that touch several rows or have side effects."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import from_current_timezone
from django.utils import timezone

from seminars.models import TALK_YEARS_MESSAGE, Talk, TalkSpeaker, validate_talk_moment


def moment_at_wall_clock(wall_clock: datetime.datetime, zone) -> datetime.datetime:
    """Return the naive `wall_clock` time in `zone` as a moment; raise ValidationError for a
    time a daylight-saving change skips or repeats there.

    The rule and message of Django's date-time form fields (the talk form's), so that the
    planner and the Duplicate action refuse what that form refuses: a skipped time would
    otherwise end no later than it starts.
    """
    with timezone.override(zone):
        return from_current_timezone(wall_clock)


def shift_wall_clock(moment: datetime.datetime, zone, weeks: int) -> datetime.datetime:
    """Return `moment` moved by `weeks`, keeping its wall-clock time in `zone` across DST;
    raise ValidationError if that leaves TALK_YEARS or is not a time there that day."""
    try:
        local = moment.astimezone(zone).replace(tzinfo=None) + datetime.timedelta(weeks=weeks)
    except OverflowError:
        raise ValidationError(TALK_YEARS_MESSAGE, code="implausible_year") from None
    shifted = moment_at_wall_clock(local, zone)
    validate_talk_moment(shifted)
    return shifted


def later_by(moment: datetime.datetime, length: datetime.timedelta) -> datetime.datetime:
    """Return the moment `length` after `moment` in elapsed time (Python adds to an aware
    time's wall clock, which a daylight-saving change in between would stretch or shrink);
    raise ValidationError if that leaves TALK_YEARS."""
    try:
        later = (moment.astimezone(datetime.UTC) + length).astimezone(moment.tzinfo)
    except OverflowError:
        raise ValidationError(TALK_YEARS_MESSAGE, code="implausible_year") from None
    validate_talk_moment(later)
    return later


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
    """Return a draft copy of `talk` `weeks` later: the same wall-clock time, place, online
    link, audience and registration, content, speakers and tags; raise ValidationError if the
    copy would fall outside TALK_YEARS.

    The copy is a new event: its own uid, slug, calendar sequence and history, and no
    materials or invitations (those belong to the talk that took place).
    """
    start = shift_wall_clock(talk.start, talk.series.zoneinfo, weeks)
    copy = Talk.objects.create(
        title=talk.title,
        series=talk.series,
        start=start,
        end=later_by(start, talk.end - talk.start),
        venue_id=talk.venue_id,
        location=talk.location,
        online_url=talk.online_url,
        online_link_visibility=talk.online_link_visibility,
        audience=talk.audience,
        registration_required=talk.registration_required,
        registration_url=talk.registration_url,
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
