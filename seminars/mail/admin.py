"""The admin of the email audience: subscribers (superusers only, the one place addresses are
shown), per-series counts for organisers, and the outgoing queue with a retry action."""

from django.contrib import admin, messages
from django.db.models import Count, Q

from seminars.mail.models import Delivery, SeriesAudience, Subscriber
from seminars.mail.outbox import retry_deliveries
from seminars.models import Series
from seminars.organisers.csv_admin import OrganiserScopedAdminMixin


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
