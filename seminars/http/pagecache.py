"""The page cache: public pages stored whole in the shared cache, revalidated every time."""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from seminars.http.conditional import (
    Validators,
    answer_publicly,
    day_window,
    is_cacheable,
    last_modified,
    request_version,
    version_digest,
)
from seminars.http.local_copies import local_pages
from seminars.models import ContentVersion, Talk

# The query parameters that cached pages read; the others are left out of the cache key, so that a
# shared link with tracking parameters (utm_*, fbclid, unique per click) is still a cache
# hit. A cached page that starts reading another parameter must add it here.
PAGE_QUERY_KEYS = ("page", "p", "q", "series", "tag", "speaker", "venue", "has")
MAX_KEYED_QUERY_LENGTH = 300  # longer queries (junk, attacks) are answered but not stored


def page_window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the stretch of time around `now` in which no page changes by itself.

    Pages change with the clock when a public talk starts ("happening now") or ends (it moves
    from upcoming to past) and when an online link becomes public; the date is bounded by
    midnight (site time) for good measure.
    """
    midnight, next_midnight = day_window(timezone.localdate(now))
    last, following = Talk.objects.public().moments_around(now, links=True)
    return max(last or midnight, midnight), min(following or next_midnight, next_midnight)


@dataclass(frozen=True)
class CachedPage:
    """A public page as the view made it, and the time in which it holds."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime

    def holds_at(self, now: datetime.datetime) -> bool:
        return self.valid_from <= now < self.valid_until

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, headers=dict(self.headers))

    def answer(self, request: HttpRequest, version: ContentVersion) -> HttpResponse:
        """Return the page, or 304 when `request` shows that the visitor has it already."""
        # No max_age: browsers ask every time, as a page may change at any edit.
        validators = Validators(etag=self.etag, last_modified=self.last_modified)
        window = (self.valid_from, self.valid_until)
        return answer_publicly(request, validators, version, window, self.response)


def visitor(request: HttpRequest):
    """Return the visitor's user: anonymous, without loading the session, when there is no
    session cookie (asking request.user would load the empty session and add `Vary: Cookie`
    to a public page)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return request.user
    return AnonymousUser()


def page_key(request: HttpRequest, version: ContentVersion) -> str | None:
    """Return the cache key of the page `request` asks for, or None to not cache it."""
    # A repeated key keeps its values' order: views read the last one (?page=1&page=2 is
    # page 2), so sorting them would give ?page=2&page=1 the same key and page.
    query = urlencode(
        [(key, value) for key in PAGE_QUERY_KEYS for value in request.GET.getlist(key)]
    )
    if len(query) > MAX_KEYED_QUERY_LENGTH:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "page:" + version_digest(version, url)


def is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether `response` is the same for every anonymous visitor and may be cached."""
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not {"private", "no-store"} & cache_control
        # The page used a CSRF token, a session or messages: the response will set a cookie.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not (messages is not None and (messages.used or messages.added_new))
    )


def find_page(key: str, now: datetime.datetime) -> CachedPage | None:
    """Return the page stored under `key` if it holds at `now`: this worker's copy, or the
    shared cache's."""
    page = local_pages.get(key)
    if page is None or not page.holds_at(now):
        page = cache.get(key)
        if page is not None:
            local_pages.set(key, page, len(page.content))
    return page if page is not None and page.holds_at(now) else None


@dataclass(frozen=True)
class PageToStore:
    """Where and for how long to store the page a view is about to make."""

    key: str
    version: ContentVersion
    now: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime

    def store(self, response: HttpResponse) -> CachedPage:
        page = CachedPage(
            content=response.content,
            headers=tuple(response.items()),
            etag=f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            last_modified=last_modified(self.version, self.valid_from),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )
        timeout = max(1, int((self.valid_until - self.now).total_seconds()))
        cache.set(self.key, page, timeout)
        local_pages.set(self.key, page, len(page.content))
        return page


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of the views that declare themselves cacheable (`cacheable` in
    seminars/http/conditional.py) from the shared cache, revalidated every time.

    A page is keyed on the site's content version, read once per request (every change to
    what the public sees bumps it, whichever process makes it), on the URL, and on the time
    window in which it holds (page_window). Browsers get `Cache-Control: no-cache` with an
    ETag and Last-Modified, so they ask every time and get a 304 while nothing changed.

    It comes after AuthenticationMiddleware: signed-in staff (who may preview drafts) never
    get or fill a cached page. Nothing lists the pages: the view that the URL resolves to
    says whether it may be cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Set by process_view when the page was not in the cache (as Django's own cache
        # middleware marks a request with _cache_update_cache).
        to_store = getattr(request, "_page_to_store", None)
        if to_store is None or request.method != "GET" or not is_storable(request, response):
            return response
        return to_store.store(response).answer(request, to_store.version)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (is_cacheable(view_func) and self.is_anonymous_read(request)):
            return None
        version = request_version(request)
        key = page_key(request, version)
        if key is None:
            return None
        now = timezone.now()
        page = find_page(key, now)
        if page is None:
            request._page_to_store = PageToStore(key, version, now, *page_window(now))
            return None
        return page.answer(request, version)

    @staticmethod
    def is_anonymous_read(request: HttpRequest) -> bool:
        if request.method not in {"GET", "HEAD"}:
            return False
        return not visitor(request).is_authenticated
