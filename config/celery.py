"""The Celery application. Worker: `celery -A config worker`; beat: `celery -A config beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("charter", task_cls="core.tasks:ContextTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The default app of every thread: `celery.current_app` (core's /healthz) and `@shared_task`
# resolve to this one without importing config. Celery's Django fixup does the same only when
# no other app became the default first; say it outright.
app.set_default()

# Periodic jobs are defined in code, so every deployment runs the same schedule.
app.conf.beat_schedule = {
    "audit-verify-chains-daily": {
        "task": "audit.tasks.audit_verify_chains",
        "schedule": 60 * 60 * 24,
    },
    "audit-write-checkpoints-hourly": {
        "task": "audit.tasks.audit_write_checkpoints",
        "schedule": 60 * 60,
    },
    "audit-seal-row-changes-every-minute": {
        "task": "audit.tasks.audit_seal_row_changes",
        "schedule": 60,
    },
    "stakeholders-close-due-feedback-rounds-every-5-minutes": {
        "task": "stakeholders.tasks.feedback_rounds_close_due",
        "schedule": 300,
    },
    "outbox-sweep-every-minute": {
        "task": "outbox.tasks.outbox_sweep",
        "schedule": 60,
    },
    "accounts-expire-invitations-hourly": {
        "task": "accounts.tasks.invitations_expire",
        "schedule": 60 * 60,
    },
    # Each person's digest goes out in their own morning: from 07:00 in their time zone.
    "notifications-send-due-digests-every-15-minutes": {
        "task": "notifications.tasks.digest_send_due",
        "schedule": 15 * 60,
    },
    "reminders-send-due-every-5-minutes": {
        "task": "reminders.tasks.reminders_send_due",
        "schedule": 300,
    },
    # Reports of the weeks and months that ended (in each schedule's zone) and are missing.
    "reports-generate-due-hourly": {
        "task": "reports.tasks.reports_generate_due",
        "schedule": 60 * 60,
    },
    "compliance-expire-evidence-daily": {
        "task": "compliance.tasks.evidence_expire_due",
        "schedule": 60 * 60 * 24,
    },
    # Audit exports whose message was lost (the broker was down when they were queued).
    # Personal data past its retention period, flagged to who confirms its erasure.
    "compliance-flag-retention-due-daily": {
        "task": "compliance.tasks.retention_flag_due",
        "schedule": 60 * 60 * 24,
    },
    "compliance-sweep-audit-exports-every-5-minutes": {
        "task": "compliance.tasks.audit_exports_sweep",
        "schedule": 300,
    },
}
