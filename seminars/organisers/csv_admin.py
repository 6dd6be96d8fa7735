"""CSV import and export of talks in the admin: the export action, and the import page that
checks a file, shows what it would change, and applies it when confirmed
(seminars/organisers/csv_io.py reads and writes the rows)."""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from seminars.models import Talk
from seminars.organisers.csv_io import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    InvalidImport,
    import_talks,
    read_import,
    talks_csv,
)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, with a header row naming the columns above, as the export writes it.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_IMPORT_BYTES / 1_000_000:g} MB: split it."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text: save it as “CSV UTF-8”."
            ) from None


class CsvConfirmForm(forms.Form):
    """The checked file, posted back with the preview (base64, so its bytes survive)."""

    csv = forms.CharField(widget=forms.HiddenInput)

    def clean_csv(self) -> str:
        try:
            return base64.b64decode(self.cleaned_data["csv"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise forms.ValidationError("The file came back damaged: upload it again.") from None

    @classmethod
    def carrying(cls, text: str) -> "CsvConfirmForm":
        return cls(initial={"csv": base64.b64encode(text.encode("utf-8")).decode("ascii")})


class TalkCsvAdminMixin:
    """Talk admin: CSV export (an action) and CSV import (a page)."""

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="seminars_talk_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Export the selected talks as CSV", permissions=("view",))
    def export_csv(self, request, queryset):
        talks = (
            Talk.objects.with_speakers()
            .filter(pk__in=queryset.values("pk"))
            .order_by("start", "pk")
        )
        # The byte order mark makes Excel read the file as UTF-8.
        response = HttpResponse("\ufeff" + talks_csv(talks), content_type="text/csv; charset=utf-8")
        filename = f"talks-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import talks from CSV",
            "max_megabytes": f"{MAX_IMPORT_BYTES / 1_000_000:g}",
            "columns": CSV_COLUMNS,
        }
        upload = CsvUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            confirm = CsvConfirmForm(request.POST)
            if not confirm.is_valid():
                context["errors"] = confirm.errors["csv"]
            else:
                try:
                    result = import_talks(confirm.cleaned_data["csv"], request.user)
                except InvalidImport as invalid:
                    context["errors"] = [str(error) for error in invalid.errors]
                else:
                    self.message_user(
                        request,
                        f"Imported {len(result.created)} new talk(s), updated "
                        f"{len(result.updated)}; {result.unchanged} unchanged.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:seminars_talk_changelist"))
        elif request.method == "POST":
            upload = CsvUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                text = upload.cleaned_data["file"]
                plan = read_import(text, request.user)
                if plan.errors:
                    context["errors"] = [str(error) for error in plan.errors]
                else:
                    context.update(plan=plan, confirm_form=CsvConfirmForm.carrying(text))
        context["form"] = upload
        return TemplateResponse(request, "admin/seminars/talk/import_csv.html", context)
