"""A small in-process copy of shared-cache entries, to spare a round trip to the cache.

Only for entries whose key says everything they depend on (the content version, a digest of
the feed's inputs): such an entry is never invalidated, only replaced by one under another
key, so a copy kept by one worker can never be stale where another worker's is fresh. The
shared cache (CACHES) stays the one that all processes fill and read.
"""

import threading
from collections import OrderedDict
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache


class LocalCopies:
    """Keep the most recently used entries, up to `max_bytes` of content in all."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def set(self, key: str, value: Any, size: int) -> None:
        # With caching turned off (CACHE_URL=dummycache://), no copies either.
        if size > self.max_bytes or isinstance(caches["default"], DummyCache):
            return
        with self.lock:
            if key in self.entries:
                self.size -= self.entries.pop(key)[1]
            self.entries[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                self.size -= self.entries.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


# Per worker process: rendered pages, and calendar bodies (up to a few MB each).
local_pages = LocalCopies(max_bytes=32 * 1024 * 1024)
local_calendars = LocalCopies(max_bytes=64 * 1024 * 1024)
# Calendar events' bytes, each under the digest of all it shows (seminars/feeds/views.py).
local_events = LocalCopies(max_bytes=32 * 1024 * 1024)
# The final answers of public URLs, headers and all (seminars/http/front.py).
local_answers = LocalCopies(max_bytes=64 * 1024 * 1024)
# When the next online link becomes public, per content version (a size of 1 each).
local_windows = LocalCopies(max_bytes=8)


def clear_caches() -> None:
    """Empty the shared cache and this process's copies (for tests and benchmarks)."""
    cache.clear()
    local_pages.clear()
    local_calendars.clear()
    local_answers.clear()
    local_events.clear()
    local_windows.clear()
