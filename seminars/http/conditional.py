"""Conditional GET for public responses: one rule for their validators, whichever view makes
them (pages, calendar feeds, the JSON API).

A public response depends on three things: the release (seminars/http/release.py), the
public content (every change to what the public sees bumps the ContentVersion) and, for a
response that changes by itself when a talk starts or ends or a day begins, the stretch of
time in which it holds. So, for every one of them:

- its cache key, and its ETag unless it is stored whole, is a digest of the release, the
  content version and what names the resource and its time window (`version_digest`);
- its Last-Modified is the later of the content's last change and the start of that window
  (`last_modified`);
- a request whose validators match is answered 304 from the validators alone, before the
  body is built or fetched (`Validators.answer`).

A view declares that it answers every anonymous visitor alike, and nothing else lists it:

- `@cacheable` (or a `cacheable = True` attribute, in apps that may not import this one):
  the page cache (seminars/http/pagecache.py) stores its whole answer and validates it by a
  digest of its bytes, as a page reads more than anything could name in advance;
- subclassing ConditionalView: its validators are known before its body is built, so that a
  conditional request costs the content version's query alone (calendar feeds, the API).
"""

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.generic import View

from seminars.http.local_copies import local_windows
from seminars.http.release import release
from seminars.models import ContentVersion, Talk

Window = tuple[datetime.datetime | None, datetime.datetime | None]


def content_digest(parts: Iterable[str]) -> str:
    """Return the SHA-256 hex digest of `parts`, everything a response's bytes depend on."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def version_digest(version: ContentVersion, *parts: str) -> str:
    """Return the digest that names a response: the release, the content version and `parts`
    (the resource, its time window); equal digests, equal bytes."""
    # changed_at as well as the counter: a database restored from a backup (or made anew)
    # counts from an old number again while the cache still holds responses of the newer one.
    return content_digest([release(), version.key, version.changed_at.isoformat(), *parts])


def strong_etag(digest: str) -> str:
    """Return the ETag header value for `digest` (quoted, 40 hex digits are plenty)."""
    return f'"{digest[:40]}"'


def last_modified(
    version: ContentVersion, since: datetime.datetime | None = None
) -> datetime.datetime:
    """Return when a response last changed: its content, or the start of its time window.

    After a burst of changes this can be a few seconds ahead of the clock (each change moves
    it a second on). It is not capped at now as RFC 9110 §8.8.2.1 asks: a value that goes
    backwards freezes Apple Calendar, which revalidates by date only.
    """
    return max(version.changed_at, since) if since else version.changed_at


def overlap(*windows: Window) -> Window:
    """Return the stretch of time that is in every one of `windows` (None: unbounded)."""
    starts = [start for start, _ in windows if start is not None]
    ends = [end for _, end in windows if end is not None]
    return max(starts, default=None), min(ends, default=None)


def link_window(version: ContentVersion, now: datetime.datetime) -> Window:
    """Return the stretch of time around `now` in which no online link becomes public.

    It changes only with the content and the clock, so each worker keeps its answer for the
    version while it holds: in a steady state a response costs the version's query alone.
    """
    key = f"{version.key}@{version.changed_at.isoformat()}"
    known = local_windows.get(key)
    if known is None or not (
        (known[0] is None or known[0] <= now) and (known[1] is None or now < known[1])
    ):
        known = Talk.objects.public().moments_around(now, fields=(), links=True)
        local_windows.set(key, known, 1)
    return known


def day_window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the start of `day` and of the next day, in the site's timezone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(day, datetime.time.min, zone),
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone),
    )


@dataclass(frozen=True)
class Validators:
    """A public response's ETag and Last-Modified, and how long others may keep it without
    asking (`max_age`; None: `no-cache`, ask every time)."""

    etag: str
    last_modified: datetime.datetime
    max_age: int | None = None

    def apply(self, response: HttpResponse) -> HttpResponse:
        """Set the validators and the lifetime on `response` and return it."""
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        response["Cache-Control"] = (
            "no-cache" if self.max_age is None else f"public, max-age={self.max_age}"
        )
        return response

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        """Return what these validators alone answer to `request` (304 Not Modified, with the
        validators the full response would carry, or 412 when a precondition fails), or None
        when the full response is due."""
        headers = self.apply(HttpResponse())
        answer = get_conditional_response(
            request,
            etag=self.etag,
            last_modified=int(self.last_modified.timestamp()),
            response=headers,
        )
        return None if answer is headers else answer


# Where a request keeps its content version: a WSGI environ key (PEP 3333 style).
VERSION_ENVIRON_KEY = "seminars.content_version"


def request_version(request: HttpRequest) -> ContentVersion:
    """Return the content version for `request`, read once however many layers ask (the
    WSGI front door and Django's handler make two request objects over one environ)."""
    version = request.META.get(VERSION_ENVIRON_KEY)
    if version is None:
        version = request.META[VERSION_ENVIRON_KEY] = ContentVersion.objects.current()
    return version


@dataclass(frozen=True)
class PublicAnswer:
    """What makes a response the same for every anonymous visitor until something changes:
    the content version, its validators, and the stretch of time in which it holds (None:
    unbounded). The front door (seminars/http/front.py) keeps such responses."""

    version: ContentVersion
    validators: Validators
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None


def answer_publicly(
    request: HttpRequest,
    validators: Validators,
    version: ContentVersion,
    window: Window,
    full: Callable[[], HttpResponse],
) -> HttpResponse:
    """Return the answer to `request` of a public response (304 or 412 from `validators`
    alone, else `full()` with them), and mark `request` so that the front door may keep it."""
    request.public_answer = PublicAnswer(version, validators, *window)
    return validators.answer(request) or validators.apply(full())


def cacheable(view: Callable) -> Callable:
    """Declare that `view` (a view function, view class or syndication Feed class) answers
    every anonymous visitor alike, so that the page cache stores its answers.

    Nothing else lists it: the page cache reads the declaration from the view that the URL
    resolves to. A view that must not import this module sets `cacheable = True` itself.
    """
    if isinstance(view, type):
        view.cacheable = True
        return view

    @functools.wraps(view)
    def declared(*args, **kwargs):
        return view(*args, **kwargs)

    declared.cacheable = True
    return declared


def is_cacheable(view: Callable) -> bool:
    """Return whether `view`, as a URL pattern holds it, declares that it is cacheable."""
    view_class = getattr(view, "view_class", None)  # a class-based view's as_view()
    return bool(getattr(view, "cacheable", False) or getattr(view_class, "cacheable", False))


class ConditionalView(View):
    """A public, read-only resource whose validators are known before its body is built: a
    conditional request is answered 304 after the content version's query (and any that
    `window` and `ensure_exists` make, and link_window's when the version or the moment
    moved), without building anything.

    Subclasses name the resource (`resource_key`), say in which stretch of time it holds
    when it changes by itself (`window`), and build it (`build`). `self.digest` names the
    response exactly, for caching its body.
    """

    http_method_names = ["get", "head", "options"]
    max_age: int = 0  # seconds that browsers and proxies may keep a response without asking

    def resource_key(self) -> str:
        """Return what identifies the resource, given the request (canonical)."""
        raise NotImplementedError

    def window(self) -> Window:
        """Return the stretch of time around now in which the resource stays the same by
        itself (None: unbounded), besides online links becoming public (link_window, which
        every resource honours); by default it changes only with the content."""
        return None, None

    def ensure_exists(self) -> None:
        """Raise if the resource does not exist, before a conditional request is answered;
        by default nothing is looked up."""

    def build(self) -> HttpResponse:
        """Return the full response; raise for what does not exist."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        version = request_version(request)
        since, until = overlap(self.window(), link_window(version, timezone.now()))
        bounds = [moment.isoformat() if moment else "" for moment in (since, until)]
        self.digest = version_digest(version, self.resource_key(), *bounds)
        validators = Validators(
            etag=strong_etag(self.digest),
            last_modified=last_modified(version, since),
            max_age=self.max_age,
        )
        self.ensure_exists()
        return answer_publicly(request, validators, version, (since, until), self.build)
