"""Bias audits: scheduled (with a due date, perhaps recurring) or ad hoc; conducted by
reading what the project's bias checks found — frozen into the audit — with findings and
actions; signed off by a compliance officer who did not conduct it."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Rule, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import BiasAudit
from models_registry.selectors import bias_check_list
from projects.models import Project

Status = BiasAudit.Status
DUE_IN_PAST = "Schedule it for today or later."
NEEDS_FINDINGS = "Say what the audit found."
NOT_PLANNED = "Only a planned audit is conducted (this one is {status})."
NOT_CONDUCTED = "Only a conducted audit is signed off (this one is {status})."


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _snapshot(project: Project) -> list[dict[str, Any]]:
    """The project's bias checks as they stand: what the audit reviewed."""
    return [
        {
            "id": str(check.pk),
            "version": check.model_version.name,
            "metric": check.metric_name,
            "slice_key": check.slice_key,
            "method": check.method,
            "threshold": str(check.threshold),
            "flagged": check.flagged_count,
            "flagged_slices": [row["slice"] for row in check.results if row.get("flagged")],
            "outcome": check.outcome,
        }
        for check in bias_check_list(project=project).order_by("created_at")
    ]


def _may_run(actor: User, project: Project) -> None:
    """Managers and compliance officers schedule and conduct audits."""
    require(actor, Rule.CLASSIFY, project)


@transaction.atomic
def bias_audit_schedule(
    *, actor: User, project: Project, due_on: date, recurrence_months: int | None = None
) -> BiasAudit:
    _may_run(actor, project)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": DUE_IN_PAST})
    audit = BiasAudit(
        project=project,
        kind=BiasAudit.Kind.SCHEDULED,
        due_on=due_on,
        recurrence_months=recurrence_months,
        scheduled_by=actor,
    )
    audit.full_clean()
    audit.save()
    audit_record(
        actor=actor,
        action=Action.BIAS_AUDIT_SCHEDULED,
        target=audit,
        project=project,
        data={"due_on": due_on.isoformat(), "recurrence_months": recurrence_months},
    )
    return audit


@transaction.atomic
def bias_audit_conduct(
    *,
    actor: User,
    project: Project,
    findings: str,
    actions: str = "",
    audit: BiasAudit | None = None,
) -> BiasAudit:
    """Conduct a planned audit, or (without one) an ad-hoc audit, freezing the bias checks
    it reviewed."""
    _may_run(actor, project)
    if not findings.strip():
        raise ValidationError({"findings": NEEDS_FINDINGS})
    if audit is None:
        audit = BiasAudit(project=project, kind=BiasAudit.Kind.AD_HOC, scheduled_by=actor)
    else:
        audit = BiasAudit.objects.select_for_update().get(pk=audit.pk)
        if audit.status != Status.PLANNED:
            raise ValidationError(NOT_PLANNED.format(status=audit.get_status_display().lower()))
    audit.reviewed_checks = _snapshot(project)
    audit.findings, audit.actions = findings.strip(), actions.strip()
    audit.status = Status.CONDUCTED
    audit.conducted_by, audit.conducted_at = actor, timezone.now()
    audit.full_clean()
    audit.save()
    audit_record(
        actor=actor,
        action=Action.BIAS_AUDIT_CONDUCTED,
        target=audit,
        project=project,
        data={"kind": audit.kind, "checks": [c["id"] for c in audit.reviewed_checks]},
    )
    return audit


@transaction.atomic
def bias_audit_sign_off(*, actor: User, audit: BiasAudit, comment: str = "") -> BiasAudit:
    """The compliance officer's sign-off; a recurring audit schedules its successor."""
    locked = BiasAudit.objects.select_for_update().select_related("project").get(pk=audit.pk)
    require(actor, Rule.BIAS_AUDIT_SIGN_OFF, locked)
    if locked.status != Status.CONDUCTED:
        raise ValidationError(NOT_CONDUCTED.format(status=locked.get_status_display().lower()))
    locked.status = Status.SIGNED_OFF
    locked.signed_off_by, locked.signed_off_at = actor, timezone.now()
    locked.sign_off_comment = comment.strip()
    locked.full_clean()
    locked.save()
    following = None
    if locked.recurrence_months:
        start = max(locked.due_on or timezone.localdate(), timezone.localdate())
        following = BiasAudit.objects.create(
            project=locked.project,
            kind=BiasAudit.Kind.SCHEDULED,
            due_on=add_months(start, locked.recurrence_months),
            recurrence_months=locked.recurrence_months,
            scheduled_by=actor,
        )
    audit_record(
        actor=actor,
        action=Action.BIAS_AUDIT_SIGNED_OFF,
        target=locked,
        project=locked.project,
        data={"next": None if following is None else str(following.pk)},
    )
    return locked


__all__ = ["add_months", "bias_audit_conduct", "bias_audit_schedule", "bias_audit_sign_off"]
