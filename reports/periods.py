"""Report periods: calendar weeks (Monday to Monday) and months, from local midnight to local
midnight in the organisation's reporting zone, as aware UTC instants.

A week across a daylight-saving change is 167 or 169 hours long, not 168: its bounds are
local midnights, converted one by one, never a start plus seven days of UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reports.models import Cadence


@dataclass(frozen=True)
class Period:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC, exclusive
    first_day: date  # local
    last_day: date  # local, inclusive

    @property
    def label(self) -> str:
        if self.first_day.day == 1 and (self.last_day + timedelta(days=1)).day == 1:
            return f"{self.first_day:%B %Y}"
        return f"{self.first_day:%d %b %Y} – {self.last_day:%d %b %Y}"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _first_day(cadence: str, day: date) -> date:
    if cadence == Cadence.WEEKLY:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_first_day(cadence: str, first: date) -> date:
    if cadence == Cadence.WEEKLY:
        return first + timedelta(days=7)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_of(cadence: str, day: date, time_zone: str) -> Period:
    """The week or month containing the local date `day`."""
    tz = zone(time_zone)
    first = _first_day(cadence, day)
    after = _next_first_day(cadence, first)
    return Period(
        start=_midnight(first, tz),
        end=_midnight(after, tz),
        first_day=first,
        last_day=after - timedelta(days=1),
    )


def period_containing(cadence: str, instant: datetime, time_zone: str) -> Period:
    """The period the instant falls in, in the zone's calendar."""
    return period_of(cadence, instant.astimezone(zone(time_zone)).date(), time_zone)


def last_ended(cadence: str, now: datetime, time_zone: str) -> Period:
    """The latest period that has ended by `now`: the one before the current one."""
    current = period_containing(cadence, now, time_zone)
    return period_of(cadence, current.first_day - timedelta(days=1), time_zone)


def ended_since(
    cadence: str, *, since: datetime, now: datetime, time_zone: str, limit: int
) -> Iterator[Period]:
    """The periods that ended after `since` and by `now`, newest first, at most `limit`: what
    the beat catches up on (the period in which a schedule was made counts)."""
    period = last_ended(cadence, now, time_zone)
    for _ in range(limit):
        if period.end <= since:
            return
        yield period
        period = period_of(cadence, period.first_day - timedelta(days=1), time_zone)
