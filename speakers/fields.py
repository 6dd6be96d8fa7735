"""Model fields shared by both apps (`seminars` builds on `speakers`)."""

from django.db import models


class HttpsURLField(models.URLField):
    """A URLField whose form field assumes https for scheme-less input.

    Django 5.2 warns (RemovedInDjango60Warning) when a form URLField is built without
    `assume_scheme`; setting it here covers the admin and every ModelForm at once.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
