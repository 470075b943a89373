"""A fixed-window rate limit on Django's cache (Redis in production: atomic INCR).

Every web process shares the counters through the cache, so the limit holds however many
processes serve the public form.
"""

from __future__ import annotations

import hashlib

from core.ratecache import rate_cache as cache

# The public feedback form: a stakeholder answers a handful of times, a script thousands.
PUBLIC_FORM_LIMIT = 20
PUBLIC_FORM_WINDOW_SECONDS = 10 * 60
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


def public_form_allows(*, client_ip: str | None, token: str, link_is_genuine: bool) -> bool:
    """Count one POST to the public form.

    A genuine link (its signature holds) counts per client address and per link. A forged or
    garbled one counts in a budget of its own per address, so a script posting garbage can
    exhaust only that budget, never a stakeholder's.
    """
    address = client_ip or "unknown"
    if not link_is_genuine:
        return hit(
            "feedback-bad-link",
            address,
            limit=PUBLIC_FORM_LIMIT,
            window=PUBLIC_FORM_WINDOW_SECONDS,
        )
    by_ip = hit("feedback-ip", address, limit=PUBLIC_FORM_LIMIT, window=PUBLIC_FORM_WINDOW_SECONDS)
    by_token = hit(
        "feedback-token", token, limit=PUBLIC_FORM_LIMIT, window=PUBLIC_FORM_WINDOW_SECONDS
    )
    return by_ip and by_token
