"""Figure 2: the reminder engine's fan-out, in reminders per second, for `scale.batch` due
reminders (open tasks due today, one reminder each).

Charter is measured through `reminders_send_due`, the service one worker runs for the beat
tick: the rule's query, the recipients, the INSERT … ON CONFLICT DO NOTHING of the reminder
rows, the read-back of which rows this run inserted, and one outbox message per reminder in
the same transaction. The ceiling is a plain bulk INSERT of the same reminder rows on the
same connection: no rule, no conflict handling, no outbox. Each round runs in a transaction
rolled back at its end (so the broker is never told about thousands of messages nobody will
deliver, and every round starts from the same tables); the commit is in neither side. Every
Charter round then runs the service a second time and counts the duplicates: reminders the
second run created plus rows beyond one per key. It must be 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bench.measure import Measurement, rate
from bench.scales import Scale
from bench.world import World
from projects.models import Task
from reminders.models import Reminder
from reminders.services import reminders_due, reminders_send_due

CEILING = "a plain bulk INSERT of the same reminder rows, same connection"
TITLE = "bench reminder task"


def _duplicates() -> int:
    over = (
        Reminder.objects.values("target_type", "target_id", "kind", "due_at", "recipient", "level")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return sum(row["n"] - 1 for row in over)


def _round(work: Callable[[], float]) -> float:
    """Run `work` in a transaction that is rolled back afterwards; return its rate."""
    with transaction.atomic():
        result = work()
        transaction.set_rollback(True)
    return result


def run(world: World, scale: Scale) -> list[Measurement]:
    """Measure the engine against a bulk INSERT, in interleaved rounds."""
    project = world.deployment.project
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(project=project, title=f"{TITLE} {n}", assignee=world.actor, due_date=today)
        for n in range(scale.batch)
    )
    now = timezone.now()
    duplicates: list[int] = []
    results: dict[str, list[float]] = {"charter": [], "ceiling": []}

    def charter() -> float:
        created: dict[str, int] = {}
        per_second = rate(scale.batch, lambda: created.update(reminders_send_due(now=now)))
        if created.get("task_due") != scale.batch:
            raise RuntimeError(f"{created.get('task_due')} reminders for {scale.batch} due")
        again = reminders_send_due(now=now)
        duplicates.append(sum(again.values()) + _duplicates())
        return per_second

    def ceiling() -> float:
        rows = reminders_due(now=now)  # the same rows, computed before the clock
        per_second = rate(len(rows), lambda: Reminder.objects.bulk_create(rows, batch_size=1000))
        if Reminder.objects.filter(kind="task_due").count() != scale.batch:
            raise RuntimeError("the bulk INSERT did not land every row")
        return per_second

    try:
        _round(charter)  # warm-up: code loaded, caches filled; not measured
        for round_number in range(scale.rounds):
            ways = [("charter", charter), ("ceiling", ceiling)]
            for name, work in ways[round_number % 2 :] + ways[: round_number % 2]:
                results[name].append(_round(work))
    finally:
        Task.objects.filter(project=project, title__startswith=TITLE).delete()
    details: dict[str, Any] = {
        "reminders": scale.batch,
        "rounds": scale.rounds,
        "duplicates": sum(duplicates),
    }
    if sum(duplicates):
        raise RuntimeError(f"{sum(duplicates)} duplicate reminders")
    return [
        Measurement(
            name="reminders fan-out",
            unit="reminders/s",
            description="reminders_send_due (the beat task's service) creating one reminder "
            "and its outbox email per due task; duplicates on a second run counted",
            charter_rounds=results["charter"],
            ceiling_rounds=results["ceiling"],
            ceiling=CEILING,
            details=details,
        )
    ]
