"""Per-series scoping in the admin: organisers see, change and act on only their series' rows.

The rule itself is each model's `editable_by(user)` (Series, Talk, Announcement, …); this mixin
is the one place the admin applies it.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import Http404

from seminars.models import EARLIEST_TALK_MOMENT, LATEST_TALK_MOMENT, TALK_YEARS, Series


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
