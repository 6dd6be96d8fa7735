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
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import ResponseHeaders
from django.utils import timezone
from django.utils.cache import get_conditional_response

from seminars.http.conditional import PublicAnswer, request_version
from seminars.http.local_copies import local_answers
from seminars.http.release import release
from seminars.models import ContentVersion

# Room for the headers of an entry, counted with its body against the copies' size.
HEADERS_SIZE = 2048
# The full response is due (get_conditional_response returns it unchanged); never sent.
_FULL = HttpResponse()

Key = tuple[str | None, ...]


@dataclass
class FrontEntry:
    """The final answers the whole stack gave to one URL, for one content version, set of
    validators and time window: the headers by status (200, 304) and the body."""

    public: PublicAnswer
    headers: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
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

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        """Return the answer the stack gave to a request like `request`, or None when this
        worker has not seen that answer (a 412, a first 304)."""
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
        response = HttpResponse(self.body if status == 200 else b"", status=status)
        response.headers = ResponseHeaders(dict(headers))
        return response

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


class FrontDoorMiddleware:
    """Answer an anonymous GET or HEAD as the whole stack answered it last time, while the
    content version and the response's time window are the same (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = front_key(request)
        if key is None:
            return self.get_response(request)
        entry = local_answers.get(key)
        # The version is read only for a URL answered before; the layers below reuse it.
        if entry is not None and entry.holds(request_version(request), timezone.now()):
            answer = entry.answer(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        keep(key, request, response)
        return response
