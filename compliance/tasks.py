"""Celery tasks of compliance: thin, idempotent wrappers over services."""

from celery import shared_task


@shared_task(acks_late=True)
def evidence_expire_due() -> int:
    """Expire evidence past its expiry date and send the met checks it proved back to review;
    expired evidence is skipped on a second run, so a re-delivered message does nothing."""
    from compliance.services import evidence_expire_due as service

    return service()


@shared_task(acks_late=True)
def retention_flag_due() -> int:
    """Flag, daily, the personal data past its organisation's retention period (a
    notification to its administrators and compliance officers); erases nothing. A second
    run on the same day tells nobody twice (the notification's key holds the day)."""
    from compliance.services.retention import retention_flag_due as service

    return service()


@shared_task(acks_late=True)
def audit_export_build(export_id: str) -> str | None:
    """Write one queued audit export to the report folder; returns its status. An export no
    longer queued (built already, or being built) is left alone, so a re-delivery is safe."""
    from uuid import UUID

    from compliance.services.audit_exports import audit_export_build as service

    export = service(export_id=UUID(export_id))
    return None if export is None else export.status


@shared_task(acks_late=True)
def audit_exports_sweep() -> int:
    """Build the exports still queued after a minute (their message was lost: the broker was
    down when they were requested); returns how many were started."""
    from datetime import timedelta

    from django.utils import timezone

    from compliance.models import AuditExport
    from compliance.services.audit_exports import audit_export_build as service

    stale = AuditExport.objects.filter(
        status=AuditExport.Status.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=1)
    ).values_list("pk", flat=True)
    started = 0
    for export_id in list(stale[:20]):
        started += service(export_id=export_id) is not None
    return started
