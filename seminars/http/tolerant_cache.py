"""The shared cache as an accelerator: while Redis does not answer, every read misses and
every write is dropped, so pages and feeds are built from the database (slower) instead of
failing, and the site recovers by itself when Redis is back.

Django's Redis backend raises redis.exceptions.ConnectionError into the view when the server
is down. This one catches every Redis error, logs one warning per interval (not one per
request), and for `retry_after` seconds after a failure does not even try, so that an
unreachable host does not cost every request a connection timeout. /healthz still reports the
cache as down (it writes and reads back a value, which the outage loses).
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class Outage:
    """This process's view of the cache: when to try it again, and when it last warned."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.warned_at: float | None = None

    def is_down(self) -> bool:
        return time.monotonic() < self.retry_at

    def record(self, error: Exception, retry_after: float, warn_every: float) -> None:
        """Note that the cache failed with `error`; warn unless warned in the last interval."""
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + retry_after
            if self.warned_at is not None and now - self.warned_at < warn_every:
                return
            self.warned_at = now
        logger.warning(
            "The cache does not answer (%s: %s); serving from the database until it does.",
            type(error).__name__,
            error,
        )

    def reset(self) -> None:
        with self.lock:
            self.retry_at = 0.0
            self.warned_at = None


outage = Outage()


class TolerantRedisCacheClient(RedisCacheClient):
    """Django's Redis client, whose every operation answers a cache miss when Redis fails."""

    def __init__(self, servers, retry_after: float = 5, warn_every: float = 60, **options):
        super().__init__(servers, **options)
        self.retry_after = retry_after
        self.warn_every = warn_every

    def _tolerantly(self, operation: str, fallback: Any, *args) -> Any:
        if outage.is_down():
            return fallback
        try:
            return getattr(super(), operation)(*args)
        except self._lib.RedisError as error:
            outage.record(error, self.retry_after, self.warn_every)
            return fallback

    def add(self, key, value, timeout):
        return self._tolerantly("add", False, key, value, timeout)

    def get(self, key, default):
        return self._tolerantly("get", default, key, default)

    def set(self, key, value, timeout):
        return self._tolerantly("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._tolerantly("touch", False, key, timeout)

    def delete(self, key):
        return self._tolerantly("delete", False, key)

    def get_many(self, keys):
        return self._tolerantly("get_many", {}, keys)

    def has_key(self, key):
        return self._tolerantly("has_key", False, key)

    def incr(self, key, delta):
        missing = object()
        value = self._tolerantly("incr", missing, key, delta)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache does not answer).")
        return value

    def set_many(self, data, timeout):
        return self._tolerantly("set_many", None, data, timeout)

    def delete_many(self, keys):
        return self._tolerantly("delete_many", None, keys)

    def clear(self):
        return self._tolerantly("clear", False)


class TolerantRedisCache(RedisCache):
    """The Redis cache backend that CACHE_URL=redis://… selects (config/settings.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
