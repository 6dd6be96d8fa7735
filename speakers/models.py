from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from speakers import photos
from speakers.fields import HttpsURLField, OneLineCharField, PhotoField
from speakers.history import TrackedHistory
from speakers.slugs import RetiredSlug, SluggedModel  # noqa: F401

# RetiredSlug lives in speakers/slugs.py, beside the slugs it keeps: imported above, so that
# `speakers.models.RetiredSlug` stays its name.

# Migration 0001 names this validator; the photo field now checks uploads in full (PhotoFormField).
validate_photo_size = photos.validate_photo_size


class Affiliation(SluggedModel):
    name = OneLineCharField(max_length=200, unique=True)
    short_name = OneLineCharField(
        max_length=50, blank=True, help_text='Optional abbreviation, e.g. "MIT".'
    )
    url = HttpsURLField("website", blank=True)
    # When the row last changed: calendar events that show it take it as their LAST-MODIFIED
    # when it is later than the talk's own (a rename changes their bytes).
    updated = models.DateTimeField(auto_now=True)

    history = TrackedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speakers:affiliation-detail", kwargs={"slug": self.slug})


class SpeakerQuerySet(models.QuerySet):
    def photo_files(self) -> set[str]:
        """Return the names of the stored photo and thumbnail files of these speakers."""
        return {
            name for names in self.values_list("photo", "photo_thumbnail") for name in names if name
        }


class Speaker(SluggedModel):
    name = OneLineCharField(max_length=200)
    affiliation = models.ForeignKey(
        Affiliation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="speakers",
        help_text="The current affiliation. Each talk keeps the affiliation the speaker had then.",
    )
    position = OneLineCharField(
        max_length=200, blank=True, help_text='e.g. "PhD student" or "Professor".'
    )
    bio = models.TextField(blank=True, help_text="Markdown.")
    photo = PhotoField(
        upload_to="speakers/",
        blank=True,
        thumbnail_field="photo_thumbnail",
        help_text="A JPEG, PNG or WebP image. It is stored resized (at most "
        f"{photos.PHOTO_SIZE} pixels a side) and without its metadata (camera, location).",
    )
    # None: never asked (staff put the photo up and vouch for it); the speaker's own answer
    # on their invitation page sets it, and False keeps the photo off every public output.
    photo_consent = models.BooleanField(
        "photo may be published",
        null=True,
        help_text="Blank: not asked. “No” keeps the photo off the site, feeds and API.",
    )
    # Made from the photo when it is stored, for lists and speaker cards.
    photo_thumbnail = models.ImageField(
        upload_to="speakers/thumbnails/", blank=True, editable=False
    )
    homepage = HttpsURLField(blank=True)
    email = models.EmailField(
        blank=True, help_text="Private: for organisers only, never shown on the site."
    )
    # When the row last changed: calendar events that show it take it as their LAST-MODIFIED
    # when it is later than the talk's own (a rename changes their bytes).
    updated = models.DateTimeField(auto_now=True)

    objects = SpeakerQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speakers:speaker-detail", kwargs={"slug": self.slug})

    @property
    def small_photo(self) -> FieldFile:
        """Return the photo's thumbnail, or the photo itself if it has none."""
        return self.photo_thumbnail or self.photo

    @property
    def public_photo(self) -> FieldFile | None:
        """Return the photo the public may see: None when the speaker refused consent."""
        return None if self.photo_consent is False else self.photo

    @property
    def public_small_photo(self) -> FieldFile | None:
        """Return small_photo, or None when the speaker refused consent."""
        return None if self.photo_consent is False else self.small_photo

    def photo_files(self) -> set[str]:
        """Return the names of the stored photo and thumbnail files."""
        return {file.name for file in (self.photo, self.photo_thumbnail) if file}

    @property
    def sort_name(self) -> str:
        """Return the name as the A–Z index sorts it: family name (last word) first."""
        words = self.name.casefold().split()
        return " ".join(words[-1:] + words[:-1])

    @property
    def sort_letter(self) -> str:
        """Return the letter the A–Z index files this speaker under (by family name)."""
        letter = self.sort_name[:1].upper()
        return letter if letter.isalpha() else "#"
