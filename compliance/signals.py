"""What compliance announces to the apps above it (notifications, webhooks), which it never
imports. Receivers run inside the sending service's transaction."""

from django.dispatch import Signal

# Sent by audit_export_build once a queued audit trail export is written and ready: export=.
audit_export_ready = Signal()
