"""Print PostgreSQL's plan and timing of every query the main pages and feeds make.

Run against a database filled by `manage.py generate_data` (make bench does):

    DATABASE_URL=postgres://... python bench/explain.py > bench/explain.md
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.urls import bench_urls  # noqa: E402
from seminars.http.local_copies import clear_caches  # noqa: E402


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN output is for PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    seen = set()
    for label, url in bench_urls().items():
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        print(f"## {label}: {url} ({len(captured.captured_queries)} queries, cache empty)\n")
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql in seen or not sql.startswith("SELECT"):
                continue
            seen.add(sql)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"```sql\n{sql}\n```\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
