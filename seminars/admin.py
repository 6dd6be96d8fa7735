import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from seminars.formatting import series_time
from seminars.invitations.admin import (
    INVITATION_FIELDS,
    InvitationAdminMixin,
    InvitationStatusFilter,
)
from seminars.mail.admin import SeriesAnnouncementAdminMixin, TalkAnnouncementAdminMixin
from seminars.materials.admin import MaterialFileAdminMixin, MaterialInline
from seminars.materials.files import delete_material_files
from seminars.models import (
    Delivery,
    EventType,
    Invitation,
    Material,
    Proposal,
    Series,
    Talk,
    TalkSpeaker,
    Venue,
    in_zone,
)
from seminars.organisers.csv_admin import TalkCsvAdminMixin
from seminars.organisers.forms import AgendaForm, PlanTermForm
from seminars.organisers.ordering import MOVE_FIELD, OrderedRowsFormSet, OrderedTabularInline
from seminars.organisers.planning import agenda_weeks, create_placeholders, plan_term
from seminars.scoping import OrganiserScopedAdminMixin
from seminars.services import (
    cancel_talk,
    duplicate_talk,
    moment_at_wall_clock,
    publish_talk,
    touch_talk,
)
from speakers import admin as speakers_admin
from speakers.admin import SluggedAdmin
from speakers.models import Speaker
from speakers.slugs import unique_slug

AGENDA_WEEKS = 16


class SuperusersOnlyAdminMixin:
    """Show the models to superusers only (django-axes' login logs name people's addresses)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_delete_permission(request, obj)


for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _registered = type(admin.site.get_model_admin(_model))
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(_registered.__name__, (SuperusersOnlyAdminMixin, _registered), {})
    )


def _talk_address_for(user):
    """Return a function giving the page at which `user` may open a talk: its admin form in a
    series they edit, else its public page if it is public, else None (the admin form of
    another organiser's talk would answer them 404)."""
    editable = set(Series.objects.editable_by(user).values_list("pk", flat=True))

    def address(talk: Talk) -> str | None:
        if talk.series_id in editable:
            return reverse("admin:seminars_talk_change", args=[talk.pk])
        return talk.get_absolute_url() if talk.is_public else None

    return address


@admin.register(Series)
class SeriesAdmin(OrganiserScopedAdminMixin, SeriesAnnouncementAdminMixin, SluggedAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Only superusers choose a series' organisers.
        return fields if request.user.is_superuser else (*fields, "organisers")

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
            try:
                slots = plan_term(series, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("start_time", error)
            if "create" in request.POST and form.is_valid():
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
        rows = agenda_weeks(series, monday, weeks, _talk_address_for(request.user))
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


# What follows a talk into its deletion without a delete permission of its own.
TALK_RECORDS = (Invitation, Delivery, Proposal)

TALK_READONLY_FIELDS = ("uid", "sequence", "previous_start", "created", "updated")
# The talk form as the admin shows it, and the one list of its fields: the form's Meta.fields
# are the editable ones.
TALK_FIELDSETS = (
    # The speakers come right after the title (templates/admin/seminars/talk/change_form.html),
    # then what each of them answered to their invitation.
    (None, {"fields": ("title",)}),
    (None, {"fields": INVITATION_FIELDS}),
    (
        None,
        {
            "fields": (
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
            ),
            "description": "Dates are year-month-day (2026-12-08), times 24-hour (14:30), "
            "in the series' timezone.",
        },
    ),
    (
        "Who may come",
        {"fields": ("audience", "registration_required", "registration_url")},
    ),
    ("Content", {"fields": ("abstract", "host")}),
    ("Calendar bookkeeping", {"classes": ("collapse",), "fields": TALK_READONLY_FIELDS}),
)


TIME_PLACEHOLDERS = ("YYYY-MM-DD", "HH:MM")


class TalkAdminForm(forms.ModelForm):
    """Talk form whose start and end are entered and shown in the series' timezone, and
    that refuses to overwrite a change saved by someone else since it was opened."""

    loaded_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Talk
        fields = tuple(
            name
            for name in flatten_fieldsets(TALK_FIELDSETS)
            if name not in TALK_READONLY_FIELDS + INVITATION_FIELDS
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_edit_version"].initial = self.instance.edit_version
        # The fieldset says once which timezone the times are in.
        for name, placeholders in (("start", TIME_PLACEHOLDERS), ("end", TIME_PLACEHOLDERS)):
            field = self.fields[name]
            field.help_text = ""
            for widget, placeholder in zip(field.widget.widgets, placeholders, strict=True):
                widget.attrs["placeholder"] = placeholder
        if self.instance.pk is not None:
            zone = self.instance.series.zoneinfo
            for name in ("start", "end"):
                value = self.initial.get(name)
                if value is not None and timezone.is_aware(value):
                    self.initial[name] = in_zone(value, zone).replace(tzinfo=None)

    def clean(self):
        cleaned_data = super().clean()
        series = cleaned_data.get("series")
        if series is not None:
            for name in ("start", "end"):
                value = cleaned_data.get(name)
                if value is not None:
                    # The form field read the wall-clock time in the site's timezone.
                    wall_clock = timezone.make_naive(value)
                    try:
                        cleaned_data[name] = moment_at_wall_clock(wall_clock, series.zoneinfo)
                    except ValidationError as error:
                        self.add_error(name, error)
        if self.instance.pk is not None:
            self.refuse_stale_edit(cleaned_data.get("loaded_edit_version"))
            self.name_a_filled_placeholder(cleaned_data)
        return cleaned_data

    def name_a_filled_placeholder(self, cleaned_data) -> None:
        """Give a placeholder filled with a new title a slug made from that title (unless
        the organiser typed a slug): its old address, "speaker-to-be-announced-3",
        redirects to the new one (SluggedAdmin retires it)."""
        filled = self.initial.get("is_placeholder") and not cleaned_data.get("is_placeholder")
        title = cleaned_data.get("title")
        if (
            filled
            and title
            and "title" in self.changed_data
            and cleaned_data.get("slug") == self.initial.get("slug")
        ):
            cleaned_data["slug"] = unique_slug(self.instance, title)

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


class TalkSpeakerFormSet(OrderedRowsFormSet):
    """The talk's speakers, where a link (and so its invitation) stays with its speaker.

    Django would save another person picked in a row onto that row's link, so the speaker
    before would keep a working link to a page showing the new speaker's details and answers.
    Here the link goes with its speaker: to whichever row, stored or new, that speaker is
    picked in, even if their own row was deleted; or away with them if no row has them.
    """

    def save(self, commit=True):
        newcomers = self.keep_links_with_their_speakers() if commit else []
        saved = super().save(commit)  # which passes over rows without a link
        for form in newcomers:
            form.save()
            self.new_objects.append(form.instance)
        return [*saved, *(form.instance for form in newcomers)]

    def keep_links_with_their_speakers(self) -> list[forms.ModelForm]:
        """Give each row whose speaker changed, and each new row, the link its speaker had,
        if any; delete the links no row keeps; return the rows of speakers new to the talk.

        A stored row without a link is one whose id named no link of this talk (another
        talk's, in a forged form): Django passes over it, and so does this.
        """
        stored_rows = [form for form in self.initial_forms if form.instance.pk is not None]
        deleted = [form for form in stored_rows if form in self.deleted_forms]
        moved = [
            form for form in stored_rows if form not in deleted and "speaker" in form.changed_data
        ]
        added = [
            form
            for form in self.extra_forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        stored = TalkSpeaker.objects.in_bulk([form.instance.pk for form in deleted + moved])
        freed = {link.speaker_id: link for link in stored.values()}
        newcomers = []
        for form in moved + added:
            link = form.instance
            # The link of the speaker now in this row, if another row let go of them.
            own = freed.pop(link.speaker_id, None)
            link.pk, link._state.adding = (own.pk, False) if own else (None, True)
            if "affiliation" not in form.changed_data:
                # That speaker's affiliation at the talk, or (newly added) their current one.
                link.affiliation_id = own.affiliation_id if own else None
            if own is None and form in moved:
                newcomers.append(form)
        kept = {link.pk for link in stored.values()} - {link.pk for link in freed.values()}
        for form in deleted:
            if form.instance.pk in kept:
                form.instance.pk = None  # or Django would delete the link another row took
        # Before any row is saved, so that a speaker may take a place another row held.
        TalkSpeaker.objects.filter(pk__in=[link.pk for link in freed.values()]).delete()
        return newcomers


class TalkSpeakerInline(OrderedTabularInline):
    model = TalkSpeaker
    formset = TalkSpeakerFormSet
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in order (drag a row, or press its arrows, to move it)"
    fields = ("speaker", "affiliation", "order")
    autocomplete_fields = ("speaker", "affiliation")
    extra = 1


@admin.register(Talk)
class TalkAdmin(
    OrganiserScopedAdminMixin,
    TalkAnnouncementAdminMixin,
    MaterialFileAdminMixin,
    TalkCsvAdminMixin,
    InvitationAdminMixin,
    SluggedAdmin,
):
    form = TalkAdminForm
    inlines = (TalkSpeakerInline, MaterialInline)
    list_display = (
        "when",
        "title",
        "series",
        "speaker_names",
        "event_type_names",
        "status",
        "invitation_summary",
    )
    list_display_links = ("when", "title")
    list_filter = (
        ("series", admin.RelatedOnlyFieldListFilter),
        "event_types",
        "status",
        "is_placeholder",
        InvitationStatusFilter,
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
    readonly_fields = TALK_READONLY_FIELDS + INVITATION_FIELDS
    actions = (
        "publish_selected",
        "cancel_selected",
        "duplicate_selected",
        "invite_speakers",
        "export_csv",
    )
    fieldsets = TALK_FIELDSETS
    refuses_stale_edits = False  # TalkAdminForm checks the talk's edit_version

    class Media:
        js = ("js/admin-series-time.js",)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        zone = f"in the series' timezone ({obj.series.timezone})."
        return tuple(
            (
                name,
                {
                    **options,
                    "description": options["description"].replace("in the series' timezone.", zone),
                },
            )
            if "description" in options
            else (name, options)
            for name, options in self.fieldsets
        )

    def describe_moment(self, record, value):
        return series_time(value.astimezone(record.series.zoneinfo))

    def revert_related_data(self, request, obj, record):
        """Return the speaker rows of version `record`: the talk's current rows kept (with
        that version's affiliation and place) or deleted, and the rows it lacks added; the
        materials as they are."""
        wanted = {row.speaker_id: row for row in record.speakers.order_by("order", "pk")}
        places = {speaker: place for place, speaker in enumerate(wanted)}
        prefix = "talk_speakers"
        data = QueryDict(mutable=True)
        current = list(obj.talk_speakers.order_by("order", "pk"))
        for index, link in enumerate(current):
            row = wanted.get(link.speaker_id)
            data.update(
                {
                    f"{prefix}-{index}-id": str(link.pk),
                    f"{prefix}-{index}-talk": str(obj.pk),
                    f"{prefix}-{index}-speaker": str(link.speaker_id),
                    f"{prefix}-{index}-affiliation": str((row or link).affiliation_id or ""),
                    f"{prefix}-{index}-order": str(places.get(link.speaker_id, index)),
                }
            )
            if row is None:
                data[f"{prefix}-{index}-DELETE"] = "on"
        kept = {link.speaker_id for link in current}
        added = [row for row in wanted.values() if row.speaker_id not in kept]
        for index, row in enumerate(added, start=len(current)):
            data.update(
                {
                    f"{prefix}-{index}-speaker": str(row.speaker_id),
                    f"{prefix}-{index}-affiliation": str(row.affiliation_id or ""),
                    f"{prefix}-{index}-order": str(places[row.speaker_id]),
                }
            )
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(current) + len(added)),
                f"{prefix}-INITIAL_FORMS": str(len(current)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
                # Materials have no versions: a revert leaves them as they are (no rows sent).
                "materials-TOTAL_FORMS": "0",
                "materials-INITIAL_FORMS": "0",
            }
        )
        return data

    @staticmethod
    def _stay_after_a_move(request):
        if MOVE_FIELD in request.POST:
            # A Move button pressed without JavaScript: the talk is saved with the row
            # moved; the organiser stays on the form, as with "Save and continue editing".
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"

    def response_add(self, request, obj, post_url_continue=None):
        self._stay_after_a_move(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._stay_after_a_move(request)
        return super().response_change(request, obj)

    def get_queryset(self, request):
        # The list's invitation column reads each speaker's invitations.
        return (
            super()
            .get_queryset(request)
            .with_speakers()
            .prefetch_related("talk_speakers__invitations")
        )

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
        address = _talk_address_for(request.user)
        for other in Talk.objects.clashing_with(obj):
            when = series_time(other.local_start)
            if (url := address(other)) is not None:
                message = format_html(
                    "“{}” overlaps “{}” ({}) in {}. It is saved; change the room or the time "
                    'if that is a mistake. <a href="{}">Open “{}”</a>',
                    obj,
                    other,
                    when,
                    other.place,
                    url,
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
        self.warn_about_recording_consent(request, form.instance)

    def get_deleted_objects(self, objs, request):
        # A published talk is in people's calendars: deleting it would leave them at the old
        # time with no word. Cancelling tells every subscriber; only drafts may be deleted.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Invitations, their mail and speakers' proposals are records of the talk that nobody
        # deletes one by one (their admins are read-only): they go with the draft.
        perms_needed -= {str(model._meta.verbose_name) for model in TALK_RECORDS}
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
            try:
                copy = duplicate_talk(talk)
            except ValidationError as error:
                self.message_user(
                    request, f"“{talk}” was not duplicated: {error.messages[0]}", messages.ERROR
                )
                continue
            self.log_addition(request, copy, f"Duplicated from “{talk}” (#{talk.pk}).")
            copies.append(copy)
        self.message_user(
            request, f"Made {len(copies)} draft cop(ies) one week later.", messages.SUCCESS
        )


admin.site.unregister(Speaker)


@admin.register(Speaker)
class SpeakerAdmin(speakers_admin.SpeakerAdmin):
    """The speakers' admin, with the talks each speaker gives (which only `seminars` knows)."""

    readonly_fields = (*speakers_admin.SpeakerAdmin.readonly_fields, "talk_list")
    fields = (*speakers_admin.SpeakerAdmin.fields, "talk_list")

    def get_object(self, request, object_id, from_field=None):
        speaker = super().get_object(request, object_id, from_field)
        if speaker is not None:
            # Read by talk_list, which the admin calls with the speaker alone.
            speaker.talk_address = _talk_address_for(request.user)
        return speaker

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
                        speaker.talk_address(talk),
                        talk.title,
                        series_time(talk.local_start),
                        talk.get_status_display(),
                    )
                    for talk in talks
                ),
            ),
            drafts_note,
        )
