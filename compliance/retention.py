"""The record types an organisation sets a retention period for: each holds personal data,
says which of its records are older than a moment, and whether it is erased record by record
(its personal fields tombstoned) or subject by subject (the whole stakeholder erased) — both
through the erasure service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from compliance.models import RetentionRule
from compliance.services.erasure import ERASED_TEXT
from outbox.models import OutboxMessage
from stakeholders.models import Answer, ProductFeedback, Stakeholder

ERASED_DOMAIN = "@erased.invalid"
DONE = (
    OutboxMessage.Status.SENT,
    OutboxMessage.Status.SUPERSEDED,
    OutboxMessage.Status.DISCARDED,
)


@dataclass(frozen=True)
class RecordType:
    key: str
    label: str
    # The organisation's records of this type older than `cutoff` and not erased yet.
    past: Callable[[Organization, datetime], QuerySet[Any]]
    whole_subject: bool = False  # erase each as a subject (everything about them)


def _answers(organization: Organization, cutoff: datetime) -> QuerySet[Any]:
    return (
        Answer.objects.filter(
            response__invite__round__project__organization=organization,
            response__submitted_at__lt=cutoff,
        )
        .exclude(text="")
        .exclude(text=ERASED_TEXT)
    )


def _inactive_stakeholders(organization: Organization, cutoff: datetime) -> QuerySet[Any]:
    """Stakeholders nothing happened with since `cutoff`: not edited, linked, invited, nor
    answering."""
    recent = (
        Q(project_links__created_at__gte=cutoff)
        | Q(workshop_invitations__created_at__gte=cutoff)
        | Q(feedback_invites__created_at__gte=cutoff)
        | Q(feedback_invites__responded_at__gte=cutoff)
    )
    active = Stakeholder.objects.filter(recent).values("pk")
    return (
        Stakeholder.objects.filter(organization=organization, updated_at__lt=cutoff)
        .exclude(pk__in=active)
        .exclude(email__endswith=ERASED_DOMAIN)
    )


def _product_feedback(organization: Organization, cutoff: datetime) -> QuerySet[Any]:
    return (
        ProductFeedback.objects.filter(project__organization=organization, created_at__lt=cutoff)
        .exclude(comment="")
        .exclude(comment=ERASED_TEXT)
    )


def _outbox_emails(organization: Organization, cutoff: datetime) -> QuerySet[Any]:
    """Delivered (or given up) emails of the organisation that still name their recipient."""
    return (
        OutboxMessage.objects.filter(
            organization_id=organization.pk, created_at__lt=cutoff, status__in=DONE
        )
        .exclude(recipient="")
        .exclude(recipient__endswith=ERASED_DOMAIN)
        .exclude(recipient__startswith="http")  # a webhook's address names no person
    )


RECORD_TYPES: dict[str, RecordType] = {
    record.key: record
    for record in [
        RecordType("feedback_answers", "Free-text feedback answers", _answers),
        RecordType(
            "inactive_stakeholders",
            "Stakeholders without activity",
            _inactive_stakeholders,
            whole_subject=True,
        ),
        RecordType("product_feedback", "Product feedback comments", _product_feedback),
        RecordType("outbox_emails", "Sent emails (recipient addresses)", _outbox_emails),
    ]
}
RECORD_TYPE_CHOICES = [(record.key, record.label) for record in RECORD_TYPES.values()]


def retention_past(*, rule: RetentionRule, now: datetime | None = None) -> QuerySet[Any]:
    """The records of the rule's type older than its period and not erased yet."""
    cutoff = (now or timezone.now()) - timedelta(days=rule.days)
    return RECORD_TYPES[rule.record_type].past(rule.organization, cutoff)
