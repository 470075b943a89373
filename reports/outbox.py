"""What the reports app asks the outbox to deliver, and how (registered in `ready`): one email
per report and compliance officer, and the in-app notification beside it.

The email links to the report's page rather than attaching the PDF: the page is behind the
permission policy (someone who left the organisation, or whose role changed, no longer opens
it), the files stay in one place with their SHA-256 shown beside them, and a mail server
never carries the organisation's compliance state to wherever the email is forwarded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership, User
from accounts.permissions import SYSTEM
from audit.writer import audit_record
from notifications.kinds import REPORT_READY
from notifications.services import notify
from outbox.mail import MAIL_ERRORS, message_id
from outbox.registry import Handler, Superseded, register
from outbox.services import outbox_enqueue_many
from reports.audit_actions import ReportsAction
from reports.periods import period_containing, zone

if TYPE_CHECKING:
    from outbox.models import OutboxMessage
    from reports.models import Report

REPORT_EMAIL = "reports.email"


def report_path(report: Report) -> str:
    return reverse("reports:report-detail", args=[report.organization_id, report.pk])


def report_title(report: Report) -> str:
    period = period_containing(report.cadence, report.period_start, report.time_zone)
    scope = report.project.name if report.project else report.organization.name
    return f"{report.get_cadence_display()} audit report: {scope}, {period.label}"


def _officers(report: Report) -> list[User]:
    """The organisation's active compliance officers, by email."""
    return list(
        User.objects.filter(
            is_active=True,
            org_memberships__organization_id=report.organization_id,
            org_memberships__role=OrganizationMembership.Role.COMPLIANCE_OFFICER,
        ).order_by("email")
    )


def report_email_key(report: Report, recipient_id: object) -> str:
    return f"report-email:{report.pk}:{recipient_id}"


def report_announce(report: Report) -> int:
    """Ask for one email per compliance officer and tell them in the app; inside the
    transaction that made the report. Returns how many emails were asked for."""
    officers = _officers(report)
    if not officers:
        return 0
    notify(
        kind=REPORT_READY,
        recipients=officers,
        organization=report.organization,
        project=report.project,
        title=f"{report_title(report)} is ready",
        link=report_path(report),
        key_parts=[report.pk],
    )
    return outbox_enqueue_many(
        kind=REPORT_EMAIL,
        messages=[
            (
                report_email_key(report, person.pk),
                {"report_id": str(report.pk), "recipient_id": str(person.pk)},
            )
            for person in officers
        ],
    )


def send_report_email(message: OutboxMessage) -> None:
    """Mail the report's link to one compliance officer, unless they left or it is gone."""
    from reports.models import Report

    report = (
        Report.objects.select_related("organization", "project")
        .filter(pk=message.payload["report_id"])
        .first()
    )
    if report is None:
        raise Superseded  # deleted with its organisation
    recipient = User.objects.filter(
        pk=message.payload["recipient_id"],
        is_active=True,
        org_memberships__organization_id=report.organization_id,
    ).first()
    if recipient is None:
        raise Superseded  # the person left the organisation
    context = {
        "report": report,
        "recipient": recipient,
        "title": report_title(report),
        "url": f"{settings.SITE_URL}{report_path(report)}",
        "zone": report.time_zone,
    }
    with timezone.override(zone(recipient.time_zone)):
        body = render_to_string("reports/email/report_ready.txt", context)
    EmailMessage(
        subject=report_title(report)[:250],
        body=body,
        to=[recipient.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def report_email_delivered(message: OutboxMessage) -> None:
    """Put the email on the trail: who was sent which report."""
    from reports.models import Report

    report = (
        Report.objects.select_related("organization", "project")
        .filter(pk=message.payload["report_id"])
        .first()
    )
    if report is None:
        return
    audit_record(
        actor=SYSTEM,
        action=ReportsAction.REPORT_EMAILED,
        target=report,
        organization=report.organization,
        project=report.project,
        data={"recipient_id": message.payload["recipient_id"]},
    )


def register_handlers() -> None:
    register(
        REPORT_EMAIL,
        Handler(send=send_report_email, delivered=report_email_delivered, transient=MAIL_ERRORS),
    )
