"""The site's content version: one row that every public change bumps, read by every request
(page cache, feeds, HTTP validators)."""

import datetime
import functools
import weakref

from django.db import connections, models
from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

CONTENT_VERSION_PK = 1


@functools.cache
def _version_read(alias: str) -> tuple[str, list[str], list[tuple[models.Expression, list]]]:
    """Return the SQL of the content version's read on database `alias`, the attribute
    names of its columns, and each column's expression with its converters."""
    connection = connections[alias]
    meta = ContentVersion._meta
    columns = [meta.get_field(name) for name in ("id", "counter", "changed_at")]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in columns)} "  # noqa: S608
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
    )
    conversions = []
    for field in columns:
        expression = field.get_col(meta.db_table)
        conversions.append((expression, connection.ops.get_db_converters(expression)))
    return sql, [field.attname for field in columns], conversions


_NOT_READ = object()


# The version's read as a statement prepared on each PostgreSQL connection (by libpq, under a
# name of its own), and the connections it is prepared on.
VERSION_STATEMENT = b"seminars_content_version"
_version_prepared_on: "weakref.WeakSet" = weakref.WeakSet()


def _read_version_from_postgresql(connection, sql: str) -> tuple | object | None:
    """Return the version's row read as a prepared statement through libpq, or _NOT_READ.

    On PostgreSQL the read was most of a cached response's time: the database's round trip,
    and as much again for Django's cursor, which binds parameters on the client, so that the
    server parses and plans the query every time, and then for psycopg's cursor machinery.
    The statement is prepared once per connection and run through psycopg's libpq connection
    (`pgconn`), its row decoded by psycopg's own loaders (behind PgBouncer in transaction
    mode, that needs PgBouncer 1.21 or later with max_prepared_statements set). When queries
    are being recorded (DEBUG, tests that count them) or wrapped, or in a transaction, or if
    the statement fails or libpq raises (a lost connection, a pooler that dropped it),
    Django's cursor reads it, so that they see it and its errors are Django's.
    """
    if (
        connection.vendor != "postgresql"
        or connection.queries_logged
        or connection.execute_wrappers
        or connection.in_atomic_block
    ):
        return _NOT_READ
    import psycopg
    from psycopg import pq
    from psycopg.adapt import Transformer

    connection.ensure_connection()
    driver_connection = connection.connection
    if not connection.get_autocommit():
        return _NOT_READ
    with driver_connection.lock:
        pgconn = driver_connection.pgconn
        try:
            if pgconn.transaction_status != pq.TransactionStatus.IDLE:
                return _NOT_READ
            if driver_connection not in _version_prepared_on:
                prepared = pgconn.prepare(VERSION_STATEMENT, sql.replace("%s", "$1").encode(), None)
                already_there = prepared.error_field(pq.DiagnosticField.SQLSTATE) == b"42P05"
                if prepared.status != pq.ExecStatus.COMMAND_OK and not already_there:
                    return _NOT_READ
                _version_prepared_on.add(driver_connection)
            result = pgconn.exec_prepared(
                VERSION_STATEMENT,
                [str(CONTENT_VERSION_PK).encode()],
                result_format=pq.Format.BINARY,
            )
        except psycopg.Error:
            _version_prepared_on.discard(driver_connection)
            return _NOT_READ
    if result.status != pq.ExecStatus.TUPLES_OK:
        _version_prepared_on.discard(driver_connection)
        return _NOT_READ
    if result.ntuples == 0:
        return None
    rows = Transformer(driver_connection)
    rows.set_pgresult(result)
    return rows.load_row(0, tuple)


class ContentVersionQuerySet(models.QuerySet):
    def current(self) -> "ContentVersion":
        """Return the site's content version (the row is made if it is missing): one row
        read by its primary key, whatever the archive holds.

        What changes by itself with the clock (an online link becoming public, a talk
        starting or ending) is not in the version: responses name the stretch of time in
        which they hold (Talk.objects.moments_around(), seminars/http/conditional.py).
        """
        version = self._read_row()
        if version is None:
            self.get_or_create(
                pk=CONTENT_VERSION_PK,
                defaults={"changed_at": timezone.now().replace(microsecond=0)},
            )
            return self.current()
        return version

    def _read_row(self) -> "ContentVersion | None":
        # Every request reads this row, and building the query through the ORM cost several
        # times what the database takes to answer it (0.4 ms of a 0.8 ms cached page): the
        # SQL and the backend's converters (applied as the ORM would) are worked out once
        # per database.
        connection = connections[self.db]
        sql, attnames, conversions = _version_read(connection.alias)
        row = _read_version_from_postgresql(connection, sql)
        if row is _NOT_READ:
            with connection.cursor() as cursor:
                cursor.execute(sql, [CONTENT_VERSION_PK])
                row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (expression, converters) in zip(row, conversions, strict=True):
            for convert in converters:
                value = convert(value, expression, connection)
            values.append(value)
        return self.model.from_db(self.db, attnames, values)

    def move_past(self, other: "ContentVersion") -> None:
        """Make the version newer than both its stored value and `other` (after a restore)."""
        self.current()
        self.filter(pk=CONTENT_VERSION_PK, counter__lt=other.counter).update(
            counter=other.counter, changed_at=other.changed_at
        )
        self.bump()

    def bump(self) -> None:
        """Record that public content changed: count up and move changed_at forward.

        changed_at moves at least one whole second each time, because HTTP dates have
        one-second resolution: two changes within a second must still give two different
        Last-Modified values, and it never moves back, even if the clock does.
        """
        now = timezone.now().replace(microsecond=0)
        bumped = self.filter(pk=CONTENT_VERSION_PK).update(
            counter=F("counter") + 1,
            changed_at=Greatest(
                Value(now, output_field=models.DateTimeField()),
                ExpressionWrapper(
                    F("changed_at") + datetime.timedelta(seconds=1),
                    output_field=models.DateTimeField(),
                ),
            ),
        )
        if not bumped:
            self.current()


class ContentVersion(models.Model):
    """The version of everything the public sees, one row for the whole site.

    Every change to talks, speakers, series and the rest bumps it (seminars/signals.py), so
    the page cache and the calendar feeds can key their caches and HTTP validators on it with
    a single query.
    """

    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=CONTENT_VERSION_PK), name="content_version_single_row"
            )
        ]

    def __str__(self):
        return f"Content version {self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @property
    def key(self) -> str:
        """Return what identifies the public content now (with changed_at, see
        seminars/http/conditional.version_digest())."""
        return str(self.counter)
