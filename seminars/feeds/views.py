"""Calendar feeds over HTTP, and the page that explains how to subscribe to them.

A feed's body is cached, and its ETag and Last-Modified come from the release, the site's
content version and, for feeds with a time window, the day (seminars/http/conditional.py),
so a conditional request is answered 304 after one query, without building the calendar.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.utils import timezone
from django.views.generic import TemplateView

from seminars.feeds import ical
from seminars.feeds.builder import FeedBuilderForm
from seminars.feeds.selection import (
    BadAlarmError,
    Feed,
    event_data,
    parse_alarm,
    select_feed,
    select_talk,
)
from seminars.filters import FilterQuery, UnknownFilterError, public_event_types, public_series
from seminars.http.conditional import ConditionalView, Window, cacheable, day_window
from seminars.http.local_copies import local_calendars, local_events

BODY_CACHE_SECONDS = 24 * 60 * 60
# An event's bytes are cached under a digest of everything they show, so they never go
# stale; they are kept while feeds keep using them, and a month after that.
EVENT_CACHE_SECONDS = 30 * 24 * 60 * 60


class CalendarResponse(HttpResponse):
    """An iCalendar body, to subscribe to or, with a `filename`, to download."""

    def __init__(self, content: bytes = b"", *, filename: str | None = None):
        # Spelled out: Django's default text/calendar content type would omit the charset.
        super().__init__(content, content_type="text/calendar; charset=utf-8")
        if filename is not None:
            self["Content-Disposition"] = f'attachment; filename="{filename}"'


def serialised_events(events: list[ical.EventData]) -> list[bytes]:
    """Return the bytes of each of `events`, from the cache when another build made them."""
    keys = [event.key() for event in events]
    # This worker's copies first: a rebuild after an edit then spares fetching thousands of
    # events from Redis (a key names everything its event shows, so a copy is never stale).
    cached = {key: known for key in keys if (known := local_events.get(key)) is not None}
    missing = [key for key in keys if key not in cached]
    fetched = cache.get_many(missing) if missing else {}
    made = {
        key: ical.event_bytes(event)
        for key, event in zip(keys, events, strict=True)
        if key not in cached and key not in fetched
    }
    if made:
        cache.set_many(made, EVENT_CACHE_SECONDS)
    for key, value in (*fetched.items(), *made.items()):
        local_events.set(key, value, len(value))
    cached.update(fetched)
    cached.update(made)
    return [cached[key] for key in keys]


def build_calendar(feed: Feed, alarm: int | None = None) -> bytes:
    """Return the bytes of `feed`'s calendar, with a reminder `alarm` minutes before each
    event if asked."""
    events = event_data(feed.talks)
    serialised = serialised_events(events)
    if alarm is not None:
        serialised = [
            ical.with_alarm(event, talk, alarm)
            for event, talk in zip(serialised, events, strict=True)
        ]
    return ical.calendar_bytes(
        events,
        serialised,
        name=feed.name,
        description=feed.description,
        timezone_name=feed.timezone_name,
    )


class CalendarView(ConditionalView):
    """Serve one calendar; subclasses say which, and whether it has a time window (then it
    changes at midnight, site time)."""

    max_age = 15 * 60

    def is_windowed(self) -> bool:
        raise NotImplementedError

    def select(self, today: datetime.date | None) -> Feed:
        raise NotImplementedError

    def filename(self) -> str | None:
        return None

    def alarm(self) -> int | None:
        """Return the reminder's minutes before each event, if the feed carries one."""
        return None

    def dispatch(self, request, *args, **kwargs):
        self.today = timezone.localdate() if self.is_windowed() else None
        self.feed = None
        try:
            return super().dispatch(request, *args, **kwargs)
        except UnknownFilterError as error:
            return HttpResponseNotFound(str(error), content_type="text/plain; charset=utf-8")
        except BadAlarmError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def window(self) -> Window:
        return day_window(self.today) if self.today else (None, None)

    def body_key(self) -> str:
        return f"calendar:{self.digest}"

    def ensure_exists(self) -> None:
        # A cached body proves that the feed exists in this version; else look first. Only
        # whether it is there: a conditional request never needs its bytes.
        key = self.body_key()
        if local_calendars.get(key) is None and not cache.has_key(key):
            self.feed = self.select(self.today)

    def build(self) -> CalendarResponse:
        key = self.body_key()
        body = None if self.feed else local_calendars.get(key) or cache.get(key)
        if body is None:  # not cached, or evicted a moment ago
            body = build_calendar(self.feed or self.select(self.today), self.alarm())
            cache.set(key, body, BODY_CACHE_SECONDS)
        local_calendars.set(key, body, len(body))
        return CalendarResponse(body, filename=self.filename())


class FeedView(CalendarView):
    """Serve /calendar.ics?series=&tag=&speaker=, or the feed of the series, tag or speaker
    named in the URL (`filter_name` says which; the query string is then ignored)."""

    filter_name: str | None = None  # "series", "tags" or "speakers"

    def query(self) -> FilterQuery:
        if self.filter_name is None:
            return FilterQuery.from_query(self.request.GET)
        return FilterQuery(**{self.filter_name: (self.kwargs["slug"],)})

    def alarm(self) -> int | None:
        return parse_alarm(self.request.GET)

    def resource_key(self) -> str:
        # Each reminder is another body, cached on its own.
        alarm = self.alarm()
        return f"feed?{self.query().key()}" + (f"&alarm={alarm}" if alarm else "")

    def is_windowed(self) -> bool:
        return self.query().windowed

    def select(self, today: datetime.date | None) -> Feed:
        return select_feed(self.query(), today)


class TalkCalendarView(CalendarView):
    """Serve one talk as a file to download and add once."""

    def resource_key(self) -> str:
        return f"talk/{self.kwargs['slug']}"

    def is_windowed(self) -> bool:
        return False

    def select(self, today: datetime.date | None) -> Feed:
        return select_talk(self.kwargs["slug"])

    def filename(self) -> str:
        return f"{self.kwargs['slug']}.ics"


@cacheable
class SubscribeView(TemplateView):
    """How to subscribe, the feeds of every series and event type, and the feed builder:
    ?series=&tag=&speaker= shows that combination's address and buttons."""

    template_name = "seminars/subscribe.html"

    def get_context_data(self, **kwargs):
        builder = FeedBuilderForm(self.request.GET or None)
        built = builder.links() if builder.is_valid() else None
        return super().get_context_data(
            builder=builder,
            built=built,
            series_list=public_series().order_by("name"),
            event_types=public_event_types().order_by("name"),
            feed_past_months=settings.FEED_PAST_MONTHS,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        # A choice that names nothing public (an old bookmark, junk) is the visitor's error.
        if context["builder"].errors:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)
