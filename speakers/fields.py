"""Model fields: HttpsURLField and OneLineCharField are shared by both apps (`seminars`
builds on `speakers`)."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from speakers.photos import ACCEPTED_TYPES, reencode_photo, validate_photo


class HttpsURLField(models.URLField):
    """A URLField whose form field assumes https for scheme-less input.

    Django 5.2 warns (RemovedInDjango60Warning) when a form URLField is built without
    `assume_scheme`; setting it here covers the admin and every ModelForm at once.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


# C0 and C1 control characters (CR, LF, tab, NUL, ESC, …) and the Unicode line and paragraph
# separators: a title holding one breaks mail headers (BadHeaderError) and calendar lines.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_one_line(value: str) -> None:
    """Refuse a line break or another control character in a one-line text."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Use one line of text, without line breaks, tabs or other control characters.",
            code="control_character",
        )


class OneLineCharField(models.CharField):
    """A CharField for one line of text (a name, a title, a room): control characters are
    refused wherever the model is validated (admin, CSV import)."""

    default_validators = [validate_one_line]


class PhotoFormField(forms.FileField):
    """An upload that must be a complete JPEG, PNG or WebP image within the photo limits.

    Unlike forms.ImageField it ignores the file name's extension (the stored file gets a new
    name), says which limit a file breaks, and refuses a decompression bomb before decoding.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            validate_photo(upload)
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPTED_TYPES
        return attrs


class PhotoFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store `content` re-encoded under a random name, and its thumbnail beside it.

        Every way of storing a photo ends here (a form's upload as the model is saved, or
        `speaker.photo.save(name, content)`), so no upload is ever stored as it came, with
        its metadata. `name` is ignored. Raise ValidationError if `content` is not a photo.
        The files of the photo it replaces stay until services.delete_photo_files() runs.
        """
        photo, thumbnail = reencode_photo(content)
        new_name = f"{uuid.uuid4().hex}.jpg"
        super().save(new_name, photo, save=False)
        if self.field.thumbnail_field:
            getattr(self.instance, self.field.thumbnail_field).save(new_name, thumbnail, save=False)
        if save:
            self.instance.save()


class PhotoField(models.ImageField):
    """An ImageField that stores photos re-encoded (see PhotoFieldFile) and validated by
    PhotoFormField, keeping the image field named `thumbnail_field` in step.

    Like `width_field`, `thumbnail_field` is a field of the same model; declare it after this
    one, so that it is saved with the value this field's pre_save() gives it.
    """

    attr_class = PhotoFieldFile

    def __init__(self, *args, thumbnail_field: str | None = None, **kwargs):
        self.thumbnail_field = thumbnail_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.thumbnail_field:
            kwargs["thumbnail_field"] = self.thumbnail_field
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        photo = super().pre_save(model_instance, add)
        if not photo and self.thumbnail_field:
            setattr(model_instance, self.thumbnail_field, "")
        return photo

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})
