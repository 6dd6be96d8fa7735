"""The admin of mail: subscribers (superusers only, the one place addresses are shown),
per-series counts for organisers, the outgoing queue with a retry action, the list
announcements sent, and each talk's and week's announcement page (read it, send it)."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from seminars.formatting import day_label
from seminars.mail.list_announcements import (
    AnnouncementRefused,
    Target,
    build_announcement,
    queue_announcement,
    refusal,
)
from seminars.mail.models import Delivery, SeriesAudience, Subscriber
from seminars.mail.outbox import retry_deliveries
from seminars.mail.schedule import coming_week, monday_of
from seminars.models import Announcement, Series
from seminars.organisers.forms import validate_plausible_day
from seminars.scoping import OrganiserScopedAdminMixin


def organises_any(request) -> bool:
    """Return whether the user is a superuser, or staff who edits at least one series
    (asked once per request: the admin asks every model on every page)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(request, "_organises_any"):
        request._organises_any = Series.objects.editable_by(user).exists()
    return request._organises_any


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "everything", "frequency", "is_confirmed", "created")
    list_filter = ("frequency", "everything", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    filter_horizontal = ("series", "event_types")
    readonly_fields = ("created", "confirmed_at")

    # Addresses are personal data: only superusers see them, whatever permissions say.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.display(boolean=True, description="confirmed", ordering="confirmed_at")
    def is_confirmed(self, subscriber):
        return subscriber.is_confirmed


@admin.register(SeriesAudience)
class SeriesAudienceAdmin(OrganiserScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("name", "each_talk", "weekly")
    search_fields = ("name",)
    fields = ("name", "each_talk", "weekly")
    readonly_fields = ("name", "each_talk", "weekly")

    def has_module_permission(self, request):
        return organises_any(request)

    def has_view_permission(self, request, obj=None):
        return organises_any(request)

    def get_queryset(self, request):
        confirmed = Q(email_subscribers__confirmed_at__isnull=False)
        frequency = "email_subscribers__frequency"
        return (
            super()
            .get_queryset(request)
            .annotate(
                each_talk=Count(
                    "email_subscribers",
                    filter=confirmed & Q(**{frequency: Subscriber.Frequency.TALK}),
                    distinct=True,
                ),
                weekly=Count(
                    "email_subscribers",
                    filter=confirmed & Q(**{frequency: Subscriber.Frequency.WEEK}),
                    distinct=True,
                ),
            )
        )

    def changelist_view(self, request, extra_context=None):
        everything = Subscriber.objects.confirmed().filter(everything=True).count()
        extra_context = {
            **(extra_context or {}),
            "title": "Email subscribers per series",
            "subtitle": f"Besides these, {everything} confirmed subscriber(s) follow every talk.",
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="each talk", ordering="each_talk")
    def each_talk(self, series):
        return series.each_talk

    @admin.display(description="weekly digest", ordering="weekly")
    def weekly(self, series):
        return series.weekly


@admin.register(Delivery)
class DeliveryAdmin(OrganiserScopedAdminMixin, ReadOnlyAdmin):
    list_display = (
        "__str__",
        "about",
        "status",
        "attempts",
        "not_before",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind")
    list_select_related = ("talk", "series")
    date_hierarchy = "created"
    actions = ("retry",)
    exclude = ("subscriber", "claimed_by", "invitation", "organiser")
    readonly_fields = (
        "kind",
        "key",
        "talk",
        "series",
        "week_start",
        "status",
        "attempts",
        "not_before",
        "created",
        "claimed_at",
        "sent_at",
        "error",
    )

    def has_module_permission(self, request):
        return organises_any(request)

    def has_view_permission(self, request, obj=None):
        return organises_any(request)

    def has_retry_permission(self, request):
        return organises_any(request)

    @admin.display(description="about")
    def about(self, delivery):
        if delivery.talk is not None:
            return str(delivery.talk)
        if delivery.series is not None:
            return f"{delivery.series}, week of {delivery.week_start:%Y-%m-%d}"
        return "—"

    @admin.action(description="Send the selected failed mail again", permissions=["retry"])
    def retry(self, request, queryset):
        count = retry_deliveries(queryset)
        self.message_user(
            request,
            f"{count} failed message(s) queued again; the worker sends them shortly.",
            messages.SUCCESS,
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


class SeriesAnnouncementAdminMixin:
    """Series admin: the announcement of a week (read it as it would be sent, send it)."""

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


class TalkAnnouncementAdminMixin:
    """Talk admin: the talk's announcement (read it as it would be sent, send it)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/announcement/",
                self.admin_site.admin_view(self.announcement_view),
                name="seminars_talk_announcement",
            ),
            *super().get_urls(),
        ]

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
