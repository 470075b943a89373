"""DRF throttles that key on the client's real address (core/clientip.py) and keep counting
when the shared cache is down (core/ratecache.py)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import BaseCache
from rest_framework import throttling

from core.clientip import client_address
from core.ratecache import rate_cache


class _CharterThrottle:
    cache: BaseCache = rate_cache

    def get_ident(self, request: Any) -> str:
        # DRF's own rule trusts a whole client-sent X-Forwarded-For unless NUM_PROXIES is set;
        # one rule for the whole product instead.
        return client_address(request) or "unknown"


class AnonRateThrottle(_CharterThrottle, throttling.AnonRateThrottle):
    """DRF's per-address limit for anonymous requests."""


class UserRateThrottle(_CharterThrottle, throttling.UserRateThrottle):
    """DRF's per-user limit (per address for anonymous requests)."""


class SimpleRateThrottle(_CharterThrottle, throttling.SimpleRateThrottle):
    """Base for an app's own throttle (per key, per link)."""
