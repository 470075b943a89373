"""Walk the hash chains and report the first broken link."""

from collections.abc import Iterable
from dataclasses import dataclass

from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    ok: bool
    broken_at: int | None = None  # sequence number of the first bad event
    event_id: str | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH


def verify_chain(chain: str, *, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash of one chain in sequence order; stop at the first mismatch."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
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
        expected_prev = event.hash
        expected_sequence += 1
    return ChainReport(chain, count, True, head_hash=expected_prev)


def all_chains() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())


def verify_chains(chains: Iterable[str] | None = None) -> list[ChainReport]:
    """Verify the given chains, or every chain in the table."""
    return [verify_chain(chain) for chain in (chains if chains is not None else all_chains())]
