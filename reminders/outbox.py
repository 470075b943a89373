"""What the reminders app asks the outbox to deliver, and how (registered in `ready`): one
email per reminder, its times in the recipient's own time zone, the zone named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.permissions import SYSTEM
from audit.writer import audit_record
from outbox.mail import MAIL_ERRORS, message_id
from outbox.models import OutboxMessage
from outbox.registry import Handler, Superseded, register
from outbox.services import outbox_enqueue_many
from reminders.audit_actions import RemindersAction
from reminders.models import Reminder

REMINDER = "reminders.reminder"

# What each kind of reminder is about, as the email's subject names it.
SUBJECTS: dict[str, str] = {
    "workshop": "Workshop coming up",
    "feedback_round_close": "Feedback round closing",
    "compliance_check": "Compliance check due",
    "risk_review": "Risk review due",
    "gate_signoff": "Gate sign-off waiting",
    "evidence_expiry": "Evidence expiring",
    "task_due": "Task due",
    "vendor_review": "Vendor review due",
    "serious_incident": "Serious incident report due",
}


def reminder_key(reminder: Reminder) -> str:
    return f"reminder:{reminder.pk}"


def reminders_enqueue(
    reminders: Sequence[Reminder], *, emails: Mapping[UUID, str] | None = None
) -> int:
    """Ask for one email per new reminder; inside the transaction that inserted them.
    `emails`: the recipients' addresses, if the caller read them already."""
    if not reminders:
        return 0
    if emails is None:
        emails = dict(
            User.objects.filter(pk__in={r.recipient_id for r in reminders}).values_list(
                "pk", "email"
            )
        )
    return outbox_enqueue_many(
        kind=REMINDER,
        messages=[(reminder_key(r), {"reminder_id": str(r.pk)}) for r in reminders],
        owners={
            reminder_key(r): (r.organization_id, emails.get(r.recipient_id, "")) for r in reminders
        },
    )


WHEN_TEXT = {"before": "Coming up.", "due": "Due now.", "overdue": "Overdue."}


def reminder_subject(reminder: Reminder) -> str:
    """What the email's subject and the notification's title say."""
    prefix = "Escalated: " if reminder.level else ""
    return f"{prefix}{SUBJECTS.get(reminder.kind, 'Reminder')}: {reminder.title}"


def reminder_when(reminder: Reminder) -> str:
    """before, due (at the deadline) or overdue."""
    if reminder.level > Reminder.Level.OWNER or reminder.due_at > reminder.deadline:
        return "overdue"
    return "before" if reminder.due_at < reminder.deadline else "due"


def send_reminder(message: OutboxMessage) -> None:
    """Mail the reminder to its recipient, the deadline shown in their zone."""
    reminder = (
        Reminder.objects.select_related("recipient", "project", "organization")
        .filter(pk=message.payload["reminder_id"])
        .first()
    )
    if reminder is None or not reminder.recipient.is_active:
        raise Superseded  # deleted with its organisation, or the person left
    zone = reminder.recipient.time_zone or "UTC"
    context = {
        "reminder": reminder,
        "subject": SUBJECTS.get(reminder.kind, "Reminder"),
        "when": reminder_when(reminder),
        "zone": zone,
        "escalated": reminder.level > Reminder.Level.OWNER,
        "site_url": settings.SITE_URL,
    }
    with timezone.override(ZoneInfo(zone)):  # the `date` filter renders in the active zone
        body = render_to_string("reminders/email/reminder.txt", context)
    EmailMessage(
        subject=reminder_subject(reminder)[:250],
        body=body,
        to=[reminder.recipient.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def reminder_delivered(message: OutboxMessage) -> None:
    """Note when the reminder went out, and put it on the trail."""
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("project", "organization")
        .filter(pk=message.payload["reminder_id"])
        .first()
    )
    if reminder is None:
        return
    if reminder.sent_at is None:
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at", "updated_at"])
    audit_record(
        actor=SYSTEM,
        action=RemindersAction.REMINDER_SENT,
        target=reminder,
        organization=reminder.organization,
        project=reminder.project,
        data={
            "kind": reminder.kind,
            "level": reminder.level,
            "about": f"{reminder.target_type}:{reminder.target_id}",
            "recipient_id": str(reminder.recipient_id),
        },
    )


def register_handlers() -> None:
    register(
        REMINDER,
        Handler(send=send_reminder, delivered=reminder_delivered, transient=MAIL_ERRORS),
    )
