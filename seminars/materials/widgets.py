"""The admin's file input for a material: its "Currently" link opens the stored PDF through
the admin (MEDIA_URL is not served; the public link works only once the talk is public)."""

from django import forms


class StoredFileLink:
    """The stored file as ClearableFileInput shows it: its name, linked to `url`."""

    def __init__(self, file, url: str):
        self.file = file
        self.url = url

    def __str__(self):
        return str(self.file)


class MaterialFileInput(forms.ClearableFileInput):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.stored_file_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.stored_file_url and self.is_initial(value):
            context["widget"]["value"] = StoredFileLink(value, self.stored_file_url)
        return context
