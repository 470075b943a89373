"""What falls due, rule by rule: each rule is one query over one domain model.

A rule is given the range of deadlines that can have a reminder falling due in the current
window (`lo` ≤ deadline ≤ `hi`, computed by the service from the rule's lead times and the
escalation delays) and returns a `Due` per object still open whose deadline lies in it. The
service turns each `Due` into reminder instants and recipients. A date (a task's due date, a
check's due date) is due at the end of that day, UTC: its deadline is the next midnight UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Exists, Model, OuterRef, Q

from compliance.models import ComplianceCheck, Evidence
from core.models import SignOff
from models_registry.models import Incident, Vendor
from projects.models import GateApproval, GateRequest, Risk, Task
from stakeholders.models import FeedbackRound, Workshop

# Groups of recipients the service resolves in bulk (one query each, whatever the count).
MANAGERS = "managers"  # the project's owner and its managers
COMPLIANCE = "compliance"  # the organisation's compliance officers


@dataclass(frozen=True)
class Due:
    """One object with a deadline, and who is reminded of it before escalation."""

    target_type: str
    target_id: str
    title: str
    organization_id: UUID
    project_id: UUID | None
    deadline: datetime
    owners: tuple[UUID, ...] = ()
    groups: frozenset[str] = frozenset()
    excluded: tuple[UUID, ...] = field(default=())  # never reminded (a gate's requester)


@dataclass(frozen=True)
class Rule:
    """`fetch(lo=, hi=, now=)` yields what is open with a deadline in [lo, hi]; `escalates`: an
    object still open after its deadline goes to the managers, then the compliance
    officers."""

    fetch: Callable[..., Iterator[Due]]
    escalates: bool


def end_of_day(day: date | None) -> datetime:
    """The deadline of a due date: the midnight UTC that ends it."""
    if day is None:  # the rules' queries only select rows that have one
        raise ValueError("a due date is needed")
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _days(lo: datetime, hi: datetime) -> tuple[date, date]:
    """The due dates whose deadline (the end of the day) lies in [lo, hi], with a day's
    margin each side; the service keeps only the exact instants."""
    return lo.date() - timedelta(days=1), hi.date()


def _label(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def _owner_or_project_owner(owner_id: Any, project_owner_id: UUID) -> tuple[UUID, ...]:
    return (owner_id or project_owner_id,)


def workshops(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Scheduled workshops: their facilitator, else the project's owner."""
    rows = Workshop.objects.filter(
        status=Workshop.Status.SCHEDULED, starts_at__range=(lo, hi)
    ).values_list(
        "pk", "title", "starts_at", "facilitator_id", "project_id", "project__owner_id",
        "project__organization_id",
    )  # fmt: skip
    for pk, title, starts_at, facilitator, project, owner, org in rows:
        yield Due(
            _label(Workshop), str(pk), title, org, project, starts_at,
            owners=_owner_or_project_owner(facilitator, owner),
        )  # fmt: skip


def feedback_rounds(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Open feedback rounds about to close (and just closed): whoever created them."""
    # The closing job may have closed a round a moment before its "at close" reminder.
    closing = Q(status=FeedbackRound.Status.OPEN) | Q(
        status=FeedbackRound.Status.CLOSED, closes_at__lte=now
    )
    rows = FeedbackRound.objects.filter(closing, closes_at__range=(lo, hi)).values_list(
        "pk", "title", "closes_at", "created_by_id", "project_id", "project__organization_id"
    )
    for pk, title, closes_at, creator, project, org in rows:
        yield Due(_label(FeedbackRound), str(pk), title, org, project, closes_at, owners=(creator,))


def compliance_checks(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Checks not yet met nor ruled not applicable: their owner, else the project's owner."""
    rows = (
        ComplianceCheck.objects.exclude(
            status__in=[ComplianceCheck.Status.MET, ComplianceCheck.Status.NOT_APPLICABLE]
        )
        .filter(due_date__range=_days(lo, hi))
        .values_list(
            "pk", "requirement__ref", "requirement__title", "due_date", "owner_id",
            "project_id", "project__owner_id", "project__organization_id",
        )
    )  # fmt: skip
    for pk, ref, title, due_date, owner, project, project_owner, org in rows:
        yield Due(
            _label(ComplianceCheck), str(pk), f"{ref} {title}"[:300], org, project,
            end_of_day(due_date), owners=_owner_or_project_owner(owner, project_owner),
        )  # fmt: skip


def risk_reviews(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Risks not closed whose review date comes: their owner, else the project's owner."""
    rows = (
        Risk.objects.exclude(status=Risk.Status.CLOSED)
        .filter(review_date__range=_days(lo, hi))
        .values_list(
            "pk", "title", "review_date", "owner_id", "project_id", "project__owner_id",
            "project__organization_id",
        )
    )  # fmt: skip
    for pk, title, review_date, owner, project, project_owner, org in rows:
        yield Due(
            _label(Risk), str(pk), title, org, project, end_of_day(review_date),
            owners=_owner_or_project_owner(owner, project_owner),
        )  # fmt: skip


def gate_signoffs(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Pending gate requests: the capacities that have not signed yet (the project's managers,
    the compliance officers), never the requester. The deadline is the request itself."""
    signed = GateApproval.objects.filter(request=OuterRef("pk"))
    rows = (
        GateRequest.objects.filter(status=GateRequest.Status.PENDING, created_at__range=(lo, hi))
        .annotate(
            manager_signed=Exists(signed.filter(capacity=SignOff.Capacity.MANAGER)),
            compliance_signed=Exists(signed.filter(capacity=SignOff.Capacity.COMPLIANCE)),
        )
        .values_list(
            "pk", "from_phase", "to_phase", "created_at", "requested_by_id", "project_id",
            "project__name", "project__organization_id", "manager_signed", "compliance_signed",
        )
    )  # fmt: skip
    for row in rows:
        pk, from_phase, to_phase, created_at, requester, project, name, org, manager, officer = row
        groups = frozenset({MANAGERS} if not manager else set()) | frozenset(
            {COMPLIANCE} if not officer else set()
        )
        yield Due(
            _label(GateRequest), str(pk), f"{name}: gate {from_phase} → {to_phase}", org,
            project, created_at, groups=groups, excluded=(requester,),
        )  # fmt: skip


def evidence_expiry(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Accepted evidence about to expire: its owner."""
    rows = Evidence.objects.filter(
        status=Evidence.Status.ACCEPTED, expires_on__range=_days(lo, hi)
    ).values_list("pk", "title", "expires_on", "owner_id", "project_id", "project__organization_id")
    for pk, title, expires_on, owner, project, org in rows:
        yield Due(_label(Evidence), str(pk), title, org, project, end_of_day(expires_on), (owner,))


def tasks(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Open tasks: their assignee, else the project's owner."""
    rows = Task.objects.filter(
        status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS], due_date__range=_days(lo, hi)
    ).values_list(
        "pk", "title", "due_date", "assignee_id", "project_id", "project__owner_id",
        "project__organization_id",
    )  # fmt: skip
    for pk, title, due_date, assignee, project, project_owner, org in rows:
        yield Due(
            _label(Task), str(pk), title, org, project, end_of_day(due_date),
            owners=_owner_or_project_owner(assignee, project_owner),
        )  # fmt: skip


def vendor_reviews(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Vendors due for review: the organisation's compliance officers."""
    rows = Vendor.objects.filter(next_review_on__range=_days(lo, hi)).values_list(
        "pk", "name", "next_review_on", "organization_id"
    )
    for pk, name, next_review_on, org in rows:
        yield Due(
            _label(Vendor), str(pk), name, org, None, end_of_day(next_review_on),
            groups=frozenset({COMPLIANCE}),
        )  # fmt: skip


def serious_incidents(*, lo: datetime, hi: datetime, now: datetime) -> Iterator[Due]:
    """Serious incidents not yet reported to the authority: their owner, else the project's
    owner, before the legal deadline; escalated when it passes."""
    rows = Incident.objects.filter(
        reported_at__isnull=True, report_due_at__range=(lo, hi)
    ).values_list(
        "pk", "title", "report_due_at", "owner_id", "project_id", "project__owner_id",
        "project__organization_id",
    )  # fmt: skip
    for pk, title, report_due_at, owner, project, project_owner, org in rows:
        yield Due(
            _label(Incident), str(pk), title, org, project, report_due_at or now,
            owners=_owner_or_project_owner(owner, project_owner),
        )  # fmt: skip


# The kinds, in the order they run; each kind's lead times are in CHARTER_REMINDER_LEADS.
RULES: dict[str, Rule] = {
    "workshop": Rule(workshops, escalates=False),
    "feedback_round_close": Rule(feedback_rounds, escalates=False),
    "compliance_check": Rule(compliance_checks, escalates=True),
    "risk_review": Rule(risk_reviews, escalates=True),
    "gate_signoff": Rule(gate_signoffs, escalates=False),
    "evidence_expiry": Rule(evidence_expiry, escalates=False),
    "task_due": Rule(tasks, escalates=True),
    "vendor_review": Rule(vendor_reviews, escalates=False),
    "serious_incident": Rule(serious_incidents, escalates=True),
}
