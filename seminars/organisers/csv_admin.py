"""Organiser tools in the admin: per-series scoping, announcements, CSV import and export.

Mixins for the ModelAdmins of seminars/admin.py; the views they add are thin and call
seminars.mail.list_announcements and seminars.organisers.csv_io.
"""

import base64
import binascii
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from seminars.formatting import day_label
from seminars.mail.compose import coming_week, monday_of
from seminars.mail.list_announcements import (
    AnnouncementRefused,
    Target,
    build_announcement,
    queue_announcement,
    refusal,
)
from seminars.materials.views import pdf_download
from seminars.models import (
    EARLIEST_TALK_MOMENT,
    LATEST_TALK_MOMENT,
    TALK_YEARS,
    Series,
    Talk,
)
from seminars.organisers.csv_io import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    InvalidImport,
    import_talks,
    read_import,
    talks_csv,
)
from seminars.organisers.forms import validate_plausible_day


class DateHierarchyChangeList(ChangeList):
    """The changelist, with a date hierarchy that no year can break.

    A junk year in the address (?start__year=99999999999999999999) overflows Django's own
    date arithmetic (OverflowError, a 500): it is refused like any wrong lookup (the admin
    shows the list again, flagged). A year outside TALK_YEARS is refused too, and while a row
    is stored outside them the hierarchy is left off, as its local time may not exist.
    """

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.date_hierarchy
        if field and f"{field}__year" not in self.params:
            in_range = {f"{field}__gte": EARLIEST_TALK_MOMENT, f"{field}__lt": LATEST_TALK_MOMENT}
            if self.queryset.exclude(**in_range).exists():
                self.date_hierarchy = None

    def get_filters(self, request):
        year = self.params.get(f"{self.date_hierarchy}__year") if self.date_hierarchy else None
        if year is not None and not (year.isdigit() and int(year) in TALK_YEARS):
            raise IncorrectLookupParameters(f"The year {year[:20]} is out of range.")
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class OrganiserScopedAdminMixin:
    """Show, change and act on only the rows of the series the user may edit.

    The model's QuerySet must have editable_by(user) (Series, Talk, Announcement): that is
    the one place the rule lives; superusers see everything. A row out of reach answers 404,
    like one that does not exist, and a series field offers only the user's series.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404(
                f"No {self.opts.verbose_name} with the id “{object_id}” is yours to edit."
            )
        return found

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Series:
            kwargs["queryset"] = Series.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def announcement_context(target: Target, user_may_send: bool) -> dict:
    """Return what the announcement page shows about `target`: the message as it reads now,
    where it goes, whether it was sent, and why it cannot be sent (if it cannot)."""
    return {
        "message": build_announcement(target, timezone.now()),
        "recipient": target.series.announcement_email,
        "record": target.records().first(),
        "refusal": refusal(target)
        if user_may_send
        else "You may read this announcement but not send it.",
    }


def send_from_admin(model_admin, request, target: Target, logged) -> None:
    """Queue `target` for the mail worker for the admin's user (never SMTP inside a
    request), saying so and logging it on `logged`."""
    try:
        announcement = queue_announcement(target)
    except AnnouncementRefused as refusal:
        model_admin.message_user(request, str(refusal), messages.ERROR)
        return
    text = (
        f"Queued the announcement to {announcement.recipient}: the mail worker sends it "
        "shortly (its record under Announcements says when)."
    )
    model_admin.log_change(request, logged, text)
    model_admin.message_user(request, text, messages.SUCCESS)


class SeriesToolsAdminMixin:
    """Series admin: the week's announcement page; only superusers choose organisers."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "organisers")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/announcement/",
                self.admin_site.admin_view(self.announcement_view),
                name="seminars_series_announcement",
            ),
            *super().get_urls(),
        ]

    def announcement_view(self, request, object_id):
        series = self.get_object(request, object_id)
        if not self.has_view_permission(request, series):
            raise PermissionDenied
        try:
            asked = datetime.date.fromisoformat(request.GET.get("week", ""))
            validate_plausible_day(asked)
            week_start = monday_of(asked)
        except (ValueError, ValidationError):
            week_start = coming_week(series, timezone.now())
        target = Target.of_week(series, week_start)
        may_send = self.has_change_permission(request, series)
        if request.method == "POST":
            if not may_send:
                raise PermissionDenied
            send_from_admin(self, request, target, series)
            return HttpResponseRedirect(f"{request.path}?week={week_start.isoformat()}")
        week = datetime.timedelta(weeks=1)
        context = {
            **self.admin_site.each_context(request),
            **announcement_context(target, may_send),
            "opts": self.opts,
            "original": series,
            "title": f"Announcement of the week of {day_label(week_start)}",
            "previous_week": (week_start - week).isoformat(),
            "next_week": (week_start + week).isoformat(),
            "public_listing": reverse("seminars:series-announcement", args=[series.slug]),
        }
        return TemplateResponse(request, "admin/seminars/announcement.html", context)


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


class TalkToolsAdminMixin:
    """Talk admin: the talk's announcement page, CSV export (an action) and CSV import."""

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="seminars_talk_import",
            ),
            path(
                "<path:object_id>/announcement/",
                self.admin_site.admin_view(self.announcement_view),
                name="seminars_talk_announcement",
            ),
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

    def announcement_view(self, request, object_id):
        talk = self.get_object(request, object_id)
        if not self.has_view_permission(request, talk):
            raise PermissionDenied
        target = Target.of_talk(talk)
        may_send = self.has_change_permission(request, talk)
        if request.method == "POST":
            if not may_send:
                raise PermissionDenied
            send_from_admin(self, request, target, talk)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            **announcement_context(target, may_send),
            "opts": self.opts,
            "original": talk,
            "title": f"Announcement of “{talk}”",
        }
        return TemplateResponse(request, "admin/seminars/announcement.html", context)

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
