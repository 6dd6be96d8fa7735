"""Count the queries of each benchmarked URL on the generated data: built, from the cache, 304.

make bench runs it at each archive size with the benchmark's DATABASE_URL and CACHE_URL; it
prints one JSON object {label: {"built": n, "cached": n, "304": n}}. The counts must be the
same at every size.
"""

import json
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


def count(client: Client, url: str, **headers: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return len(queries), response


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    clear_caches()
    counts = {}
    for label, url in bench_urls().items():
        built, response = count(client, url)
        cached, _ = count(client, url)
        revalidated, answer = count(client, url, If_None_Match=response.get("ETag", ""))
        counts[label] = {
            "url": url,
            "built": built,
            "cached": cached,
            "304": revalidated if answer.status_code == 304 else None,
        }
    clear_caches()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
