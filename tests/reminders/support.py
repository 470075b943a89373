"""Objects with deadlines for the reminder tests, at fixed instants (no clock is read)."""

import datetime as dt
from typing import Any

from compliance.models import ComplianceCheck
from reminders.models import Reminder
from tests.compliance.checks_support import framework, requirement

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def check(project: Any, ref: str, *, due: dt.date, owner: Any = None, **fields: Any):
    req = requirement(framework("test-fw", "Test framework"), ref)
    return ComplianceCheck.objects.create(
        project=project, requirement=req, phase="scope", due_date=due, owner=owner, **fields
    )


def sent() -> set[tuple[str, str, str, int]]:
    """(kind, title, recipient's email, level) of every reminder."""
    return set(Reminder.objects.values_list("kind", "title", "recipient__email", "level"))
