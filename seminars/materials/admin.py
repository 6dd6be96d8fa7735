"""Talks' materials in the admin: the inline that uploads a checked PDF or names a link, and the
download of a stored PDF for the talk's organisers, whatever the talk's state."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse

from seminars.materials.files import validate_pdf
from seminars.materials.views import pdf_download
from seminars.materials.widgets import MaterialFileInput
from seminars.models import Material


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ("kind", "url", "file", "order")
        widgets = {"file": MaterialFileInput(attrs={"accept": "application/pdf,.pdf"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            self.fields["file"].widget.stored_file_url = reverse(
                "admin:seminars_talk_material_file",
                args=[self.instance.talk_id, self.instance.pk],
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Only a new upload is read; a stored file was checked when it came.
        if upload and hasattr(upload, "content_type"):
            validate_pdf(upload)
        return upload


class MaterialInline(admin.TabularInline):
    model = Material
    form = MaterialForm
    extra = 1
    verbose_name = "material (after the talk)"
    verbose_name_plural = "materials: recording, slides, paper and code, as links or PDFs"


class MaterialFileAdminMixin:
    """Talk admin: the stored PDF of one of the talk's materials, for whoever may view the talk."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/materials/<int:material_pk>/",
                self.admin_site.admin_view(self.material_file_view),
                name="seminars_talk_material_file",
            ),
            *super().get_urls(),
        ]

    def material_file_view(self, request, object_id, material_pk):
        """The PDF of a material of a talk this organiser may see, draft or not."""
        talk = self.get_object(request, object_id)
        if talk is None or not self.has_view_permission(request, talk):
            raise Http404("No such material.")
        material = talk.materials.exclude(file="").filter(pk=material_pk).first()
        if material is None:
            raise Http404("No such material.")
        return pdf_download(material, "private, no-store")
