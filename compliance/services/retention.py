"""Retention periods per record type, and the erasure of what outlived its period once an
administrator or compliance officer confirms it (through the erasure service)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import RetentionRule
from compliance.retention import RECORD_TYPES, retention_past
from compliance.services.erasure import records_erase, subject_data_erase
from compliance.signals import retention_due

DAYS_POSITIVE = "A retention period is a whole number of days, at least 1."
UNKNOWN_TYPE = "Choose one of the record types listed."
CONFIRM = "Confirm the erasure: it cannot be undone."
NO_RULE = "Set a retention period for this record type first."


@transaction.atomic
def retention_rule_set(
    *, actor: User, organization: Organization, record_type: str, days: int
) -> RetentionRule:
    """Set (or change) how many days the organisation keeps one type of record."""
    require(actor, Perm.PRIVACY_MANAGE, organization)
    errors = {}
    if record_type not in RECORD_TYPES:
        errors["record_type"] = UNKNOWN_TYPE
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        errors["days"] = DAYS_POSITIVE
    if errors:
        raise ValidationError(errors)
    rule = (
        RetentionRule.objects.select_for_update()
        .filter(organization=organization, record_type=record_type)
        .first()
    )
    old = rule.days if rule else None
    if rule is None:
        rule = RetentionRule(organization=organization, record_type=record_type, set_by=actor)
    elif old == days:
        return rule
    rule.days, rule.set_by = days, actor
    rule.full_clean(validate_constraints=False)
    rule.save()
    audit_record(
        actor=actor,
        action=Action.RETENTION_RULE_SET,
        target=rule,
        organization=organization,
        data={"record_type": record_type, "old": old, "new": days},
    )
    return rule


@transaction.atomic
def retention_rule_remove(*, actor: User, rule: RetentionRule) -> None:
    """Stop limiting how long one type of record is kept."""
    require(actor, Perm.PRIVACY_MANAGE, rule)
    audit_record(
        actor=actor,
        action=Action.RETENTION_RULE_REMOVED,
        target=rule,
        organization=rule.organization,
        data={"record_type": rule.record_type, "days": rule.days},
    )
    rule.delete()


@transaction.atomic
def retention_erase(*, actor: User, rule: RetentionRule, confirm: bool) -> int:
    """Erase the records past the rule's period (confirmed); returns how many. A second run
    finds nothing left and records nothing."""
    require(actor, Perm.PRIVACY_MANAGE, rule)
    if not confirm:
        raise ValidationError({"confirm": CONFIRM})
    RetentionRule.objects.select_for_update().filter(pk=rule.pk).first()
    rows = list(retention_past(rule=rule))
    if not rows:
        return 0
    if RECORD_TYPES[rule.record_type].whole_subject:
        fields: dict[str, set[str]] = {}
        for subject in rows:
            erased = subject_data_erase(subject=subject, organization=rule.organization)
            for label, names in erased.items():
                fields.setdefault(label, set()).update(names)
        summary = {label: sorted(names) for label, names in sorted(fields.items())}
    else:
        summary = records_erase(rows)
    audit_record(
        actor=actor,
        action=Action.RETENTION_ERASED,
        target=rule,
        organization=rule.organization,
        data={
            "record_type": rule.record_type,
            "days": rule.days,
            "ids": sorted(str(row.pk) for row in rows),
            "fields": summary,
        },
    )
    return len(rows)


def retention_flag_due(*, now: Any = None) -> int:
    """The daily job: tell each organisation's administrators and compliance officers what
    outlived its retention period (a signal the notifications app answers, once per
    organisation and day). Returns the number of organisations told. Changes nothing."""
    told = 0
    rules = RetentionRule.objects.select_related("organization").order_by("organization_id")
    due: dict[Any, dict[str, int]] = {}
    organizations: dict[Any, Organization] = {}
    for rule in rules:
        count = retention_past(rule=rule, now=now).count()
        if count:
            due.setdefault(rule.organization_id, {})[rule.record_type] = count
            organizations[rule.organization_id] = rule.organization
    day = (now or timezone.now()).date().isoformat()
    for organization_id, counts in due.items():
        with transaction.atomic():  # the notifications commit with nothing else
            retention_due.send(
                sender=RetentionRule,
                organization=organizations[organization_id],
                counts=counts,
                day=day,
            )
        told += 1
    return told
