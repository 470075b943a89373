"""Figure 4: verifying the audit trail, in events per second, over a chain of `scale.batch`
events.

Charter is measured through `verify_chain`, what `manage.py verify_audit_chain` and the daily
task run for each chain: keyset pages of the chain's rows as plain values, each event's hashed
fields rebuilt, their RFC 8785 form, its SHA-256 compared and linked to the one before. The
ceiling is `hashlib.sha256` over the same canonical bytes, computed beforehand outside the
clock: hashing alone, no database, no JSON. Goal (the performance issue): 0.3.
"""

from __future__ import annotations

import hashlib

from audit.hashing import canonical_bytes, event_fields
from audit.models import AuditEvent
from audit.verify import verify_chain
from bench.figures.audit_export import _chain
from bench.measure import Measurement, rate
from bench.scales import Scale
from bench.world import World

CEILING = "hashlib.sha256 over the same canonical bytes, precomputed"
GOAL = 0.3


def run(world: World, scale: Scale) -> list[Measurement]:
    _chain(world, scale.batch)
    chain = str(world.deployment.project.organization.pk)
    events = list(AuditEvent.objects.filter(chain=chain).order_by("sequence"))
    payloads = [canonical_bytes(event_fields(e), e.hash_format) for e in events]
    count = len(events)

    def charter() -> float:
        report = None

        def walk() -> None:
            nonlocal report
            report = verify_chain(chain)

        per_second = rate(count, walk)
        if report is None or not report.ok or report.events != count:
            raise RuntimeError(f"the chain did not verify whole: {report}")
        return per_second

    def ceiling() -> float:
        def hash_all() -> None:
            for payload in payloads:
                hashlib.sha256(payload).hexdigest()

        return rate(count, hash_all)

    charter()  # warm-up: code loaded, caches filled; not measured
    results: dict[str, list[float]] = {"charter": [], "ceiling": []}
    for round_number in range(scale.rounds):
        ways = [("charter", charter), ("ceiling", ceiling)]
        for name, work in ways[round_number % 2 :] + ways[: round_number % 2]:
            results[name].append(work())
    return [
        Measurement(
            name="audit chain verification",
            unit="events/s",
            description="verify_chain over one organisation's chain: keyset pages, every hash "
            "recomputed in its RFC 8785 form and linked",
            charter_rounds=results["charter"],
            ceiling_rounds=results["ceiling"],
            ceiling=CEILING,
            goal=GOAL,
            details={"events": count, "rounds": scale.rounds},
        )
    ]
