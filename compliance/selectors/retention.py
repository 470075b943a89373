"""Reads of the retention periods and of what outlived them, for the privacy keepers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import Organization
from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from compliance.models import RetentionRule
from compliance.retention import RECORD_TYPES, RecordType, retention_past


@dataclass(frozen=True)
class RetentionRow:
    record_type: RecordType
    rule: RetentionRule | None
    due: int  # records past the period, not erased yet (0 without a rule)


def retention_overview(*, user: Actor, organization: Organization) -> list[RetentionRow]:
    """Every record type with the organisation's rule, if any, and how many records outlived
    it: one query for the rules and one count per rule."""
    if not can(user, Perm.PRIVACY_MANAGE, organization):
        raise PermissionDenied
    rules = {
        rule.record_type: rule
        for rule in RetentionRule.objects.filter(organization=organization).select_related(
            "organization", "set_by"
        )
    }
    return [
        RetentionRow(
            record_type=record_type,
            rule=rules.get(key),
            due=retention_past(rule=rules[key]).count() if key in rules else 0,
        )
        for key, record_type in RECORD_TYPES.items()
    ]


def retention_rule_get_for_user(*, user: Actor, id: Any) -> RetentionRule:
    """One rule of the user's organisation (else 404), for its privacy keepers (else 403)."""
    return visible_object_get(
        user=user,
        model=RetentionRule,
        id=id,
        perm=Perm.PRIVACY_MANAGE,
        queryset=visible(user, RetentionRule).select_related("organization", "set_by"),
    )
