"""Figure 3: the audit trail's CSV export, in rows per second, for a chain of `scale.batch`
events, and how much memory the export takes.

Charter is measured through `audit_trail_export(format="csv")`, the service behind
GET /compliance/audit/export.csv: the permission, the export's own audit event, the
server-side cursor over the chain in sequence order, the hashed fields of every event as
canonical JSON, the formula-neutralising CSV writer, the running digest and the signed
manifest. The ceiling is PostgreSQL's `COPY (the same query) TO STDOUT WITH CSV`, read on the
same connection by psycopg: the same rows, no hashing, no JSON, no signing. Rounds alternate
which side goes first. Memory: the growth of the process's peak RSS over the measured rounds
(resource.getrusage), and the peak of Python allocations (tracemalloc) during one export of
the whole chain, measured apart (tracemalloc slows everything down); both should stay flat
whatever the chain's length.
"""

from __future__ import annotations

import resource
import tracemalloc
from typing import Any

from django.db import connection, transaction
from psycopg import sql

from audit.models import AuditEvent
from audit.writer import audit_record
from bench.measure import Measurement, rate
from bench.scales import Scale
from bench.world import World
from compliance.services import audit_trail_export

CEILING = "PostgreSQL COPY (the same query) TO STDOUT WITH CSV, read by psycopg"
WRITE_CHUNK = 500  # events appended per transaction while building the chain


def _chain(world: World, count: int) -> None:
    """Grow the organisation's chain to at least `count` events, through the one writer."""
    organization = world.deployment.project.organization
    have = AuditEvent.objects.filter(chain=str(organization.pk)).count()
    for start in range(have, count, WRITE_CHUNK):
        with transaction.atomic():
            for n in range(start, min(count, start + WRITE_CHUNK)):
                audit_record(
                    actor=world.actor,
                    action="organization.renamed",
                    target=organization,
                    data={"name": {"old": f"Benchmark {n}", "new": f"Benchmark {n + 1}"}},
                )


def _charter(world: World) -> tuple[int, int]:
    """Rows and bytes of one CSV export of the whole chain."""
    organization = world.deployment.project.organization
    size = 0
    rows = -2  # the header and the manifest row
    for chunk in audit_trail_export(
        actor=world.actor, organization=organization, filters={}, format="csv"
    ):
        size += len(chunk.encode())
        rows += chunk.count("\r\n")
    return rows, size


def _copy(world: World) -> tuple[int, int]:
    """Rows and bytes of COPY of the same query: the chain's events in sequence order."""
    chain = str(world.deployment.project.organization.pk)
    table = sql.Identifier(AuditEvent._meta.db_table)
    statement = sql.SQL(
        "COPY (SELECT * FROM {table} WHERE organization_id = {org} ORDER BY sequence) "
        "TO STDOUT WITH CSV HEADER"
    ).format(table=table, org=sql.Literal(chain))
    size = 0
    lines = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for data in copy:
            size += len(data)
            lines += bytes(data).count(b"\n")
    return lines - 1, size


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _allocations_peak_kib(world: World) -> int:
    tracemalloc.start()
    try:
        _charter(world)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak // 1024


def run(world: World, scale: Scale) -> list[Measurement]:
    """Measure the CSV export against COPY of the same rows, in alternating rounds."""
    _chain(world, scale.batch)
    _charter(world)  # warm-up: code loaded, caches filled; not measured
    _copy(world)
    results: dict[str, list[float]] = {"charter": [], "copy": []}
    counted: dict[str, list[int]] = {"charter": [], "copy": []}
    sizes: dict[str, int] = {}
    rss_before = _peak_rss_kib()

    def measure(way: str) -> None:
        work = _charter if way == "charter" else _copy
        found: list[tuple[int, int]] = []
        rows = AuditEvent.objects.filter(chain=str(world.deployment.project.organization.pk))
        expected = rows.count() + (1 if way == "charter" else 0)  # the export's own event
        results[way].append(rate(expected, lambda: found.append(work(world))))
        counted[way].append(found[0][0])
        sizes[way] = found[0][1]
        if found[0][0] != expected:
            raise RuntimeError(f"{way} exported {found[0][0]} rows, {expected} expected")

    for round_number in range(scale.rounds):
        order = ["charter", "copy"] if round_number % 2 == 0 else ["copy", "charter"]
        for way in order:
            measure(way)
    rss_growth = _peak_rss_kib() - rss_before
    details: dict[str, Any] = {
        "events": counted["charter"][-1],
        "rounds": scale.rounds,
        "bytes": sizes,
        "peak_rss_growth_kib": rss_growth,
        "python_allocations_peak_kib": _allocations_peak_kib(world),
    }
    return [
        Measurement(
            name="audit trail CSV export",
            unit="rows/s",
            description="audit_trail_export(format='csv'), the service behind "
            "/compliance/audit/export.csv, streaming the whole chain with its signed manifest",
            charter_rounds=results["charter"],
            ceiling_rounds=results["copy"],
            ceiling=CEILING,
            details=details,
        )
    ]
