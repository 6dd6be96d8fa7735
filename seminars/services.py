"""Writes that touch several rows or have side effects."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from seminars.models import TALK_YEARS_MESSAGE, Talk, TalkSpeaker, validate_talk_moment


def shift_wall_clock(moment: datetime.datetime, zone, weeks: int) -> datetime.datetime:
    """Return `moment` moved by `weeks`, keeping its wall-clock time in `zone` across DST;
    raise ValidationError if that leaves TALK_YEARS."""
    try:
        local = moment.astimezone(zone).replace(tzinfo=None) + datetime.timedelta(weeks=weeks)
    except OverflowError:
        raise ValidationError(TALK_YEARS_MESSAGE, code="implausible_year") from None
    shifted = local.replace(tzinfo=zone)
    validate_talk_moment(shifted)
    return shifted


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
    zone = talk.series.zoneinfo
    copy = Talk.objects.create(
        title=talk.title,
        series=talk.series,
        start=shift_wall_clock(talk.start, zone, weeks),
        end=shift_wall_clock(talk.end, zone, weeks),
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
