"""Walk the hash chains and report the first broken link — and hold each chain to its latest
signed checkpoint, which a walk alone cannot: a chain truncated at its end, emptied, or
recomputed from an edited row on still links up, but no longer reaches the head a checkpoint
recorded (audit/checkpoints.py)."""

from collections.abc import Iterable
from dataclasses import dataclass

from audit.checkpoints import latest_checkpoints, signature_ok
from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import SYSTEM_CHAIN, AuditCheckpoint, AuditEvent


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


def verify_chain(
    chain: str, *, batch_size: int = 2000, checkpoint: AuditCheckpoint | None = None
) -> ChainReport:
    """Recompute every hash of one chain in sequence order; stop at the first mismatch; then
    compare with `checkpoint` if one is given."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
    hash_there: str | None = None
    events = AuditEvent.objects.filter(chain=chain).order_by("sequence")
    for event in events.iterator(chunk_size=batch_size):
        count += 1
        reason = ""
        if event.sequence != expected_sequence:
            reason = f"sequence {event.sequence} found where {expected_sequence} was expected"
        elif event.prev_hash != expected_prev:
            reason = "prev_hash does not match the previous event's hash"
        elif compute_hash(event) != event.hash:
            reason = "content does not match its hash (the row was altered)"
        if reason:
            return ChainReport(
                chain, count, False, event.sequence, str(event.id), reason, expected_prev
            )
        if checkpoint is not None and event.sequence == checkpoint.sequence:
            hash_there = event.hash
        expected_prev = event.hash
        expected_sequence += 1
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
                checkpoint.sequence,
            )
        return ChainReport(
            chain, count, True, head_hash=expected_prev, checkpoint=checkpoint.sequence
        )
    return ChainReport(chain, count, True, head_hash=expected_prev)


def all_chains() -> list[str]:
    """Every chain with events, and every chain ever checkpointed (an emptied chain has no
    events left to be found by, but its checkpoint remembers it)."""
    found = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    found |= set(AuditCheckpoint.objects.order_by().values_list("chain", flat=True).distinct())
    return sorted(found, key=lambda chain: (chain != SYSTEM_CHAIN, chain))


def verify_chains(chains: Iterable[str] | None = None) -> list[ChainReport]:
    """Verify the given chains, or every chain, each against its latest checkpoint."""
    checkpoints = latest_checkpoints()
    return [
        verify_chain(chain, checkpoint=checkpoints.get(chain))
        for chain in (chains if chains is not None else all_chains())
    ]
