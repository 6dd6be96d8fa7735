"""Slugs that are made automatically, never collide, and keep answering after a rename."""

from django.db import models
from django.utils.text import slugify

SLUG_MAX_LENGTH = 80


def unique_slug(instance: models.Model, source: str) -> str:
    """Return a slug for `instance` made from `source`, unique among its model's slugs.

    A collision gets a numeric suffix ("talk-2"); a source that slugifies to nothing
    ("???", "日本") falls back to the model's name. Slugs that once belonged to an object
    of the model (and still redirect to it) are never reused.
    """
    from speakers.models import RetiredSlug  # models.py imports this module

    model = type(instance)
    base = slugify(source)[:SLUG_MAX_LENGTH].strip("-") or model._meta.model_name
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=instance.pk)
        .values_list("slug", flat=True)
    )
    taken |= set(
        RetiredSlug.objects.for_model(model)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


class SluggedModel(models.Model):
    """A model whose unique slug is made from `slug_source` when left blank."""

    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text="Part of the page address. Leave blank to make it from the name. "
        "After a change the old address keeps working (it redirects).",
    )

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source))
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)
