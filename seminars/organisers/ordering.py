"""Inline rows ordered by their place on the page: moved by drag and drop or by up/down buttons.

The `order` column is a hidden input that static/js/admin-row-order.js renumbers as rows
move. Without JavaScript each up/down button submits the form, which saves the rows with
that one row moved (OrderedRowsFormSet.apply_move) and reopens the form.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join

MOVE_FIELD = "_move_row"
UP, DOWN = "up", "down"


class RowOrderWidget(forms.HiddenInput):
    """The row's place (hidden) and its Move up / Move down buttons."""

    @property
    def is_hidden(self):
        # Shown as a column: its buttons are the row's controls.
        return False

    def render(self, name, value, attrs=None, renderer=None):
        hidden = super().render(name, value, {**(attrs or {}), "class": "row-order"}, renderer)
        # The form renderer sees only Django's and the apps' templates, not templates/: the
        # two buttons are written here.
        buttons = format_html_join(
            "",
            '<button type="submit" name="{}" value="{}:{}" class="row-move" '
            'data-direction="{}" aria-label="{}" title="{}">{}</button>',
            (
                (MOVE_FIELD, name, direction, direction, label, label, arrow)
                for direction, label, arrow in ((UP, "Move up", "↑"), (DOWN, "Move down", "↓"))
            ),
        )
        return format_html('{}<span class="row-move-buttons">{}</span>', hidden, buttons)


class OrderedRowForm(forms.ModelForm):
    """A row whose own fields decide whether it changed; its place is the formset's affair."""

    moved = False

    def has_changed(self):
        return self.moved or any(name != "order" for name in self.changed_data)


class NamedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that says what to choose while empty (its accessible name in a table
    row, where no label stands beside it)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = f"Choose a {self.field.verbose_name}"
        return attrs


class OrderedRowsFormSet(BaseInlineFormSet):
    """Save each row's `order` as its place among the rows kept, 0, 1, 2, …"""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # The table's "Delete?" heading is not the checkbox's label.
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            # A new row goes after the stored ones, where the page shows it.
            kwargs["initial"] = {**kwargs.get("initial", {}), "order": index}
        return kwargs

    def kept_forms(self) -> list[forms.Form]:
        """Return the rows that will be saved, in the order the page gave them."""
        kept = [
            form
            for form in self.forms
            if form.is_valid()
            and not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]
        return sorted(
            kept, key=lambda form: (_as_int(form.cleaned_data.get("order")), self.forms.index(form))
        )

    def apply_move(self, rows: list[forms.Form]) -> list[forms.Form]:
        """Return `rows` with the row named by a pressed Move button (no JavaScript) moved."""
        name, _, direction = self.data.get(MOVE_FIELD, "").rpartition(":")
        names = [form.add_prefix("order") for form in rows]
        if name not in names or direction not in (UP, DOWN):
            return rows
        index = names.index(name)
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        return rows

    def clean(self):
        super().clean()
        for place, form in enumerate(self.apply_move(self.kept_forms())):
            if form.initial.get("order") != place:
                form.moved = True
            form.cleaned_data["order"] = place
            form.instance.order = place


def _as_int(value) -> int:
    return value if isinstance(value, int) else 0


class OrderedTabularInline(admin.TabularInline):
    """A tabular inline whose rows are ordered by their place on the page."""

    form = OrderedRowForm
    formset = OrderedRowsFormSet

    class Media:
        js = ("js/admin-row-order.js",)
        css = {"all": ("css/admin.css",)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                NamedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":
            return forms.IntegerField(
                widget=RowOrderWidget,
                required=False,
                label="Move",
                min_value=0,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
