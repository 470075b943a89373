"""The compliance officer's workspace: where an organisation stands per framework, what is
late or due, evidence about to expire, projects by tier, progress over time, and everything
waiting for this person's review — each figure with the filters of the list behind it.

Every count goes through the policy (`visible`), so a figure never includes what its reader
could not open.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Rule, can, visible
from compliance.models import CheckReview, Classification, ComplianceCheck, Evidence
from compliance.selectors.checks import DONE, OPEN
from models_registry.models import DecisionRecord
from models_registry.selectors import clock, serious_clocks
from projects.models import GateRequest, Project, ScopeVersion

DUE_SOON_DAYS = 14
EXPIRING_DAYS = 30
PROGRESS_WEEKS = 12


def org_checks(*, user: User, organization: Organization) -> QuerySet[ComplianceCheck]:
    return visible(user, ComplianceCheck).filter(project__organization=organization)


def org_check_list(
    *, user: User, organization: Organization, filters: dict[str, Any] | None = None
) -> QuerySet[ComplianceCheck]:
    """The organisation's checks the user may see, with the workspace's filters: status
    (also "open", and "done": met or not applicable), framework, `due` ("overdue" or
    "soon"), project, tier."""
    checks = org_checks(user=user, organization=organization).select_related(
        "project", "requirement__framework", "owner"
    )
    filters = filters or {}
    today = timezone.localdate()
    if filters.get("status") == "open":
        checks = checks.filter(status__in=OPEN)
    elif filters.get("status") == "done":
        checks = checks.filter(status__in=DONE)
    elif filters.get("status"):
        checks = checks.filter(status=filters["status"])
    if filters.get("framework"):
        checks = checks.filter(requirement__framework__key=filters["framework"])
    if filters.get("due") == "overdue":
        checks = checks.filter(status__in=OPEN, due_date__lt=today)
    elif filters.get("due") == "soon":
        checks = checks.filter(
            status__in=OPEN, due_date__gte=today, due_date__lte=today + timedelta(DUE_SOON_DAYS)
        )
    if filters.get("project"):
        checks = checks.filter(project_id=filters["project"])
    if filters.get("tier"):
        checks = checks.filter(project__risk_tier=filters["tier"])
    return checks.order_by("due_date", "project__name", "requirement__order")


def checks_by_framework(*, user: User, organization: Organization) -> list[dict[str, Any]]:
    """Per framework followed: its checks the user may see, how many are met, the share met
    (one query; the workspace and the dashboard show it, linked to the checks list)."""
    checks = org_checks(user=user, organization=organization)
    return [
        {
            "key": row["requirement__framework__key"],
            "name": row["requirement__framework__name"],
            "total": row["total"],
            "done": row["done"],
            "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
        }
        for row in checks.values("requirement__framework__key", "requirement__framework__name")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE)))
        .order_by("requirement__framework__name")
    ]


def checks_due(*, user: User, organization: Organization, today: date) -> dict[str, int]:
    """Open checks past due and due within DUE_SOON_DAYS (one query), as the checks list's
    `due=overdue` and `due=soon` filters count them."""
    due = (
        org_checks(user=user, organization=organization)
        .filter(status__in=OPEN)
        .aggregate(
            overdue=Count("id", filter=Q(due_date__lt=today)),
            soon=Count(
                "id",
                filter=Q(due_date__gte=today, due_date__lte=today + timedelta(DUE_SOON_DAYS)),
            ),
        )
    )
    return {"overdue": due["overdue"], "due_soon": due["soon"]}


def overview(*, user: User, organization: Organization) -> dict[str, Any]:
    """The workspace's figures (a handful of aggregate queries)."""
    today = timezone.localdate()
    checks = org_checks(user=user, organization=organization)
    by_framework = checks_by_framework(user=user, organization=organization)
    by_status = dict(
        checks.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    due = checks_due(user=user, organization=organization, today=today)
    projects = visible(user, Project).filter(organization=organization)
    tiers = dict(
        projects.values_list("risk_tier").annotate(n=Count("id")).values_list("risk_tier", "n")
    )
    expiring = (
        visible(user, Evidence)
        .filter(
            project__organization=organization, expires_on__isnull=False, expired_at__isnull=True
        )
        .filter(expires_on__lte=today + timedelta(EXPIRING_DAYS))
        .select_related("project")
        .order_by("expires_on")
    )
    return {
        "by_framework": by_framework,
        "by_status": by_status,
        "total": sum(by_status.values()),
        "overdue": due["overdue"],
        "due_soon": due["due_soon"],
        "tiers": tiers,
        "expiring": list(expiring[:20]),
        "progress": progress_over_time(user=user, organization=organization, today=today),
    }


def progress_over_time(
    *, user: User, organization: Organization, today: date
) -> list[dict[str, Any]]:
    """Checks approved per week over the last weeks, and the running share of all checks
    they make: the chart of the workspace."""
    checks = org_checks(user=user, organization=organization)
    total = checks.count()
    start = today - timedelta(weeks=PROGRESS_WEEKS)
    approvals = (
        CheckReview.objects.filter(
            compliance_check__in=checks, verdict="approve", created_at__date__gte=start
        )
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("compliance_check", distinct=True))
        .order_by("week")
    )
    per_week = {row["week"].date(): row["n"] for row in approvals}
    done_before = checks.filter(status__in=DONE).count() - sum(per_week.values())
    weeks = []
    running = max(done_before, 0)
    monday = today - timedelta(days=today.weekday())
    for offset in range(PROGRESS_WEEKS - 1, -1, -1):
        week = monday - timedelta(weeks=offset)
        running += per_week.get(week, 0)
        weeks.append(
            {
                "week": week,
                "done": running,
                "percent": round(100 * running / total) if total else 0,
            }
        )
    return weeks


def waiting_for_review(*, user: User, organization: Organization) -> dict[str, list[Any]]:
    """Everything this person may decide now: scope versions to approve, gate and decision
    sign-offs, evidence to judge, classifications to confirm, checks to review."""
    projects = visible(user, Project).filter(organization=organization)
    versions = [
        v
        for v in ScopeVersion.objects.filter(
            document__project__in=projects, status=ScopeVersion.Status.IN_REVIEW
        ).select_related("document__project", "created_by")
        if can(user, Rule.SCOPE_VERSION_DECIDE, v)
    ]
    gate_requests = [
        g
        for g in GateRequest.objects.filter(project__in=projects, status="pending")
        .select_related("project", "requested_by")
        .prefetch_related("approvals")
        if can(user, Rule.GATE_SIGN_COMPLIANCE, g) or can(user, Rule.GATE_SIGN_MANAGER, g)
    ]
    decisions = [
        d
        for d in DecisionRecord.objects.filter(project__in=projects, status="pending")
        .select_related("project")
        .prefetch_related("approvals")
        if can(user, Rule.DECISION_SIGN_COMPLIANCE, d)
    ]
    classifications = [
        c
        for c in Classification.objects.filter(
            project__in=projects, status="proposed"
        ).select_related("project", "classified_by")
        if can(user, Rule.CLASSIFICATION_CONFIRM, c)
    ]
    checks = [
        c
        for c in ComplianceCheck.objects.filter(project__in=projects, status="in_review")
        .select_related("project", "requirement__framework")
        .prefetch_related("evidence")
        if can(user, Rule.CHECK_REVIEW, c)
    ]
    evidence = [
        e
        for e in Evidence.objects.filter(
            project__in=projects, status="pending", expired_at__isnull=True
        )
        .select_related("project")
        .exclude(owner=user)
        if _may_judge(user, e)
    ]
    return {
        "scope_versions": versions,
        "gate_requests": gate_requests,
        "decisions": decisions,
        "classifications": classifications,
        "checks": checks,
        "evidence": evidence,
    }


def _may_judge(user: User, evidence: Evidence) -> bool:
    """Whoever reviews checks on the project judges its evidence (never its owner)."""
    return can(user, Rule.EVIDENCE_JUDGE, evidence)


def serious_incident_clocks(*, user: User, organization: Organization) -> list[dict[str, Any]]:
    """The organisation's serious incidents still to be reported, each with its Art. 73
    countdown, soonest deadline first."""
    return [
        {"incident": incident, "clock": clock(incident)}
        for incident in serious_clocks(user=user, organization=organization)
    ]
