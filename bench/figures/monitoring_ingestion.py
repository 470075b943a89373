"""Figure 1: monitoring ingestion, in points per second, for one batch of points.

Charter is measured twice on the same rows: through `monitoring_ingest` (the service the
API calls: permission, lock, validation of every point, the batch row, `bulk_create`, the
audit event, the threshold check) and through the HTTP API with a personal token
(authentication, throttling, JSON parsing, the request serializer, the service, the
answer). The ceiling is PostgreSQL's `COPY … FROM STDIN` of the same rows into the same
table on the same connection: no validation, no audit, no ORM. Rounds are interleaved
(service, COPY, API, then the order rotated); each measurement's rows are checked and
deleted before the next, and every one posts under a fresh batch id, in a window of time of
its own.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from psycopg import sql

from bench.measure import Measurement, rate
from bench.scales import Scale
from bench.world import World
from models_registry.models import Deployment, MonitoringBatch, MonitoringPoint
from models_registry.services import monitoring_ingest

METRICS = 10  # a production system reports a handful of metrics, each once a second
WARM_UP_POINTS = 100
CEILING = "PostgreSQL COPY of the same rows into the same table, same connection"


def _series(count: int, end: datetime) -> list[tuple[str, datetime, float]]:
    """`count` points over METRICS metrics, one a second per metric, ending at `end`."""
    return [
        (f"metric_{n % METRICS}", end - timedelta(seconds=n // METRICS), round(n * 0.37 % 997, 3))
        for n in range(count)
    ]


def _check_and_clean(deployment: Deployment, expected: int) -> None:
    """The round wrote exactly its rows; remove them so the next round starts from the same
    table (batch rows stay: each round has its own batch id). Outside a transaction (not
    under pytest), VACUUM clears the dead rows too, so no round pays for an earlier one's."""
    landed = MonitoringPoint.objects.filter(deployment=deployment).count()
    if landed != expected:
        raise RuntimeError(f"{landed} points in the table after a round of {expected}")
    MonitoringPoint.objects.filter(deployment=deployment).delete()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            table = sql.Identifier(MonitoringPoint._meta.db_table)
            cursor.execute(sql.SQL("VACUUM (ANALYZE) {}").format(table))


def _service(world: World, rows: list[tuple[str, datetime, float]], batch_id: str) -> None:
    points = [{"metric": m, "at": at, "value": v} for m, at, v in rows]
    _, created, _ = monitoring_ingest(
        actor=world.actor, deployment=world.deployment, batch_id=batch_id, points=points
    )
    if not created:
        raise RuntimeError(f"batch {batch_id} was not new")


def _copy(world: World, rows: list[tuple[str, datetime, float]], batch_id: str) -> float:
    """Points per second of COPY; the batch row it points at is written before the clock."""
    batch = MonitoringBatch.objects.create(
        deployment=world.deployment, batch_id=batch_id, points=len(rows), posted_by=world.actor
    )
    meta = MonitoringPoint._meta
    column = {field.name: str(field.column) for field in meta.concrete_fields}
    names = ("deployment", "batch", "metric", "at", "value")  # the order of write_row below
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(column[name]) for name in names),
    )
    deployment_id, batch_pk = world.deployment.pk, batch.pk

    def work() -> None:
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(statement) as copy:
            for metric, at, value in rows:
                copy.write_row((deployment_id, batch_pk, metric, at, value))

    return rate(len(rows), work)


def _api(world: World, rows: list[tuple[str, datetime, float]], batch_id: str) -> float:
    deployment = world.deployment
    url = f"/api/v1/projects/{deployment.project_id}/operate/deployments/{deployment.pk}/points/"
    body = json.dumps(
        {
            "batch_id": batch_id,
            "points": [{"metric": m, "at": at.isoformat(), "value": v} for m, at, v in rows],
        }
    )
    # A host the settings allow ("testserver", the test client's default, is not one in
    # production settings); a leading dot allows the domain itself too.
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    client = Client(headers={"authorization": f"Bearer {world.token}", "host": host})
    answers: list[int] = []

    def work() -> None:
        answers.append(
            client.post(url, body, content_type="application/json", secure=True).status_code
        )

    points_per_second = rate(len(rows), work)
    if answers != [201]:
        raise RuntimeError(f"the API answered {answers} to batch {batch_id}")
    return points_per_second


def run(world: World, scale: Scale) -> list[Measurement]:
    """Measure the service and the API against COPY, in interleaved rounds."""
    end = timezone.now() - timedelta(minutes=1)
    span = timedelta(seconds=scale.batch // METRICS + 1)
    # Every measurement gets its own window of time, earlier than the last: the same rows
    # shifted, so no insert meets the index entries of a deleted row with the same key.
    windows = (end - span * n for n in itertools.count())
    results: dict[str, list[float]] = {"service": [], "copy": [], "api": []}
    ways: dict[str, Callable[[list[tuple[str, datetime, float]], str], float]] = {
        "service": lambda batch, batch_id: rate(
            len(batch), lambda: _service(world, batch, batch_id)
        ),
        "copy": lambda batch, batch_id: _copy(world, batch, batch_id),
        "api": lambda batch, batch_id: _api(world, batch, batch_id),
    }
    order = list(ways)
    run_id = timezone.now().strftime("%Y%m%dT%H%M%S")
    for way in order:  # first calls load code and fill caches: not measured
        ways[way](_series(WARM_UP_POINTS, next(windows)), f"bench-{run_id}-warm-{way}")
        _check_and_clean(world.deployment, WARM_UP_POINTS)
    for round_number in range(scale.rounds):
        shift = round_number % len(order)
        for way in order[shift:] + order[:shift]:
            rows = _series(scale.batch, next(windows))
            results[way].append(ways[way](rows, f"bench-{run_id}-{round_number}-{way}"))
            _check_and_clean(world.deployment, scale.batch)
    details: dict[str, Any] = {"batch": scale.batch, "metrics": METRICS, "rounds": scale.rounds}
    return [
        Measurement(
            name="monitoring ingestion, service",
            unit="points/s",
            description="monitoring_ingest (the service behind POST …/points/) on one batch",
            charter_rounds=results["service"],
            ceiling_rounds=results["copy"],
            ceiling=CEILING,
            details=details,
        ),
        Measurement(
            name="monitoring ingestion, HTTP API",
            unit="points/s",
            description="POST /api/v1/…/deployments/{id}/points/ with a personal token "
            "(Django's test client, in process)",
            charter_rounds=results["api"],
            ceiling_rounds=results["copy"],
            ceiling=CEILING,
            details=details,
        ),
    ]
