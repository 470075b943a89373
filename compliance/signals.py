"""What compliance announces to the apps above it (notifications, webhooks), which it never
imports. Receivers run inside the sending service's transaction."""

from django.dispatch import Signal

# Sent by audit_export_build once a queued audit trail export is written and ready: export=.
audit_export_ready = Signal()

# Sent by the daily retention job when an organisation holds records past their retention
# period: organization=, counts= (record type → how many), day= (ISO date, once a day).
retention_due = Signal()
