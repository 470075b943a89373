"""Report periods are calendar weeks and months in the schedule's zone, bounded by local
midnights (so a week across a daylight-saving change is 167 or 169 hours)."""

import datetime as dt

from reports.periods import ended_since, last_ended, period_containing, period_of

UTC = dt.UTC


def test_a_week_runs_from_monday_midnight_local_to_the_next():
    period = period_of("weekly", dt.date(2026, 6, 10), "Europe/Paris")  # a Wednesday
    assert period.first_day == dt.date(2026, 6, 8)
    assert period.last_day == dt.date(2026, 6, 14)
    assert period.start == dt.datetime(2026, 6, 7, 22, 0, tzinfo=UTC)  # CEST is UTC+2
    assert period.end == dt.datetime(2026, 6, 14, 22, 0, tzinfo=UTC)


def test_a_month_runs_from_the_first_local_midnight_to_the_next():
    period = period_of("monthly", dt.date(2026, 2, 14), "America/New_York")
    assert (period.first_day, period.last_day) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period.start == dt.datetime(2026, 2, 1, 5, 0, tzinfo=UTC)  # EST is UTC-5
    assert period.end == dt.datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert period.label == "February 2026"
    december = period_of("monthly", dt.date(2026, 12, 31), "UTC")
    assert december.end == dt.datetime(2027, 1, 1, tzinfo=UTC)


def test_a_week_across_the_spring_change_is_167_hours_and_autumn_169():
    spring = period_of("weekly", dt.date(2026, 3, 29), "Europe/Paris")  # clocks go forward
    autumn = period_of("weekly", dt.date(2026, 10, 25), "Europe/Paris")  # and back
    assert spring.end - spring.start == dt.timedelta(hours=167)
    assert autumn.end - autumn.start == dt.timedelta(hours=169)
    assert spring.start == dt.datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET
    assert spring.end == dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST
    march = period_of("monthly", dt.date(2026, 3, 5), "Europe/Paris")
    assert march.end - march.start == dt.timedelta(days=31, hours=-1)


def test_the_local_date_decides_the_period_not_the_utc_one():
    # Sunday 23:30 UTC is already Monday in Paris: the new week has begun there
    instant = dt.datetime(2026, 6, 14, 23, 30, tzinfo=UTC)
    assert period_containing("weekly", instant, "Europe/Paris").first_day == dt.date(2026, 6, 15)
    assert period_containing("weekly", instant, "UTC").first_day == dt.date(2026, 6, 8)


def test_last_ended_is_the_period_before_the_current_one():
    now = dt.datetime(2026, 6, 1, 0, 30, tzinfo=UTC)  # 02:30 on 1 June in Paris
    assert last_ended("monthly", now, "Europe/Paris").first_day == dt.date(2026, 5, 1)
    # in Los Angeles it is still 31 May: April is the last month that ended
    assert last_ended("monthly", now, "America/Los_Angeles").first_day == dt.date(2026, 4, 1)


def test_ended_since_catches_up_newest_first_and_stops_at_the_schedules_creation():
    created = dt.datetime(2026, 5, 13, 12, 0, tzinfo=UTC)  # a Wednesday
    now = dt.datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
    weeks = list(ended_since("weekly", since=created, now=now, time_zone="UTC", limit=10))
    assert [w.first_day for w in weeks] == [
        dt.date(2026, 5, 25),
        dt.date(2026, 5, 18),
        dt.date(2026, 5, 11),  # the week it was made in counts
    ]
    capped = list(ended_since("weekly", since=created, now=now, time_zone="UTC", limit=2))
    assert len(capped) == 2
