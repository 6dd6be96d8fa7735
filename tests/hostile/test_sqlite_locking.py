"""Finding 11: on SQLite, simultaneous saves wait for each other instead of failing with
"database is locked" (a 500): WAL, a busy timeout, and BEGIN IMMEDIATE for transactions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

# Two threads hold write transactions on one file database at once; the second must wait.
SCRIPT = """
import threading, time, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n integer)")
    cursor.execute("INSERT INTO counter VALUES (0)")
    print(cursor.execute("PRAGMA journal_mode").fetchone()[0])
    print(cursor.execute("PRAGMA busy_timeout").fetchone()[0])
errors = []
def add_one():
    from django.db import connection
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                n = cursor.execute("SELECT n FROM counter").fetchone()[0]
                time.sleep(0.2)
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=add_one) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
with connection.cursor() as cursor:
    print(cursor.execute("SELECT n FROM counter").fetchone()[0], errors)
"""


@pytest.mark.skipif("postgres" in os.environ.get("DATABASE_URL", ""), reason="SQLite only")
def test_sqlite_simultaneous_writes_wait_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Without BEGIN IMMEDIATE two transactions read 0 and the second fails to upgrade its
    # lock ("database is locked"); with it they run one after the other: 4, no error.
    assert result.stdout.splitlines() == ["wal", "20000", "4 []"]
