"""Load the demo series once per test process and copy its rows into later tests.

`load_demo` saves some thirty objects one by one, with their history, slugs and signals; the
`demo` fixture used it in some 250 tests. The first load in a process runs it for real and
records the rows it inserted, table by table; later tests that start from the same state
(no talks, speakers and the rest yet, the same event types, clock and demo file) insert the
same rows in one query a table, then bump the content version as the load did. Any other
starting state gets a real load.
"""

import hashlib
import json

from django.apps import apps
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from seminars.devdata.demo import load_demo
from seminars.models import ContentVersion, EventType, Series, Talk, Venue
from speakers.models import Affiliation, RetiredSlug, Speaker

# What load_demo looks up before it creates: with rows here it would make other rows.
MUST_BE_EMPTY = (Talk, Series, Venue, Speaker, Affiliation, RetiredSlug)

_snapshots: dict[tuple, list[tuple[type, list[dict]]]] = {}


def _stored_models() -> list[type]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model is not ContentVersion
    ]


def _primary_keys() -> dict[type, set]:
    return {
        model: set(model._base_manager.values_list("pk", flat=True)) for model in _stored_models()
    }


def _new_rows(before: dict[type, set]) -> list[tuple[type, list[dict]]]:
    snapshot = []
    for model, keys in _primary_keys().items():
        new = keys - before[model]
        if new:
            columns = [field.attname for field in model._meta.concrete_fields]
            rows = list(model._base_manager.filter(pk__in=new).order_by("pk").values(*columns))
            snapshot.append((model, rows))
    return snapshot


def _insert(snapshot: list[tuple[type, list[dict]]]) -> None:
    for model, rows in snapshot:
        model._base_manager.bulk_create(model(**row) for row in rows)
    # PostgreSQL's sequences do not see rows inserted with their keys (loaddata does the same).
    statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _ in snapshot])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    ContentVersion.objects.bump()


def _starting_state(data: dict) -> tuple | None:
    if any(model._base_manager.exists() for model in MUST_BE_EMPTY):
        return None
    return (
        timezone.now(),
        hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest(),
        tuple(EventType.objects.order_by("pk").values_list("pk", "slug", "name")),
    )


def load_demo_once_per_process(data: dict) -> None:
    key = _starting_state(data)
    if key is None:
        load_demo(data)
        return
    snapshot = _snapshots.get(key)
    if snapshot is not None:
        try:
            with transaction.atomic():
                _insert(snapshot)
            return
        except IntegrityError:
            pass  # rows of this test's own hold the same keys: load the demo for real
    before = _primary_keys()
    load_demo(data)
    _snapshots.setdefault(key, _new_rows(before))
