"""Writes that touch several rows or have side effects."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction

from speakers.models import RetiredSlug, Speaker


def retire_slug(instance: models.Model, old_slug: str) -> None:
    """Remember `old_slug` of `instance` so that its old URL redirects to the new one."""
    if not old_slug or old_slug == instance.slug:
        return
    content_type = ContentType.objects.get_for_model(instance)
    RetiredSlug.objects.update_or_create(
        content_type=content_type, slug=old_slug, defaults={"object_id": instance.pk}
    )
    # The object may have gone back to a slug it had before: that one is current again.
    RetiredSlug.objects.filter(content_type=content_type, slug=instance.slug).delete()


def find_renamed(queryset: models.QuerySet, old_slug: str) -> models.Model | None:
    """Return the object of `queryset` that once had `old_slug`, or None."""
    object_id = (
        RetiredSlug.objects.for_model(queryset.model)
        .filter(slug=old_slug)
        .values_list("object_id", flat=True)
        .first()
    )
    if object_id is None:
        return None
    return queryset.filter(pk=object_id).first()


def delete_photo_files(names: Iterable[str]) -> None:
    """Delete the speaker photo and thumbnail files `names` once the transaction commits,
    keeping any that a speaker still uses.

    Call it after replacing, clearing or deleting photos: a rolled-back change keeps its files.
    """
    names = set(names) - {""}
    if not names:
        return

    def delete() -> None:
        in_use = Speaker.objects.filter(
            models.Q(photo__in=names) | models.Q(photo_thumbnail__in=names)
        ).photo_files()
        for name in names - in_use:
            default_storage.delete(name)

    # robust: a file that cannot be deleted is logged, not turned into an error for a change
    # that is already committed.
    transaction.on_commit(delete, robust=True)
