"""Periodic verification of the audit trail."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def audit_verify_chains() -> dict[str, int]:
    """Verify every chain and record each outcome (AuditVerification: /healthz and the admin
    show the latest run); log an error for each broken, timed-out or failed one (alerting
    hooks on the log). The run stops at CHARTER_AUDIT_VERIFY_TIME_LIMIT seconds."""
    from django.conf import settings

    from audit.verify import verify_and_record

    _, reports = verify_and_record(
        time_limit=getattr(settings, "CHARTER_AUDIT_VERIFY_TIME_LIMIT", None)
    )
    for report in reports:
        if not report.ok:
            logger.error(
                "audit chain %s %s at sequence %s: %s",
                report.chain,
                report.status,
                report.broken_at,
                report.reason,
            )
    return {"chains": len(reports), "broken": sum(not r.ok for r in reports)}


@shared_task(acks_late=True)
def audit_seal_row_changes() -> int:
    """Fold captured row changes into the system chain; returns how many were sealed."""
    from audit.rowcapture import audit_seal_row_changes as service

    event = service()
    return event.data["count"] if event is not None else 0


@shared_task(acks_late=True)
def audit_write_checkpoints() -> int:
    """Sign every grown chain's head (hourly); returns how many checkpoints were written."""
    from audit.checkpoints import checkpoints_write

    return len(checkpoints_write())
