"""What changed, when and by whom: django-simple-history's records, read as old → new values.

A model keeps its history with one line, `history = TrackedHistory()` (plus its migration);
its admin (speakers.admin.HistoryAdmin, the base of every admin here) then shows each version's
changes, offers "Revert to this version" and refuses stale edits. An admin save records one
version after the related rows (speakers, tags) are saved too; other saves record one version
each (post_save), with the user of the request (HistoryRequestMiddleware).
"""

import dataclasses
import datetime

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

EMPTY = "—"
VERSIONS_SHOWN = 50


class TrackedHistory(HistoricalRecords):
    """HistoricalRecords that the model can reach, to record a version by hand."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.tracked_history = self


def has_history(model: type[models.Model]) -> bool:
    return "tracked_history" in model.__dict__


def record_version(
    instance: models.Model, user=None, reason: str | None = None, *, created: bool = False
) -> None:
    """Record `instance` as it is now, related rows included (after a save that skipped
    history, or after writes to rows of other tables such as a talk's speakers)."""
    if user is not None and user.is_authenticated:
        instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    type(instance).tracked_history.create_historical_record(instance, "+" if created else "~")


def latest_version_id(instance: models.Model) -> int | None:
    """Return the id of the last recorded version of `instance` (None: none recorded)."""
    if instance.pk is None:
        return None
    return (
        instance.history.order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class Version:
    record: models.Model
    changes: list[FieldChange]

    @property
    def kind(self) -> str:
        return {"+": "Created", "~": "Changed", "-": "Deleted"}[self.record.history_type]

    @property
    def who(self) -> str:
        user = self.record.history_user
        return user.get_username() if user is not None else "someone outside the admin"

    @property
    def is_latest(self) -> bool:
        return getattr(self.record, "is_latest", False)


def shown_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the fields a version shows: those an organiser edits that history keeps."""
    kept_relations = {
        name if isinstance(name, str) else name.name for name in model.tracked_history.m2m_fields
    }
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "editable", False)
        and not field.auto_created
        and (field.concrete if not field.many_to_many else field.name in kept_relations)
    ]


def _moment(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i T") if value else EMPTY


class Describer:
    """Write the values of versions as text, looking related rows up once for all."""

    def __init__(self, model, records, moment=None):
        self.model = model
        self.fields = shown_fields(model)
        # How a date and time reads: (version, value) -> text.
        self.moment = moment or (lambda record, value: _moment(value))
        self.m2m_rows = {
            record.history_id: {
                field.name: list(getattr(record, field.name).all())
                for field in self.fields
                if field.many_to_many
            }
            for record in records
        }
        wanted: dict[type[models.Model], set] = {}
        for record in records:
            for field in self.fields:
                if field.many_to_one:
                    wanted.setdefault(field.related_model, set()).add(
                        getattr(record, field.attname)
                    )
            for rows in self.m2m_rows.get(record.history_id, {}).values():
                for row in rows:
                    for row_field in row._meta.concrete_fields:
                        if row_field.many_to_one and row_field.name not in ("history",):
                            wanted.setdefault(row_field.related_model, set()).add(
                                getattr(row, row_field.attname)
                            )
        self.names = {
            model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids - {None})}
            for model, ids in wanted.items()
            if model is not self.model
        }

    def name_of(self, model, pk) -> str:
        if pk is None:
            return EMPTY
        return self.names.get(model, {}).get(pk, f"deleted #{pk}")

    def value(self, record, field) -> str:
        if field.many_to_many:
            return self.rows_text(record, field)
        value = getattr(record, field.attname)
        if field.many_to_one:
            return self.name_of(field.related_model, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value)) if value != "" else EMPTY
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime.datetime):
            return self.moment(record, value)
        if value in (None, ""):
            return EMPTY
        return str(value)

    def rows_text(self, record, field) -> str:
        """Return a relation's rows: in their order if they have one ("order"), else A–Z;
        each with the row's other links in brackets (a speaker's affiliation then)."""
        rows = self.m2m_rows.get(record.history_id, {}).get(field.name)
        if not rows:
            return EMPTY
        target, source = field.m2m_reverse_field_name(), field.m2m_field_name()
        ordered = hasattr(rows[0], "order")
        texts = []
        for row in sorted(rows, key=lambda row: (row.order, row.pk)) if ordered else rows:
            text = self.name_of(field.related_model, getattr(row, f"{target}_id"))
            extras = [
                self.name_of(row_field.related_model, getattr(row, row_field.attname))
                for row_field in row._meta.concrete_fields
                if row_field.many_to_one
                and row_field.name not in (target, source, "history")
                and getattr(row, row_field.attname) is not None
            ]
            texts.append(f"{text} ({', '.join(extras)})" if extras else text)
        if not ordered:
            texts.sort()
        return ", ".join(texts) or EMPTY

    def snapshot(self, record) -> dict[str, str]:
        return {str(field.verbose_name): self.value(record, field) for field in self.fields}


def versions_of(instance: models.Model, moment=None) -> list[Version]:
    """Return the versions of `instance`, newest first, each with what it changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : VERSIONS_SHOWN + 1
        ]
    )
    describer = Describer(type(instance), records, moment)
    snapshots = [describer.snapshot(record) for record in records]
    versions = []
    for index, record in enumerate(records[:VERSIONS_SHOWN]):
        record.is_latest = index == 0
        new = snapshots[index]
        old = snapshots[index + 1] if index + 1 < len(records) else None
        changes = (
            [
                FieldChange(label, old[label], value)
                for label, value in new.items()
                if old[label] != value
            ]
            if old is not None
            else []
        )
        versions.append(Version(record, changes))
    return versions
