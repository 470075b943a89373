"""The IANA time zone names Charter accepts, read once from the zone database."""

from functools import cache
from zoneinfo import available_timezones

UNKNOWN_TIME_ZONE = "Unknown time zone: use an IANA name such as Europe/Paris."


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """(name, name) pairs, sorted, for a select."""
    return [(name, name) for name in sorted(time_zone_names())]


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()
