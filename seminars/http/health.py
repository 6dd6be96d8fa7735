"""The health check that load balancers probe."""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse


class HealthCheckMiddleware:
    """Answer /healthz/ before host validation and the https redirect.

    Load balancers probe over plain http by IP address, which ALLOWED_HOSTS and
    SECURE_SSL_REDIRECT would otherwise refuse. 200 when the database and the cache
    answer, 503 otherwise.
    """

    PATH = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.rstrip("/") != self.PATH:
            return self.get_response(request)
        problems = [
            name
            for name, check in (("database", _database_ok), ("cache", _cache_ok))
            if not check()
        ]
        body = "ok\n" if not problems else "unavailable: " + ", ".join(problems) + "\n"
        response = HttpResponse(
            body, status=503 if problems else 200, content_type="text/plain; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        # Not logged (nor mailed to ADMINS) as a server error at every probe: the cause is
        # logged once per interval where it is found (seminars/http/tolerant_cache.py).
        response._has_been_logged = True
        return response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    key = "healthz:" + uuid.uuid4().hex
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        return answered
    except Exception:
        return False
