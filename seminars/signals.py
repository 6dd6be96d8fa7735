"""Cache invalidation: every change to what the public sees bumps the content version, and
nothing else does (a draft's edits are not seen).

Infrastructure, not domain logic (which stays in save() and services): the public pages and
the calendar feeds key their cached bodies, ETag and Last-Modified on ContentVersion, so
nothing may change without bumping it. Bulk writes that send no signals (QuerySet.update(),
bulk_create()) must call bump_content_version() themselves.
"""

import contextlib
import contextvars
from collections.abc import Iterator

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from seminars.models import (
    ContentVersion,
    EventType,
    Invitation,
    Series,
    Talk,
    TalkSpeaker,
    Venue,
)
from speakers.models import Affiliation, Speaker

# An invitation carries the speaker's consent to publish the recording.
WATCHED_MODELS = (Talk, TalkSpeaker, Series, EventType, Speaker, Affiliation, Invitation, Venue)
WATCHED_RELATIONS = (Talk.event_types.through, Talk.speakers.through)
M2M_CHANGES = {"post_add", "post_remove", "post_clear"}
# Set inside one_bump(): the saves of an import bump once at the end, not once a row (each
# bump moves changed_at a second on).
_bump_deferred = contextvars.ContextVar("bump_deferred", default=False)


def bump_content_version(**kwargs) -> None:
    """Mark the public content as changed (also a signal receiver)."""
    # loaddata saves rows "raw", one by one: the restore bumps once at the end instead of
    # moving changed_at a second ahead for every row.
    if kwargs.get("raw") or _bump_deferred.get():
        return
    if kwargs.get("action", "post_add") in M2M_CHANGES and is_public_change(**kwargs):
        ContentVersion.objects.bump()


def is_public_change(instance=None, **kwargs) -> bool:
    """Whether a saved, deleted or relinked row may change what the public sees.

    A draft's edits must not move the validators of public pages, feeds and the API: they
    would tell anyone when staff work on drafts, and make every subscriber download again.
    """
    if isinstance(instance, Talk):
        # _public_before: set by Talk.save(); a talk unpublished must still disappear.
        return instance.is_public or getattr(instance, "_public_before", False)
    if isinstance(instance, Invitation):
        instance = instance.talk_speaker
    if isinstance(instance, TalkSpeaker):
        return Talk.objects.public().filter(pk=instance.talk_id).exists()
    if kwargs.get("signal") is post_delete:
        return True
    if isinstance(instance, Speaker):
        return Talk.objects.public().filter(talk_speakers__speaker=instance).exists()
    if isinstance(instance, Venue):
        return Talk.objects.public().filter(venue=instance).exists()
    if isinstance(instance, Affiliation):
        return (
            Talk.objects.public()
            .filter(
                Q(talk_speakers__affiliation=instance)
                | Q(talk_speakers__speaker__affiliation=instance)
            )
            .exists()
        )
    if kwargs.get("model") is Talk and kwargs.get("pk_set") is not None:
        # A relation changed from the other side (event_type.talks.add(...)).
        return Talk.objects.public().filter(pk__in=kwargs["pk_set"]).exists()
    return True


@contextlib.contextmanager
def one_bump() -> Iterator[None]:
    """Bump the content version once for all the writes inside the block (an import)."""
    token = _bump_deferred.set(True)
    try:
        yield
    finally:
        _bump_deferred.reset(token)
    bump_content_version()


def connect() -> None:
    """Connect bump_content_version to the saves, deletes and relation changes it watches."""
    for model in WATCHED_MODELS:
        label = model._meta.label_lower
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-save-{label}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"bump-delete-{label}")
    for through in WATCHED_RELATIONS:
        m2m_changed.connect(
            bump_content_version,
            sender=through,
            dispatch_uid=f"bump-m2m-{through._meta.label_lower}",
        )
