"""Slugs that are made automatically, never collide, and keep answering after a rename."""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

SLUG_MAX_LENGTH = 80
RETIRED_SLUG_PROBLEM = (
    "was the address of another one before it was renamed, and still leads there; choose "
    "another slug"
)


class RetiredSlugQuerySet(models.QuerySet):
    def for_model(self, model: type[models.Model]) -> "RetiredSlugQuerySet":
        # By natural key rather than ContentType's per-process id cache, which a restore
        # (content types made anew, under other ids) would leave stale in running servers.
        return self.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )


class RetiredSlug(models.Model):
    """A slug an object had before staff changed it: its old URL redirects to the new one."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="retired_slugs"
    )
    object_id = models.PositiveBigIntegerField()
    slug = models.SlugField(max_length=80)
    retired_at = models.DateTimeField(auto_now=True)

    objects = RetiredSlugQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="retired_slug_unique_per_model"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.slug} → #{self.object_id}"


def unique_slug(instance: models.Model, source: str) -> str:
    """Return a slug for `instance` made from `source`, unique among its model's slugs.

    A collision gets a numeric suffix ("talk-2"); a source that slugifies to nothing
    ("???", "日本") falls back to the model's name. Slugs that once belonged to an object
    of the model (and still redirect to it) are never reused.
    """
    model = type(instance)
    base = slug_base(instance, source)
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
    return free_slug(base, taken)


def assign_unique_slugs(instances: Sequence["SluggedModel"]) -> None:
    """Give each of `instances` (new objects of one model) that has no slug one made from its
    `slug_source`, as unique_slug() does, in two queries for them all (an import)."""
    if not instances:
        return
    model = type(instances[0])
    taken = set(model._default_manager.values_list("slug", flat=True))
    taken |= set(RetiredSlug.objects.for_model(model).values_list("slug", flat=True))
    taken |= {instance.slug for instance in instances if instance.slug}
    last_numbers: dict[str, int] = {}
    for instance in instances:
        if not instance.slug:
            base = slug_base(instance, getattr(instance, instance.slug_source))
            instance.slug = free_slug(base, taken, last_numbers)
            taken.add(instance.slug)


def slug_base(instance: models.Model, source: str) -> str:
    return slugify(source)[:SLUG_MAX_LENGTH].strip("-") or instance._meta.model_name


def free_slug(base: str, taken: set[str], last_numbers: dict[str, int] | None = None) -> str:
    """Return `base`, or `base` with the first numeric suffix not in `taken` (counting on from
    the one `last_numbers` remembers for it, so that many equal titles stay quick)."""
    last_numbers = {} if last_numbers is None else last_numbers
    candidate, number = base, last_numbers.get(base, 1)
    if number > 1:
        candidate = with_suffix(base, number)
    while candidate in taken:
        number += 1
        candidate = with_suffix(base, number)
    last_numbers[base] = number
    return candidate


def with_suffix(base: str, number: int) -> str:
    suffix = f"-{number}"
    return base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix


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

    def clean_fields(self, exclude=None):
        """Refuse a slug that another object of the model had: its old address redirects
        there, and taking it over would serve this object at that address."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if (
            self.slug
            and "slug" not in errors
            and "slug" not in (exclude or ())
            and RetiredSlug.objects.for_model(type(self))
            .filter(slug=self.slug)
            .exclude(object_id=self.pk)
            .exists()
        ):
            errors["slug"] = [
                ValidationError(f"“{self.slug}” {RETIRED_SLUG_PROBLEM}.", code="retired_slug")
            ]
        if errors:
            raise ValidationError(errors)
