"""The signed links of subscribers: unguessable (they carry the subscriber's random key),
tamper-proof (signed with SECRET_KEY by django.core.signing) and, to confirm, expiring."""

import datetime

from django.core import signing
from django.urls import reverse

from seminars.mail.models import Subscriber
from seminars.site_url import absolute_url

CONFIRM_SALT = "seminars.mail.confirm"
MANAGE_SALT = "seminars.mail.manage"
# A confirmation link works for a week; an unconfirmed sign-up is deleted after that.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def confirm_token(subscriber: Subscriber) -> str:
    """Return the token of the link that confirms `subscriber`'s address."""
    return signing.dumps(subscriber.key, salt=CONFIRM_SALT)


def manage_token(subscriber: Subscriber) -> str:
    """Return the token of the links that manage and end `subscriber`'s subscription."""
    return signing.dumps(subscriber.key, salt=MANAGE_SALT)


def subscriber_for_token(token: str, salt: str) -> Subscriber | None:
    """Return the subscriber `token` was made for with `salt`, or None for a forged,
    expired or outdated token (or one of an address that has left)."""
    max_age = CONFIRM_MAX_AGE if salt == CONFIRM_SALT else None
    try:
        key = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(key, str):
        return None
    return Subscriber.objects.filter(key=key).first()


def confirm_url(subscriber: Subscriber) -> str:
    return absolute_url(
        reverse("seminars:email-confirm", kwargs={"token": confirm_token(subscriber)})
    )


def manage_url(subscriber: Subscriber) -> str:
    return absolute_url(
        reverse("seminars:email-manage", kwargs={"token": manage_token(subscriber)})
    )


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(
        reverse("seminars:email-unsubscribe", kwargs={"token": manage_token(subscriber)})
    )
