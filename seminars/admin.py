import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from seminars.formatting import series_time
from seminars.materials.files import delete_material_files, validate_pdf
from seminars.models import (
    Announcement,
    EventType,
    Material,
    Series,
    Talk,
    TalkSpeaker,
    Venue,
)
from seminars.organisers.admin_mixins import (
    OrganiserScopedAdminMixin,
    SeriesToolsAdminMixin,
    TalkToolsAdminMixin,
)
from seminars.organisers.forms import AgendaForm, PlanTermForm
from seminars.organisers.planning import create_placeholders, plan_term
from seminars.services import cancel_talk, duplicate_talk, publish_talk, touch_talk
from speakers import admin as speakers_admin
from speakers.admin import SluggedAdmin
from speakers.models import Speaker

AGENDA_WEEKS = 16


def _talk_nameable_by(user):
    """Return a test: may `user` see that talk's title (public, or of a series they edit)?"""
    editable = set(Series.objects.editable_by(user).values_list("pk", flat=True))
    return lambda talk: talk.is_public or talk.series_id in editable


@admin.register(Series)
class SeriesAdmin(OrganiserScopedAdminMixin, SeriesToolsAdminMixin, SluggedAdmin):
    list_display = (
        "name",
        "timezone",
        "default_venue",
        "default_start_time",
        "add_talk_link",
        "tools_links",
    )
    list_select_related = ("default_venue",)
    search_fields = ("name", "description")
    autocomplete_fields = ("organisers", "default_venue")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("add_talk_link", "tools_links")

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/plan/",
                self.admin_site.admin_view(self.plan_term_view),
                name="seminars_series_plan",
            ),
            path(
                "<path:object_id>/agenda/",
                self.admin_site.admin_view(self.agenda_view),
                name="seminars_series_agenda",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description="Plan and review")
    def tools_links(self, series):
        if series.pk is None:
            return "—"
        return format_html(
            '<a href="{}">Plan a term</a> · <a href="{}">Agenda</a>',
            reverse("admin:seminars_series_plan", args=[series.pk]),
            reverse("admin:seminars_series_agenda", args=[series.pk]),
        )

    @staticmethod
    def _nameable_talk(request):
        """Return a test: may this user see the title of that (clashing) talk?"""
        return _talk_nameable_by(request.user)

    def _series_or_404(self, request, object_id) -> Series:
        series = self.get_object(request, object_id)
        if series is None or not self.has_change_permission(request, series):
            raise Http404("No such series.")
        return series

    def plan_term_view(self, request, object_id):
        series = self._series_or_404(request, object_id)
        today = timezone.localdate(timezone=series.zoneinfo)
        latest = series.talks.order_by("-start").first()
        initial = {
            "first_day": today,
            "last_day": today + datetime.timedelta(weeks=12),
            "weekday": latest.local_start.weekday() if latest else 1,
            "start_time": series.default_start_time,
            "every_weeks": 1,
        }
        form = PlanTermForm(request.POST or None, initial=initial)
        slots = None
        if request.method == "POST" and form.is_valid():
            slots = plan_term(series, **form.cleaned_data)
            if "create" in request.POST:
                created = create_placeholders(series, slots)
                for talk in created:
                    self.log_addition(request, talk, "Planned as a placeholder.")
                self.message_user(
                    request,
                    f"Added {len(created)} placeholder talk(s) to {series}.",
                    messages.SUCCESS,
                )
                return redirect("admin:seminars_series_agenda", series.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Plan a term of {series}",
            "opts": self.opts,
            "original": series,
            "form": form,
            "slots": slots,
            "free_count": sum(slot.is_free for slot in slots or ()),
        }
        return TemplateResponse(request, "admin/seminars/series/plan_term.html", context)

    def agenda_view(self, request, object_id):
        series = self._series_or_404(request, object_id)
        zone = series.zoneinfo
        form = AgendaForm(request.GET or None)
        choice = form.cleaned_data if form.is_valid() else {}
        first_day = choice.get("first_day") or timezone.localdate(timezone=zone)
        monday = first_day - datetime.timedelta(days=first_day.weekday())
        weeks = choice.get("weeks") or AGENDA_WEEKS
        start = datetime.datetime.combine(monday, datetime.time.min, zone)
        end = start + datetime.timedelta(weeks=weeks)
        in_range = Talk.objects.filter(start__lt=end, end__gt=start).select_related(
            "series", "venue"
        )
        clashes = in_range.clash_map()
        nameable = self._nameable_talk(request)
        talks = [talk for talk in in_range if talk.series_id == series.pk]
        rows = []
        for week in range(weeks):
            week_start = monday + datetime.timedelta(weeks=week)
            week_talks = sorted(
                (t for t in talks if 0 <= (t.local_start.date() - week_start).days < 7),
                key=lambda talk: talk.start,
            )
            rows.append(
                {
                    "monday": week_start,
                    "talks": [
                        (talk, [(o, nameable(o)) for o in clashes.get(talk.pk, [])])
                        for talk in week_talks
                    ],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Agenda of {series}",
            "opts": self.opts,
            "original": series,
            "rows": rows,
            "previous_start": monday - datetime.timedelta(weeks=weeks),
            "next_start": monday + datetime.timedelta(weeks=weeks),
            "weeks": weeks,
            "add_url": reverse("admin:seminars_talk_add"),
        }
        return TemplateResponse(request, "admin/seminars/series/agenda.html", context)

    @admin.display(description="New talk")
    def add_talk_link(self, series):
        if series.pk is None:
            return "—"
        return format_html(
            '<a href="{}?series={}">Add a talk to {}</a>',
            reverse("admin:seminars_talk_add"),
            series.pk,
            series.name,
        )


@admin.register(Venue)
class VenueAdmin(SluggedAdmin):
    list_display = ("name", "room", "is_online", "capacity")
    list_filter = ("is_online",)
    search_fields = ("name", "room", "address")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_online", "room", "capacity")}),
        ("Where", {"fields": ("address", "latitude", "longitude", "map_url")}),
        ("Getting there", {"fields": ("directions", "accessibility")}),
    )


@admin.register(EventType)
class EventTypeAdmin(SluggedAdmin):
    list_display = ("name", "slug", "colour")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_deleted_objects(self, objs, request):
        # The many-to-many link would otherwise untag talks silently: list them as protected
        # so the admin refuses, as it does for the PROTECT foreign keys of the other models.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = Talk.objects.filter(event_types__in=objs).distinct().order_by("-start")
        protected = [*protected, *(f"Talk: {talk}" for talk in in_use)]
        return deleted, model_count, perms_needed, protected


TALK_READONLY_FIELDS = ("uid", "sequence", "previous_start", "created", "updated")
# The talk form as the admin shows it, and the one list of its fields: the form's Meta.fields
# are the editable ones.
TALK_FIELDSETS = (
    (
        None,
        {
            "fields": (
                "title",
                "slug",
                "series",
                "status",
                "is_placeholder",
                "event_types",
                "loaded_edit_version",
            )
        },
    ),
    (
        "When and where",
        {
            "fields": (
                "start",
                "end",
                "venue",
                "location",
                "online_url",
                "online_link_visibility",
            )
        },
    ),
    (
        "Who may come",
        {"fields": ("audience", "registration_required", "registration_url")},
    ),
    ("Content", {"fields": ("abstract", "host")}),
    ("Calendar bookkeeping", {"classes": ("collapse",), "fields": TALK_READONLY_FIELDS}),
)


class TalkAdminForm(forms.ModelForm):
    """Talk form whose start and end are entered and shown in the series' timezone, and
    that refuses to overwrite a change saved by someone else since it was opened."""

    loaded_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Talk
        fields = tuple(
            name for name in flatten_fieldsets(TALK_FIELDSETS) if name not in TALK_READONLY_FIELDS
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_edit_version"].initial = self.instance.edit_version
        if self.instance.pk is not None:
            zone = self.instance.series.zoneinfo
            for name in ("start", "end"):
                value = self.initial.get(name)
                if value is not None and timezone.is_aware(value):
                    self.initial[name] = timezone.make_naive(value, zone)

    def clean(self):
        cleaned_data = super().clean()
        series = cleaned_data.get("series")
        if series is not None:
            for name in ("start", "end"):
                value = cleaned_data.get(name)
                if value is not None:
                    # The form field read the wall-clock time in the site's timezone.
                    wall_clock = timezone.make_naive(value)
                    cleaned_data[name] = timezone.make_aware(wall_clock, series.zoneinfo)
        if self.instance.pk is not None:
            self.refuse_stale_edit(cleaned_data.get("loaded_edit_version"))
        return cleaned_data

    def refuse_stale_edit(self, loaded_version: int | None) -> None:
        # The admin saves inside a transaction: the row stays locked until this save is done.
        stored = (
            Talk.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("edit_version", "updated")
            .first()
        )
        if stored is None or stored[0] == loaded_version:
            return
        last_change = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Talk),
                object_id=str(self.instance.pk),
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who, when = (
            (last_change.user.get_username(), last_change.action_time)
            if last_change is not None
            else ("someone outside the admin", stored[1])
        )
        raise forms.ValidationError(
            "This talk was changed by %(who)s at %(when)s, after you opened it. Your changes "
            "were not saved, so theirs are not lost: open the talk again to see the current "
            "version, then make your changes.",
            params={
                "who": who,
                "when": series_time(timezone.localtime(when)),
            },
            code="stale_edit",
        )


class TalkSpeakerInline(admin.TabularInline):
    model = TalkSpeaker
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in order"
    fields = ("order", "speaker", "affiliation")
    autocomplete_fields = ("speaker", "affiliation")
    extra = 1


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ("kind", "url", "file", "order")
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})}

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


@admin.register(Talk)
class TalkAdmin(OrganiserScopedAdminMixin, TalkToolsAdminMixin, SluggedAdmin):
    form = TalkAdminForm
    inlines = (TalkSpeakerInline, MaterialInline)
    list_display = ("when", "title", "series", "speaker_names", "event_type_names", "status")
    list_display_links = ("when", "title")
    list_filter = (
        ("series", admin.RelatedOnlyFieldListFilter),
        "event_types",
        "status",
        "is_placeholder",
        ("start", admin.DateFieldListFilter),
    )
    list_select_related = ("series",)
    autocomplete_fields = ("venue",)
    search_fields = (
        "title",
        "abstract",
        "talk_speakers__speaker__name",
        "talk_speakers__affiliation__name",
        "talk_speakers__affiliation__short_name",
    )
    date_hierarchy = "start"
    ordering = ("-start",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("event_types",)
    readonly_fields = TALK_READONLY_FIELDS
    actions = ("publish_selected", "cancel_selected", "duplicate_selected", "export_csv")
    fieldsets = TALK_FIELDSETS

    def get_queryset(self, request):
        return super().get_queryset(request).with_speakers()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        series_id = request.GET.get("series", "")
        series = (
            Series.objects.editable_by(request.user).filter(pk=series_id).first()
            if series_id.isdigit()
            else None
        )
        if series is not None:
            start = series.next_free_start()
            initial.update(
                start=start.replace(tzinfo=None),
                end=(start + series.default_duration).replace(tzinfo=None),
                venue=series.default_venue_id,
                location=series.default_location,
            )
        return initial

    @admin.display(description="When (series time)", ordering="start")
    def when(self, talk):
        return series_time(talk.local_start)

    @admin.display(description="Speakers")
    def speaker_names(self, talk):
        return ", ".join(link.speaker.name for link in talk.speaker_links()) or "—"

    @admin.display(description="Event types")
    def event_type_names(self, talk):
        return ", ".join(event_type.name for event_type in talk.event_types.all()) or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_cancelled or obj.is_placeholder:
            return
        nameable = _talk_nameable_by(request.user)
        for other in Talk.objects.clashing_with(obj):
            when = series_time(other.local_start)
            if nameable(other):
                message = format_html(
                    "“{}” overlaps “{}” ({}) in {}. It is saved; change the room or the time "
                    'if that is a mistake. <a href="{}">Open “{}”</a>',
                    obj,
                    other,
                    when,
                    other.place,
                    reverse("admin:seminars_talk_change", args=[other.pk]),
                    other,
                )
            else:
                message = format_html(
                    "“{}” overlaps a talk of another series ({}) in {}. It is saved; change "
                    "the room or the time if that is a mistake.",
                    obj,
                    when,
                    other.place,
                )
            self.message_user(request, message, messages.WARNING)

    def delete_model(self, request, obj):
        files = obj.material_files()
        super().delete_model(request, obj)
        delete_material_files(files)

    def delete_queryset(self, request, queryset):
        files = set(Material.objects.filter(talk__in=queryset).values_list("file", flat=True))
        super().delete_queryset(request, queryset)
        delete_material_files(files)

    def save_related(self, request, form, formsets, change):
        previous_files = form.instance.material_files()
        super().save_related(request, form, formsets, change)
        delete_material_files(previous_files - form.instance.material_files())
        # Speakers and event types are part of the talk's calendar event (its DESCRIPTION and
        # CATEGORIES): a change to them is a change of the talk (LAST-MODIFIED).
        if change and (
            "event_types" in form.changed_data or any(f.has_changed() for f in formsets)
        ):
            touch_talk(form.instance)

    def get_deleted_objects(self, objs, request):
        # A published talk is in people's calendars: deleting it would leave them at the old
        # time with no word. Cancelling tells every subscriber; only drafts may be deleted.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        public = [talk for talk in objs if talk.is_public]
        protected = [
            *protected,
            *(
                f"Talk “{talk}” is {talk.get_status_display().lower()}: cancel it instead "
                "of deleting it, so that subscribers' calendars show the cancellation."
                for talk in public
            ),
        ]
        return deleted, model_count, perms_needed, protected

    @admin.action(description="Publish the selected talks")
    def publish_selected(self, request, queryset):
        for talk in queryset:
            publish_talk(talk)
            self.log_change(request, talk, "Published.")
        self.message_user(request, f"Published {len(queryset)} talk(s).", messages.SUCCESS)

    @admin.action(description="Cancel the selected talks")
    def cancel_selected(self, request, queryset):
        for talk in queryset:
            cancel_talk(talk)
            self.log_change(request, talk, "Cancelled.")
        self.message_user(
            request,
            f"Cancelled {len(queryset)} talk(s). They stay listed, marked as cancelled.",
            messages.SUCCESS,
        )

    @admin.action(description="Duplicate as draft one week later")
    def duplicate_selected(self, request, queryset):
        copies = []
        for talk in queryset:
            copy = duplicate_talk(talk)
            self.log_addition(request, copy, f"Duplicated from “{talk}” (#{talk.pk}).")
            copies.append(copy)
        self.message_user(
            request, f"Made {len(copies)} draft cop(ies) one week later.", messages.SUCCESS
        )


@admin.register(Announcement)
class AnnouncementAdmin(OrganiserScopedAdminMixin, admin.ModelAdmin):
    """What was mailed, when and to whom; delete a failed or stuck one to send it again."""

    list_display = ("__str__", "kind", "recipient", "status", "attempts", "claimed_at", "sent_at")
    list_filter = ("status", "kind", ("series", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("series", "talk")
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Speaker)


@admin.register(Speaker)
class SpeakerAdmin(speakers_admin.SpeakerAdmin):
    """The speakers' admin, with the talks each speaker gives (which only `seminars` knows)."""

    readonly_fields = (*speakers_admin.SpeakerAdmin.readonly_fields, "talk_list")
    fields = (*speakers_admin.SpeakerAdmin.fields, "talk_list")

    @admin.display(description="Talks")
    def talk_list(self, speaker):
        if speaker.pk is None:
            return "Talks appear here once the speaker is saved and added to a talk."
        # Speakers are shared between series: name only the public talks here, so that an
        # organiser never reads the title of another series' draft.
        talks = speaker.talks.public().select_related("series").order_by("-start")
        drafts = speaker.talks.exclude(pk__in=talks.values("pk")).count()
        drafts_note = f"Also in {drafts} draft(s), listed under Talks." if drafts else ""
        if not talks:
            return drafts_note or "No talks yet."
        return format_html(
            "<ul>{}</ul>{}",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} ({})</li>',
                (
                    (
                        reverse("admin:seminars_talk_change", args=[talk.pk]),
                        talk.title,
                        series_time(talk.local_start),
                        talk.get_status_display(),
                    )
                    for talk in talks
                ),
            ),
            drafts_note,
        )
