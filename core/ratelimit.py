"""A fixed-window rate limit on the cache (Redis in production: atomic INCR).

Every web process shares the counters through the cache, so a limit holds however many
processes serve; while the cache is down, each process counts on its own (core/ratecache.py).
"""

from __future__ import annotations

import hashlib

from core.ratecache import rate_cache as cache

NAMESPACE = "charter:ratelimit"


def _cache_key(scope: str, identity: str) -> str:
    # Hashed: the cache never holds a raw token or address.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"{NAMESPACE}:{scope}:{digest}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one hit of `identity` in `scope`; False once it is over `limit` in the window.

    `add` starts a window only if none is running and `incr` is atomic, so concurrent hits
    are all counted.
    """
    key = _cache_key(scope, identity)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr: start a new one
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit


# Wrong credentials (intake keys, tokens) per client address: a client that keeps presenting
# bad ones is answered 429 instead of 401 until its window ends. Legitimate clients that
# mistype a key stay far below this.
BAD_CREDENTIALS_LIMIT = 30
BAD_CREDENTIALS_WINDOW_SECONDS = 10 * 60


def bad_credentials_allowed(scope: str, address: str | None) -> bool:
    """Count one failed authentication from `address`; False once it is over the limit."""
    return hit(
        f"bad-credentials:{scope}",
        address or "unknown",
        limit=BAD_CREDENTIALS_LIMIT,
        window=BAD_CREDENTIALS_WINDOW_SECONDS,
    )
