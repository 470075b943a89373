"""Walk the hash chains and report the first broken link — and hold each chain to its latest
signed checkpoint, which a walk alone cannot: a chain truncated at its end, emptied, or
recomputed from an edited row on still links up, but no longer reaches the head a checkpoint
recorded (audit/checkpoints.py). The set of chains is held to the organisations plus the
system chain.

A chain is read in keyset pages (`chain = … AND sequence > last ORDER BY sequence LIMIT n`,
plain values, no model instances), so memory stays flat however long it is; a walk may resume
at the latest checkpoint (only what was added since is recomputed) and may stop at a deadline.
`verify_and_record` keeps each chain's outcome as an AuditVerification row.
"""

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Model

from audit.checkpoints import held_checkpoints, signature_ok
from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import SYSTEM_CHAIN, AuditCheckpoint, AuditEvent, AuditVerification
from audit.signals import chain_verification_failed

Status = AuditVerification.Status

# Every column the hash covers, read as plain values.
_FIELDS = tuple(field.attname for field in AuditEvent._meta.concrete_fields)


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    ok: bool
    broken_at: int | None = None  # sequence number of the first bad event
    event_id: str | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH
    checkpoint: int | None = None  # the sequence of the checkpoint it was held to
    status: str = Status.OK
    checked_up_to: int = 0  # the last sequence found good
    resumed_from: int | None = None  # the checkpoint the walk started at, if it resumed


def _against(checkpoint: AuditCheckpoint, count: int, hash_there: str | None) -> str:
    if not signature_ok(checkpoint):
        return f"checkpoint #{checkpoint.sequence} does not verify under the server's key"
    if count < checkpoint.sequence:
        return (
            f"the chain ends at #{count} but was signed at #{checkpoint.sequence} on "
            f"{checkpoint.taken_at:%Y-%m-%d %H:%M}: events were deleted from its end"
        )
    if hash_there != checkpoint.head_hash:
        return (
            f"event #{checkpoint.sequence} no longer has the hash signed on "
            f"{checkpoint.taken_at:%Y-%m-%d %H:%M}: the chain was rewritten"
        )
    return ""


def _pages(chain: str, after: int, batch_size: int) -> Iterable[list[dict[str, Any]]]:
    """The chain's events after sequence `after`, one page of plain values at a time."""
    while True:
        page = list(
            AuditEvent.objects.filter(chain=chain, sequence__gt=after)
            .order_by("sequence")
            .values(*_FIELDS)[:batch_size]
        )
        if not page:
            return
        yield page
        if len(page) < batch_size:
            return
        after = page[-1]["sequence"]
        del page  # one page in memory at a time: let it go before the next is read


def _hash_of(row: dict[str, Any]) -> str:
    # compute_hash reads attributes; a namespace of the row's values has them all.
    return compute_hash(cast(AuditEvent, SimpleNamespace(**row)))


def verify_chain(
    chain: str,
    *,
    batch_size: int = 2000,
    checkpoint: AuditCheckpoint | None = None,
    resume: bool = False,
    deadline: float | None = None,
) -> ChainReport:
    """Recompute every hash of one chain in sequence order; stop at the first mismatch; then
    compare with `checkpoint` if one is given.

    `resume`: trust the events up to `checkpoint` once the checkpoint's signature verifies
    and event #N still has the signed hash, and recompute only those after it (a full walk,
    the default, also finds an edit before the checkpoint). `deadline` (time.monotonic()):
    stop there, reporting the chain as timed out with the last sequence found good.
    """
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
    hash_there: str | None = None
    resumed_from: int | None = None
    if resume and checkpoint is not None and signature_ok(checkpoint):
        signed = (
            AuditEvent.objects.filter(chain=chain, sequence=checkpoint.sequence)
            .values_list("hash", flat=True)
            .first()
        )
        if signed == checkpoint.head_hash:
            resumed_from = checkpoint.sequence
            expected_prev = hash_there = signed
            count = checkpoint.sequence
            expected_sequence = checkpoint.sequence + 1
    held = checkpoint.sequence if checkpoint is not None else None
    for page in _pages(chain, expected_sequence - 1, batch_size):
        for row in page:
            count += 1
            reason = ""
            if row["sequence"] != expected_sequence:
                reason = f"sequence {row['sequence']} found where {expected_sequence} was expected"
            elif row["prev_hash"] != expected_prev:
                reason = "prev_hash does not match the previous event's hash"
            elif _hash_of(row) != row["hash"]:
                reason = "content does not match its hash (the row was altered)"
            if reason:
                return ChainReport(
                    chain,
                    count,
                    False,
                    row["sequence"],
                    str(row["id"]),
                    reason,
                    expected_prev,
                    status=Status.BROKEN,
                    checked_up_to=expected_sequence - 1,
                    resumed_from=resumed_from,
                )
            if checkpoint is not None and row["sequence"] == checkpoint.sequence:
                hash_there = row["hash"]
            expected_prev = row["hash"]
            expected_sequence += 1
        del page  # (see _pages)
        if deadline is not None and time.monotonic() > deadline:
            return ChainReport(
                chain,
                count,
                False,
                None,
                None,
                f"not verified in time: stopped after sequence {expected_sequence - 1}",
                expected_prev,
                held,
                Status.TIMED_OUT,
                expected_sequence - 1,
                resumed_from,
            )
    if checkpoint is not None:
        problem = _against(checkpoint, count, hash_there)
        if problem:
            return ChainReport(
                chain,
                count,
                False,
                min(count + 1, checkpoint.sequence),
                None,
                problem,
                expected_prev,
                held,
                Status.BROKEN,
                min(count, checkpoint.sequence - 1),
                resumed_from,
            )
    return ChainReport(
        chain,
        count,
        True,
        head_hash=expected_prev,
        checkpoint=held,
        checked_up_to=count,
        resumed_from=resumed_from,
    )


def organization_chains() -> set[str]:
    """The chain every organisation must have: it was created with an event in it
    (`organization.created`), so an organisation without events lost them. (The
    organisations are read through the events' foreign key: the audit sits below accounts.)"""
    organizations = cast("type[Model]", AuditEvent._meta.get_field("organization").related_model)
    return {str(pk) for pk in organizations._default_manager.values_list("pk", flat=True)}


def all_chains(checkpoints: dict[str, AuditCheckpoint] | None = None) -> list[str]:
    """Every chain that exists or must: the chains with events, every chain ever
    checkpointed in the database or the file copy (an emptied chain has no events left to be
    found by, but its checkpoint remembers it) and every organisation's."""
    found = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    found |= set(AuditCheckpoint.objects.order_by().values_list("chain", flat=True).distinct())
    found |= set(held_checkpoints() if checkpoints is None else checkpoints)
    found |= organization_chains()
    return sorted(found, key=lambda chain: (chain != SYSTEM_CHAIN, chain))


def _misplaced(report: ChainReport, organizations: set[str]) -> ChainReport:
    """The chain set must be exactly the organisations plus the system chain: an
    organisation's chain without events is missing, a chain of no organisation is foreign."""
    if not report.ok or report.chain == SYSTEM_CHAIN:
        return report
    if report.chain not in organizations:
        reason = (
            f"chain {report.chain} belongs to no organisation (its events were forged, or "
            "its organisation was deleted behind the trail's back)"
        )
    elif report.events == 0:
        reason = (
            f"organisation {report.chain} has no audit events: its chain is missing "
            "(an organisation is created with an event in its chain)"
        )
    else:
        return report
    return replace(
        report, ok=False, broken_at=1, reason=reason, status=Status.BROKEN, checked_up_to=0
    )


def _system_chain_started(checkpoints: dict[str, AuditCheckpoint]) -> bool:
    return SYSTEM_CHAIN in checkpoints or AuditEvent.objects.filter(chain=SYSTEM_CHAIN).exists()


def verify_chains(
    chains: Iterable[str] | None = None,
    *,
    resume: bool = False,
    time_limit: float | None = None,
    batch_size: int = 2000,
    catch_errors: bool = False,
) -> list[ChainReport]:
    """Verify the given chains, or every chain, each against its latest checkpoint; the
    set of chains is held to the organisations plus the system chain.

    `resume`: walk each chain from its latest checkpoint on (verify_chain). `time_limit`:
    seconds for the whole run; chains not finished by then are reported timed out.
    `catch_errors`: a chain whose verification raised is reported with status "error"
    instead of stopping the run."""
    deadline = time.monotonic() + time_limit if time_limit is not None else None
    checkpoints = held_checkpoints()
    organizations = organization_chains()
    reports = []
    for chain in chains if chains is not None else all_chains(checkpoints):
        if chains is None and chain == SYSTEM_CHAIN and not _system_chain_started(checkpoints):
            continue  # no system event yet, none signed: nothing to verify
        if deadline is not None and time.monotonic() > deadline:
            reports.append(
                ChainReport(
                    chain,
                    0,
                    False,
                    reason="not verified in time: not reached",
                    status=Status.TIMED_OUT,
                )
            )
            continue
        try:
            report = verify_chain(
                chain,
                batch_size=batch_size,
                checkpoint=checkpoints.get(chain),
                resume=resume,
                deadline=deadline,
            )
        except Exception as exc:  # recorded and reported, not lost in a traceback
            if not catch_errors:
                raise
            report = ChainReport(
                chain, 0, False, reason=f"{exc.__class__.__name__}: {exc}", status=Status.ERROR
            )
        reports.append(_misplaced(report, organizations))
    return reports


def verify_and_record(
    chains: Iterable[str] | None = None,
    *,
    resume: bool = False,
    time_limit: float | None = None,
    batch_size: int = 2000,
) -> tuple[uuid.UUID, list[ChainReport]]:
    """verify_chains, then one AuditVerification row per chain under one run id (what
    /healthz and the admin show)."""
    run = uuid.uuid4()
    reports = verify_chains(
        chains, resume=resume, time_limit=time_limit, batch_size=batch_size, catch_errors=True
    )
    # Recorded and announced together: the people told (notifications) and the record commit
    # as one.
    with transaction.atomic():
        AuditVerification.objects.bulk_create(
            [
                AuditVerification(
                    run=run,
                    chain=report.chain,
                    status=report.status,
                    checked_up_to=report.checked_up_to,
                    error=report.reason,
                )
                for report in reports
            ]
        )
        for report in reports:
            if report.status != Status.OK:
                chain_verification_failed.send(
                    sender=AuditVerification,
                    chain=report.chain,
                    status=str(report.status),
                    reason=report.reason,
                    broken_at=report.broken_at,
                    run=run,
                )
    return run, reports


def latest_verification() -> dict[str, object]:
    """The latest verification run, for /healthz (public: counts only, the chains and errors
    are in the admin): when, how many chains, how many broken, timed out or failed."""
    last = AuditVerification.objects.order_by("-at", "-id").values("run", "at").first()
    if last is None:
        return {"ok": None, "detail": "never verified"}
    counts = dict(
        AuditVerification.objects.filter(run=last["run"])
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    return {
        "ok": set(counts) <= {Status.OK},
        "at": last["at"].isoformat(),
        "chains": sum(counts.values()),
        **{status.value: counts.get(status.value, 0) for status in Status if status != Status.OK},
    }
