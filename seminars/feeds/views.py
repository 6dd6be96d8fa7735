"""Calendar feeds over HTTP, and the page that explains how to subscribe to them.

A feed's body is cached and its ETag and Last-Modified come from the site's content version
(and, for feeds with a time window, today's date), so a conditional request is answered 304
after one query, without building the calendar.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.generic import TemplateView, View

from seminars.feeds import ical
from seminars.feeds.selection import (
    Feed,
    FeedQuery,
    UnknownFeedError,
    event_data,
    public_event_types,
    public_series,
    select_feed,
    select_talk,
)
from seminars.http.local_copies import local_calendars
from seminars.http.release import release
from seminars.http.validators import content_digest, strong_etag
from seminars.models import ContentVersion

CACHE_MAX_AGE = 15 * 60
BODY_CACHE_SECONDS = 24 * 60 * 60
# An event's bytes are cached under a digest of everything they show, so they never go
# stale; they are kept while feeds keep using them, and a month after that.
EVENT_CACHE_SECONDS = 30 * 24 * 60 * 60


class CalendarResponse(HttpResponse):
    """An iCalendar body with its validators and a public cache lifetime."""

    def __init__(
        self,
        content: bytes = b"",
        *,
        etag: str,
        last_modified: datetime.datetime,
        filename: str | None = None,
    ):
        # Spelled out: Django's default text/calendar content type would omit the charset.
        super().__init__(content, content_type="text/calendar; charset=utf-8")
        self["ETag"] = etag
        self["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(self, public=True, max_age=CACHE_MAX_AGE)
        if filename is not None:
            self["Content-Disposition"] = f'attachment; filename="{filename}"'


def serialised_events(events: list[ical.EventData]) -> list[bytes]:
    """Return the bytes of each of `events`, from the cache when another build made them."""
    keys = [event.key() for event in events]
    cached = cache.get_many(keys)
    made = {
        key: ical.event_bytes(event)
        for key, event in zip(keys, events, strict=True)
        if key not in cached
    }
    if made:
        cache.set_many(made, EVENT_CACHE_SECONDS)
    return [cached.get(key) or made[key] for key in keys]


def build_calendar(feed: Feed) -> bytes:
    """Return the bytes of `feed`'s calendar."""
    events = event_data(feed.talks)
    return ical.calendar_bytes(
        events,
        serialised_events(events),
        name=feed.name,
        description=feed.description,
        timezone_name=feed.timezone_name,
    )


def last_modified(version: ContentVersion, today: datetime.date | None) -> datetime.datetime:
    """Return when the feed last changed: its content, or the start of `today` when its
    time window moved then.

    After a burst of changes this can be a few seconds ahead of the clock (each change moves
    it a second on). It is not capped at now as RFC 9110 §8.8.2.1 asks: a value that goes
    backwards freezes Apple Calendar, which revalidates by date only.
    """
    moment = version.modified_at
    if today is not None:
        midnight = datetime.datetime.combine(
            today, datetime.time.min, timezone.get_current_timezone()
        )
        moment = max(moment, midnight)
    return moment


class CalendarView(View):
    """Serve one calendar; subclasses say which, and whether it has a time window."""

    http_method_names = ["get", "head", "options"]

    def feed_key(self) -> str:
        raise NotImplementedError

    def is_windowed(self) -> bool:
        raise NotImplementedError

    def select(self, today: datetime.date | None) -> Feed:
        raise NotImplementedError

    def filename(self) -> str | None:
        return None

    def digest(self, version: ContentVersion, today: datetime.date | None) -> str:
        """Return the hash of everything the feed's bytes depend on."""
        parts = [release(), version.key, today.isoformat() if today else "", self.feed_key()]
        return content_digest(parts)

    def get(self, request, *args, **kwargs):
        version = ContentVersion.objects.current()
        today = timezone.localdate() if self.is_windowed() else None
        digest = self.digest(version, today)
        modified = last_modified(version, today)
        response = CalendarResponse(
            etag=strong_etag(digest), last_modified=modified, filename=self.filename()
        )
        cache_key = f"calendar:{digest}"
        feed = None
        # A cached body proves that the feed exists in this version; else look first. Only
        # whether it is there: a conditional request never needs its bytes.
        if local_calendars.get(cache_key) is None and not cache.has_key(cache_key):
            try:
                feed = self.select(today)
            except UnknownFeedError as error:
                return HttpResponseNotFound(str(error), content_type="text/plain; charset=utf-8")
        conditional = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(modified.timestamp()),
            response=response,
        )
        if conditional is not response:
            return conditional
        body = None if feed else local_calendars.get(cache_key) or cache.get(cache_key)
        if body is None:  # not cached, or evicted a moment ago
            body = build_calendar(feed or self.select(today))
            cache.set(cache_key, body, BODY_CACHE_SECONDS)
        local_calendars.set(cache_key, body, len(body))
        response.content = body
        return response


class FeedView(CalendarView):
    """Serve /calendar.ics?series=&tag=&speaker=, or the feed of the series, tag or speaker
    named in the URL (`filter_name` says which; the query string is then ignored)."""

    filter_name: str | None = None  # "series", "tags" or "speakers"

    def query(self) -> FeedQuery:
        if self.filter_name is None:
            return FeedQuery.from_query(self.request.GET)
        return FeedQuery(**{self.filter_name: (self.kwargs["slug"],)})

    def feed_key(self) -> str:
        return f"feed?{self.query().key()}"

    def is_windowed(self) -> bool:
        return self.query().windowed

    def select(self, today: datetime.date | None) -> Feed:
        return select_feed(self.query(), today)


class TalkCalendarView(CalendarView):
    """Serve one talk as a file to download and add once."""

    def feed_key(self) -> str:
        return f"talk/{self.kwargs['slug']}"

    def is_windowed(self) -> bool:
        return False

    def select(self, today: datetime.date | None) -> Feed:
        return select_talk(self.kwargs["slug"])

    def filename(self) -> str:
        return f"{self.kwargs['slug']}.ics"


class SubscribeView(TemplateView):
    template_name = "seminars/subscribe.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series_list=public_series().order_by("name"),
            event_types=public_event_types().order_by("name"),
            feed_past_months=settings.FEED_PAST_MONTHS,
            **kwargs,
        )
