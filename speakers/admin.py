from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from speakers.history import Version, has_history, latest_version_id, record_version, versions_of
from speakers.models import Affiliation, Speaker
from speakers.services import delete_photo_files, retire_slug


class StaleEditForm(forms.ModelForm):
    """A form that refuses to save over a version recorded after it was opened (two people
    editing the same row): it carries the id of the version it showed."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = latest_version_id(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            refuse_stale_edit(self.instance, cleaned_data.get("loaded_version"))
        return cleaned_data


def refuse_stale_edit(instance: models.Model, loaded_version: int | None) -> None:
    """Raise a ValidationError if `instance` has a version newer than `loaded_version`."""
    # The admin saves inside a transaction: the row stays locked until this save is done.
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
    latest = (
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    ).first()
    if latest is None or latest.history_id == loaded_version:
        return
    version = Version(latest, [])
    raise forms.ValidationError(
        "This %(model)s was changed by %(who)s at %(when)s, after you opened it. Your changes "
        "were not saved, so theirs are not lost: open it again to see the current version, "
        "then make your changes.",
        params={
            "model": instance._meta.verbose_name,
            "who": version.who,
            "when": date_format(timezone.localtime(latest.history_date), "Y-m-d H:i T"),
        },
        code="stale_edit",
    )


def posted_form_data(form: forms.BaseForm) -> QueryDict:
    """Return what a browser posts for the unbound `form` as it shows its initial values."""
    data = QueryDict(mutable=True)
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, (part, sub_widget) in enumerate(zip(parts, widget.widgets, strict=True)):
                shown = sub_widget.format_value(part)
                data[f"{bound.html_name}_{index}"] = "" if shown is None else str(shown)
        elif isinstance(bound.field, forms.ModelMultipleChoiceField):
            data.setlist(bound.html_name, [str(getattr(v, "pk", v)) for v in value or ()])
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(bound.field, forms.FileField):
            continue  # an empty file input keeps the stored file
        elif isinstance(bound.field, forms.ModelChoiceField):
            data[bound.html_name] = "" if value is None else str(getattr(value, "pk", value))
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):  # a select gives its chosen options
                shown = shown[0] if shown else ""
            data[bound.html_name] = "" if shown is None else str(shown)
    return data


class HistoryAdmin(admin.ModelAdmin):
    """Admin of a model with `history = TrackedHistory()` (speakers/history.py): one version
    per save, a history page of old → new values, "Revert to this version" (through the
    change form's own validation and save), and refusal of stale edits. For a model without
    history it does nothing."""

    object_history_template = "admin/history.html"
    # The talk form checks its own edit_version instead.
    refuses_stale_edits = True

    @property
    def keeps_history(self) -> bool:
        return has_history(self.model)

    def checks_stale_edits(self) -> bool:
        return self.keeps_history and self.refuses_stale_edits

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.checks_stale_edits() and "loaded_version" not in self.form.declared_fields:
            kwargs["form"] = type(self.form.__name__, (StaleEditForm, self.form), {})
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.checks_stale_edits():
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], "loaded_version")}), *rest]

    def save_model(self, request, obj, form, change):
        if self.keeps_history:
            # Recorded once, when the related rows are saved too (log_addition, log_change).
            obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def _record_saved_version(self, request, obj, created):
        if self.keeps_history and hasattr(obj, "skip_history_when_saving"):
            del obj.skip_history_when_saving
            record_version(
                obj, request.user, getattr(request, "history_reason", None), created=created
            )

    def _note_on_the_version(self, obj, message):
        """Give the version an action has just recorded ("Cancelled.", "Planned as a
        placeholder.") the action's words, as the admin's log has them."""
        if not (self.keeps_history and isinstance(message, str) and message):
            return
        latest = obj.history.order_by("-history_date", "-history_id")[:1]
        obj.history.filter(
            history_id__in=latest.values("history_id"), history_change_reason__isnull=True
        ).update(history_change_reason=message[:100])

    def log_addition(self, request, obj, message):
        self._record_saved_version(request, obj, created=True)
        self._note_on_the_version(obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_saved_version(request, obj, created=False)
        self._note_on_the_version(obj, message)
        return super().log_change(request, obj, message)

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{opts.app_label}_{opts.model_name}_revert",
            ),
            *super().get_urls(),
        ]

    def describe_moment(self, record, value) -> str:
        """Return how a version shows a date and time (the talk admin uses the series' zone)."""
        return date_format(timezone.localtime(value), "Y-m-d H:i T")

    def history_view(self, request, object_id, extra_context=None):
        if not self.keeps_history:
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "versions": versions_of(obj, self.describe_moment),
            "may_revert": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def revert_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]
                )
            )
        record = get_object_or_404(obj.history, history_id=version_id)
        # Read the posted body now: reading it later (request.FILES) would replace the data.
        request.POST  # noqa: B018
        request.POST = self.revert_data(request, obj, record)
        request.history_reason = (
            f"Reverted to the version of {self.describe_moment(record, record.history_date)}"
        )
        # The change form's own path: validation, save, related rows, the version recorded.
        response = self.changeform_view(request, str(obj.pk))
        if isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        return response

    def revert_data(self, request, obj, record) -> QueryDict:
        """Return the change form's data with the values of version `record`."""
        form_class = self.get_form(request, obj, change=True)
        historic = record.instance
        initial = {
            field.name: [row_target(row, field) for row in getattr(record, field.name).all()]
            for field in self.model._meta.many_to_many
            if field.name in form_class.base_fields and field.name in _kept_relations(self.model)
        }
        data = posted_form_data(form_class(instance=historic, initial=initial))
        current = form_class(instance=obj)
        for bound in current:
            if bound.is_hidden:  # the version the form was opened at is the current one
                data[bound.html_name] = "" if bound.value() is None else str(bound.value())
        data.update(self.revert_related_data(request, obj, record))
        data["_continue"] = "1"
        return data

    def revert_related_data(self, request, obj, record) -> QueryDict:
        """Return the inline formsets' data for reverting to `record` (none by default)."""
        return QueryDict(mutable=True)


def row_target(row, field) -> int:
    return getattr(row, f"{field.m2m_reverse_field_name()}_id")


def _kept_relations(model) -> set[str]:
    return {
        name if isinstance(name, str) else name.name for name in model.tracked_history.m2m_fields
    }


class SluggedAdmin(HistoryAdmin):
    """Admin for a model with a slug: a renamed slug keeps its old URL answering (301)."""

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if change:
            retire_slug(obj, old_slug)


@admin.register(Affiliation)
class AffiliationAdmin(SluggedAdmin):
    list_display = ("name", "short_name", "url")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Speaker)
class SpeakerAdmin(SluggedAdmin):
    list_display = ("thumbnail", "name", "affiliation", "position")
    list_display_links = ("thumbnail", "name")
    list_select_related = ("affiliation",)
    list_filter = ("affiliation",)
    search_fields = ("name", "affiliation__name", "affiliation__short_name", "email")
    autocomplete_fields = ("affiliation",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("photo_preview",)
    fields = (
        "name",
        "slug",
        "affiliation",
        "position",
        "photo",
        "photo_preview",
        "photo_consent",
        "bio",
        "homepage",
        "email",
    )

    def save_model(self, request, obj, form, change):
        previous_files = Speaker.objects.filter(pk=obj.pk).photo_files() if change else set()
        super().save_model(request, obj, form, change)
        delete_photo_files(previous_files - obj.photo_files())

    def delete_model(self, request, obj):
        files = obj.photo_files()
        super().delete_model(request, obj)
        delete_photo_files(files)

    def delete_queryset(self, request, queryset):
        files = queryset.photo_files()
        super().delete_queryset(request, queryset)
        delete_photo_files(files)

    @admin.display(description="Photo")
    def thumbnail(self, speaker):
        if not speaker.small_photo:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="40" height="40" class="speaker-thumbnail">',
            speaker.small_photo.url,
            speaker.name,
        )

    @admin.display(description="Current photo")
    def photo_preview(self, speaker):
        if not speaker.photo:
            return "No photo yet."
        return format_html(
            '<img src="{}" alt="{}" width="120" class="speaker-photo-preview">',
            speaker.photo.url,
            speaker.name,
        )
