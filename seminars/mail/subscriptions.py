"""Sign up, confirm, change and leave the email announcements (double opt-in).

Every step that mails only queues the message (the background worker sends it). Nothing is
mailed to an address before it is confirmed but the confirmation itself, and the sign-up
answers the same whether or not the address is known.
"""

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from seminars.mail.models import Delivery, Subscriber
from seminars.mail.outbox import queue_deliveries
from seminars.models import EventType, Series


class TooManySignups(Exception):
    """This client has signed up too often lately."""


def allow(bucket: str, limit: int, period: datetime.timedelta) -> bool:
    """Count one more event in `bucket` (a cache key) for `period`; return whether it is
    within `limit`."""
    seconds = int(period.total_seconds())
    if cache.add(bucket, 1, seconds):
        return limit >= 1
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, seconds)
        return True


def bucket(kind: str, value: str) -> str:
    # A keyed hash, so that the cache never holds an address in the clear.
    return f"mail-signup:{kind}:{salted_hmac('seminars.mail.signup', value).hexdigest()}"


def request_subscription(
    email: str,
    *,
    everything: bool,
    series: Iterable[Series],
    event_types: Iterable[EventType],
    frequency: str,
    client: str,
) -> None:
    """Ask `email` to confirm a subscription to these talks: record the choices of a new or
    unconfirmed address and queue the confirmation mail; to an address already confirmed,
    queue a link to manage it instead (its choices change only through that link).

    Raise TooManySignups when `client` has signed up too often; past the limit per target
    address, queue nothing more (and say nothing, like for a known address).
    """
    now = timezone.now()
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    if not allow(bucket("client", client), settings.MAIL_SIGNUPS_PER_CLIENT_PER_HOUR, hour):
        raise TooManySignups
    email = email.strip().lower()
    if not allow(bucket("address", email), settings.MAIL_SIGNUPS_PER_ADDRESS_PER_DAY, day):
        return
    subscriber, _created = Subscriber.objects.get_or_create(
        email=email, defaults={"everything": everything, "frequency": frequency}
    )
    if subscriber.is_confirmed:
        kind, key = Delivery.Kind.MANAGE, f"manage:{secrets.token_hex(8)}"
    else:
        set_choices(
            subscriber,
            everything=everything,
            series=series,
            event_types=event_types,
            frequency=frequency,
        )
        kind, key = Delivery.Kind.CONFIRM, f"confirm:{secrets.token_hex(8)}"
    queue_deliveries([Delivery(subscriber=subscriber, kind=kind, key=key, not_before=now)])


def set_choices(
    subscriber: Subscriber,
    *,
    everything: bool,
    series: Iterable[Series],
    event_types: Iterable[EventType],
    frequency: str,
) -> None:
    """Record what `subscriber` follows and how often."""
    subscriber.everything = everything
    subscriber.frequency = frequency
    subscriber.save(update_fields=["everything", "frequency"])
    subscriber.series.set(series)
    subscriber.event_types.set(event_types)


def confirm_subscription(subscriber: Subscriber) -> None:
    """Mark `subscriber`'s address confirmed (once: confirming again changes nothing)."""
    if not subscriber.is_confirmed:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])


def unsubscribe(subscriber: Subscriber) -> None:
    """Delete `subscriber`: the address, its choices and every message to it."""
    subscriber.delete()
