"""The cache that rate limits count in: the shared cache, or this process's memory while the
shared one is unreachable.

Throttles and rate limits read and write Redis on every request they guard. With Redis down,
a plain cache call raises and the request answers 500, so a cache outage would take the whole
API and the public form down. Here a failed call is logged and repeated on a local in-memory
cache instead: each process then limits on its own (a looser limit than the shared one, but a
limit), and the shared counters take over again as soon as Redis answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, cast

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable or failing cache server raises: redis-py's errors, and the socket
# errors of other backends.
CACHE_DOWN_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
# One warning a minute is enough to alert on, without a line per request during an outage.
WARN_EVERY_SECONDS = 60.0

_local = LocMemCache("charter-rate-fallback", {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4})


class FallbackCache:
    """A stand-in for a Django cache whose every call falls back to local memory on failure.

    Only the calls rate limits make are needed (get, set, add, incr, delete), but any cache
    method works through `__getattr__`.
    """

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._last_warning = 0.0

    def __getattr__(self, name: str) -> Callable[..., Any]:
        shared = getattr(caches[self.alias], name)
        local = getattr(_local, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return shared(*args, **kwargs)
            except CACHE_DOWN_ERRORS as exc:
                self._warn(name, exc)
                return local(*args, **kwargs)

        return call

    def _warn(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning(
                "cache %r unreachable (%s on %s): rate limits count per process until it is back",
                self.alias,
                exc.__class__.__name__,
                operation,
            )


# It stands in for a cache (every call is forwarded), so callers may type it as one.
rate_cache = cast(BaseCache, FallbackCache())


def clear_local_fallback() -> None:
    """Forget the local counters (tests, and a process that wants a fresh start)."""
    _local.clear()
