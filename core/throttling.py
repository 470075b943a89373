"""DRF throttles that keep counting when the shared cache is down (see core/ratecache.py)."""

from __future__ import annotations

from rest_framework import throttling

from core.ratecache import rate_cache


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's per-address limit for anonymous requests, counted in the fallback cache."""

    cache = rate_cache


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user limit, counted in the fallback cache."""

    cache = rate_cache


class SimpleRateThrottle(throttling.SimpleRateThrottle):
    """Base for an app's own throttle (per key, per link), counted in the fallback cache."""

    cache = rate_cache
