"""The front door: a repeated anonymous read of a public response, answered before the rest
of the middleware stack runs.

The page cache and the conditional views (calendar feeds, the API) answer after sessions,
CSRF, authentication, messages, the security headers and the Content-Security-Policy have
run, and those cost a cached page more than its own work did. So once a worker has answered
a URL with a public response (`answer_publicly` in seminars/http/conditional.py marks it),
this middleware, first in MIDDLEWARE, keeps the final response: every header the whole stack
added, and the body. The next anonymous GET or HEAD of that URL in the same content version
and time window gets the same bytes, or the same 304, after the version's query alone.

What could make the rest of the stack answer otherwise is in the key (the release, and the
scheme, host, path and query string as received), or makes the request go the long way: any
other method, a session cookie (signed-in staff may see drafts; their answers carry
`Vary: Cookie`), an Authorization header. A response is kept only from a GET that was marked
public, with status 200 or 304, no cookies and no `Vary`; a 304 is answered here only once this
worker has seen the rest of the stack answer one for that response, so that its headers are
the ones the stack gives. Like the other per-worker copies it is never invalidated: the
content version is read on every request and compared, and `CACHE_URL=dummycache://` turns
it off.

Served through `config/wsgi.py` (gunicorn, `make serve`, runserver), the kept answer is sent
by `FrontDoorApplication` before Django's handler runs at all: no handler request, no
request signals, no response object, which is a fifth of a warm feed's time in the process.
The middleware answers the same way for any other entry point (ASGI, the test client).
"""

import datetime
import logging
from dataclasses import dataclass, field
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.http.response import ResponseHeaders
from django.utils import timezone
from django.utils.cache import get_conditional_response

from seminars.http.conditional import PublicAnswer, request_version
from seminars.http.local_copies import local_answers
from seminars.http.release import release
from seminars.models import ContentVersion

logger = logging.getLogger(__name__)

# Room for the headers of an entry, counted with its body against the copies' size.
HEADERS_SIZE = 2048
# The full response is due (get_conditional_response returns it unchanged); never sent.
_FULL = HttpResponse()

Key = tuple[str | None, ...]
Headers = tuple[tuple[str, str], ...]


@dataclass
class FrontEntry:
    """The final answers the whole stack gave to one URL, for one content version, set of
    validators and time window: the headers by status (200, 304) and the body."""

    public: PublicAnswer
    headers: dict[int, Headers] = field(default_factory=dict)
    body: bytes | None = None

    def same_response(self, public: PublicAnswer) -> bool:
        return (
            self.public.validators == public.validators
            and self.public.valid_from == public.valid_from
            and self.public.valid_until == public.valid_until
            and _version_key(self.public.version) == _version_key(public.version)
        )

    def holds(self, version: ContentVersion, now: datetime.datetime) -> bool:
        start, end = self.public.valid_from, self.public.valid_until
        return (
            _version_key(self.public.version) == _version_key(version)
            and (start is None or start <= now)
            and (end is None or now < end)
        )

    def answer(self, request: HttpRequest) -> tuple[int, Headers, bytes] | None:
        """Return the answer (status, headers, body) the stack gave to a request like
        `request`, or None when this worker has not seen that answer (a 412, a first 304)."""
        validators = self.public.validators
        decided = get_conditional_response(
            request,
            etag=validators.etag,
            last_modified=int(validators.last_modified.timestamp()),
            response=_FULL,
        )
        status = 200 if decided is _FULL else decided.status_code
        headers = self.headers.get(status)
        if headers is None or (status == 200 and self.body is None):
            return None
        return status, headers, self.body if status == 200 else b""

    def size(self) -> int:
        return HEADERS_SIZE + len(self.body or b"")


def _version_key(version: ContentVersion) -> tuple[int, datetime.datetime]:
    return version.counter, version.changed_at


def front_key(request: HttpRequest) -> Key | None:
    """Return the key of what `request` asks for, or None when it must go the long way."""
    meta = request.META
    if (
        request.method not in {"GET", "HEAD"}
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in meta
    ):
        return None
    # As received: a key the stack refused (a host not allowed, a NUL character, an http
    # request that is redirected to https) never has an answer kept under it.
    return (
        release(),
        request.scheme,
        meta.get("HTTP_HOST"),
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("HTTP_X_FORWARDED_PORT"),
        meta.get("SERVER_NAME"),
        str(meta.get("SERVER_PORT")),
        request.path,
        meta.get("QUERY_STRING", ""),
    )


def keep(key: Key, request: HttpRequest, response: HttpResponse) -> None:
    """Keep the answer `response` to `request` under `key`, if it is a public one."""
    public: PublicAnswer | None = getattr(request, "public_answer", None)
    if (
        public is None
        or request.method != "GET"
        or response.status_code not in {200, 304}
        or response.streaming
        or response.cookies
        or response.has_header("Vary")
        or response.get("ETag") != public.validators.etag
    ):
        return
    entry = local_answers.get(key)
    if entry is None or not entry.same_response(public):
        entry = FrontEntry(public)
    entry.headers[response.status_code] = tuple(response.items())
    if response.status_code == 200:
        entry.body = response.content
    local_answers.set(key, entry, entry.size())


def kept_answer(key: Key, request: HttpRequest) -> tuple[int, Headers, bytes] | None:
    """Return the answer kept under `key` if it still holds for `request`, else None."""
    entry = local_answers.get(key)
    # The version is read only for a URL answered before; the layers below reuse it.
    if entry is not None and entry.holds(request_version(request), timezone.now()):
        return entry.answer(request)
    return None


class FrontDoorMiddleware:
    """Answer an anonymous GET or HEAD as the whole stack answered it last time, while the
    content version and the response's time window are the same (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = front_key(request)
        if key is None:
            return self.get_response(request)
        answer = kept_answer(key, request)
        if answer is not None:
            status, headers, body = answer
            response = HttpResponse(body, status=status)
            response.headers = ResponseHeaders(dict(headers))
            return response
        response = self.get_response(request)
        keep(key, request, response)
        return response


STATUS_LINES = {status: f"{status} {HTTPStatus(status).phrase}" for status in (200, 304)}


class FrontDoorApplication:
    """Wrap Django's WSGI application: send a kept answer before Django's handler runs (see
    the module); everything else, and any error, goes to the application."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        answer = self.kept_answer(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(STATUS_LINES[status], list(headers))
        return [body]

    def kept_answer(self, environ) -> tuple[int, Headers, bytes] | None:
        try:
            request = WSGIRequest(environ)
            key = front_key(request)
            if key is None or local_answers.get(key) is None:
                return None
            # What the request_started signal does for Django's handler: a connection that
            # failed or outlived CONN_MAX_AGE is not used for the version's read.
            close_old_connections()
            # The version read here is in the environ, so Django's request reuses it.
            return kept_answer(key, request)
        except Exception:
            # The long way meets the same error and answers it as it answers any request.
            logger.warning(
                "The front door could not answer; the request goes the long way.", exc_info=True
            )
            return None
