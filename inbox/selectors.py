"""“Waiting for me”: everything that needs the signed-in user's action, read from each app.

One small source per kind. Each reads its candidate rows in one query (plus a prefetch where
the rule reads related rows), scoped by the policy's `visible`, then lets the policy decide
per row with `can` (the same rule the action's service enforces), so the inbox never lists
something its reader would be refused. The user's project roles are loaded once for all the
rows (`remember_project_roles`), so the number of queries does not grow with the rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.cache.backends.base import BaseCache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, can, remember_project_roles, visible
from compliance.models import ComplianceCheck, Evidence
from core.models import SignOff
from core.ratecache import FallbackCache
from models_registry.models import Deployment, Incident, ModificationFlag
from projects.models import GateRequest, ScopeVersion
from projects.selectors import task_list_for_user
from stakeholders.models import FeedbackRound

# How far ahead a due date makes something "waiting" (the lead times).
FEEDBACK_ROUND_LEAD = timedelta(days=3)
CHECK_DUE_LEAD = timedelta(days=7)

# Every kind, in the order the page shows its groups, with its label.
KINDS: dict[str, str] = {
    "gate_signoff": "Gate sign-offs",
    "scope_review": "Scope versions to review",
    "evidence_judgement": "Evidence to judge",
    "check_review": "Compliance checks to review",
    "check_due": "Compliance checks due",
    "incident_report": "Serious incidents to report",
    "incident": "Incidents you own",
    "modification_assessment": "Modifications to assess",
    "rollout_approval": "Rollout plans to approve",
    "feedback_round_closing": "Feedback rounds closing",
    "task": "Tasks",
}

KIND_CHOICES: list[tuple[str, str]] = list(KINDS.items())


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the user: what, on which project, due or waiting since when."""

    kind: str
    title: str
    project_id: Any
    project_name: str
    url: str
    due: date | None = None
    since: datetime | None = None
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()

    def sort_key(self) -> tuple[date, str]:
        """Soonest due first; undated items by how long they have waited."""
        if self.due is not None:
            return self.due, self.title
        if self.since is not None:
            return timezone.localdate(self.since), self.title
        return date.max, self.title


@dataclass(frozen=True)
class InboxGroup:
    kind: str
    label: str
    items: list[InboxItem]

    @property
    def count(self) -> int:
        return len(self.items)


def _decided(
    user: User,
    rows: Sequence[Any],
    rule: Perm | Rule,
    project_of: Callable[[Any], Any] = lambda row: row.project_id,
) -> list[Any]:
    """The rows on which the policy lets `user` do `rule` (project roles loaded once)."""
    remember_project_roles(user, {project_of(row) for row in rows})
    return [row for row in rows if can(user, rule, row)]


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _item(kind: str, project: Any, title: str, url: str, **extra: Any) -> InboxItem:
    return InboxItem(
        kind=kind, title=title, project_id=project.pk, project_name=project.name, url=url, **extra
    )


# --- the sources ----------------------------------------------------------------------------


def scope_reviews(*, user: User) -> list[InboxItem]:
    """Scope versions in review that this user may approve or send back (not their own)."""
    versions = list(
        visible(user, ScopeVersion)
        .filter(status=ScopeVersion.Status.IN_REVIEW)
        .select_related("document__project__organization")
        .order_by("submitted_at")
    )
    return [
        _item(
            "scope_review",
            version.document.project,
            f"Scope version {version.number}",
            reverse("projects:scope-version", args=[version.document.project_id, version.pk]),
            since=version.submitted_at or version.created_at,
            detail=version.change_summary,
        )
        for version in _decided(
            user, versions, Rule.SCOPE_VERSION_DECIDE, lambda row: row.document.project_id
        )
    ]


GATE_CAPACITIES: tuple[tuple[str, Rule], ...] = (
    (SignOff.Capacity.MANAGER, Rule.GATE_SIGN_MANAGER),
    (SignOff.Capacity.COMPLIANCE, Rule.GATE_SIGN_COMPLIANCE),
)


def gate_signoffs(*, user: User) -> list[InboxItem]:
    """Pending gate requests with a sign-off still missing in a capacity this user may give
    (the policy decides: not the requester unless the organisation allows, never both)."""
    requests = list(
        visible(user, GateRequest)
        .filter(status=GateRequest.Status.PENDING)
        .select_related("project__organization")
        .prefetch_related("approvals")
        .order_by("created_at")
    )
    remember_project_roles(user, {request.project_id for request in requests})
    items = []
    for request in requests:
        signed = {approval.capacity for approval in request.approvals.all()}
        capacities = [
            SignOff.Capacity(capacity).label
            for capacity, rule in GATE_CAPACITIES
            if capacity not in signed and can(user, rule, request)
        ]
        if capacities:
            items.append(
                _item(
                    "gate_signoff",
                    request.project,
                    f"Gate {request.from_phase} → {request.to_phase}",
                    reverse("projects:gate", args=[request.project_id]),
                    since=request.created_at,
                    detail="Your sign-off as " + " or ".join(capacities).lower(),
                )
            )
    return items


def evidence_judgements(*, user: User) -> list[InboxItem]:
    """Evidence awaiting judgement that this user may judge (a reviewer or compliance
    officer who did not provide it)."""
    evidence = list(
        visible(user, Evidence)
        .filter(status=Evidence.Status.PENDING, expired_at__isnull=True)
        .select_related("project")
        .order_by("created_at")
    )
    return [
        _item(
            "evidence_judgement",
            piece.project,
            piece.title,
            reverse("compliance:evidence-detail", args=[piece.project_id, piece.pk]),
            since=piece.created_at,
            due=piece.expires_on,
        )
        for piece in _decided(user, evidence, Rule.EVIDENCE_JUDGE)
    ]


def _check_title(check: ComplianceCheck) -> str:
    return f"{check.requirement} {check.requirement.title}"


def check_reviews(*, user: User) -> list[InboxItem]:
    """Checks awaiting review whose reviewer is this user, or that have no reviewer yet and
    this user may review (not their owner nor an owner of their evidence)."""
    checks = list(
        visible(user, ComplianceCheck)
        .filter(status=ComplianceCheck.Status.IN_REVIEW)
        .filter(Q(reviewer=user) | Q(reviewer__isnull=True))
        .select_related("project", "requirement__framework")
        .prefetch_related("evidence")
        .order_by("updated_at")
    )
    return [
        _item(
            "check_review",
            check.project,
            _check_title(check),
            reverse("compliance:check-detail", args=[check.project_id, check.pk]),
            due=check.due_date,
            since=check.updated_at,
        )
        for check in _decided(user, checks, Rule.CHECK_REVIEW)
    ]


def checks_due(*, user: User) -> list[InboxItem]:
    """Open checks this user owns that are overdue or due within a week (those awaiting
    someone else's review wait for the reviewer instead)."""
    horizon = timezone.localdate() + CHECK_DUE_LEAD
    closed = [
        ComplianceCheck.Status.MET,
        ComplianceCheck.Status.NOT_APPLICABLE,
        ComplianceCheck.Status.IN_REVIEW,
    ]
    checks = (
        visible(user, ComplianceCheck)
        .filter(owner=user, due_date__lte=horizon)
        .exclude(status__in=closed)
        .select_related("project", "requirement__framework")
        .order_by("due_date")
    )
    return [
        _item(
            "check_due",
            check.project,
            _check_title(check),
            reverse("compliance:check-detail", args=[check.project_id, check.pk]),
            due=check.due_date,
            detail=check.get_status_display(),
        )
        for check in checks
    ]


def tasks(*, user: User) -> list[InboxItem]:
    """Open tasks assigned to this user (what "My work" lists)."""
    return [
        _item(
            "task",
            task.project,
            task.title,
            reverse("projects:project-tasks", args=[task.project_id]),
            due=task.due_date,
            since=task.created_at,
            detail=task.get_status_display(),
        )
        for task in task_list_for_user(user=user, mine=True)
    ]


def feedback_rounds_closing(*, user: User) -> list[InboxItem]:
    """Open feedback rounds of the projects this user is on, closing within three days
    (or past their end date and not yet closed), that this user may close."""
    horizon = timezone.now() + FEEDBACK_ROUND_LEAD
    rounds = list(
        visible(user, FeedbackRound)
        .filter(status=FeedbackRound.Status.OPEN, closes_at__lte=horizon)
        .filter(project__memberships__user=user)
        .select_related("project")
        .order_by("closes_at")
        .distinct()
    )
    return [
        _item(
            "feedback_round_closing",
            feedback_round.project,
            feedback_round.title,
            reverse(
                "stakeholders:feedback-round-detail",
                args=[feedback_round.project_id, feedback_round.pk],
            ),
            due=_local_date(feedback_round.closes_at),
        )
        for feedback_round in _decided(user, rounds, Rule.FEEDBACK_ROUND_CLOSE)
    ]


def modification_assessments(*, user: User) -> list[InboxItem]:
    """Possible substantial modifications awaiting assessment, for those who assess them
    (the project's compliance sign-off)."""
    flags = list(
        visible(user, ModificationFlag)
        .filter(status=ModificationFlag.Status.OPEN)
        .select_related("project")
        .order_by("created_at")
    )
    return [
        _item(
            "modification_assessment",
            flag.project,
            flag.summary,
            reverse("models_registry:operate", args=[flag.project_id]),
            since=flag.created_at,
            detail=flag.get_kind_display(),
        )
        for flag in _decided(user, flags, Perm.PROJECT_APPROVE_COMPLIANCE)
    ]


def rollout_approvals(*, user: User) -> list[InboxItem]:
    """Rollout plans awaiting approval that this user may approve (a manager who did not
    write the plan)."""
    deployments = list(
        visible(user, Deployment)
        .filter(status=Deployment.Status.PLANNED)
        .select_related("project")
        .order_by("created_at")
    )
    return [
        _item(
            "rollout_approval",
            deployment.project,
            deployment.name,
            reverse("models_registry:operate", args=[deployment.project_id]),
            since=deployment.created_at,
            detail=deployment.get_environment_display(),
        )
        for deployment in _decided(user, deployments, Rule.ROLLOUT_APPROVE)
    ]


def incidents_owned(*, user: User) -> list[InboxItem]:
    """Unresolved incidents this user owns."""
    incidents = (
        visible(user, Incident)
        .filter(owner=user)
        .exclude(status=Incident.Status.RESOLVED)
        .select_related("project")
        .order_by("occurred_at")
    )
    return [
        _item(
            "incident",
            incident.project,
            incident.title,
            reverse("models_registry:incident-detail", args=[incident.project_id, incident.pk]),
            since=incident.occurred_at,
            detail=f"{incident.get_severity_display()} · {incident.get_status_display()}",
        )
        for incident in incidents
    ]


def incident_reports_due(*, user: User) -> list[InboxItem]:
    """Serious incidents not yet reported to the authority, for those who make that call
    (the project's managers and compliance officers)."""
    incidents = list(
        visible(user, Incident)
        .exclude(serious_kind="")
        .filter(reported_at__isnull=True)
        .select_related("project")
        .order_by("report_due_at")
    )
    return [
        _item(
            "incident_report",
            incident.project,
            incident.title,
            reverse("models_registry:incident-detail", args=[incident.project_id, incident.pk]),
            due=_local_date(incident.report_due_at),
            since=incident.aware_at,
        )
        for incident in _decided(user, incidents, Rule.INCIDENT_SERIOUS)
    ]


SOURCES: dict[str, Callable[..., list[InboxItem]]] = {
    "gate_signoff": gate_signoffs,
    "scope_review": scope_reviews,
    "evidence_judgement": evidence_judgements,
    "check_review": check_reviews,
    "check_due": checks_due,
    "incident_report": incident_reports_due,
    "incident": incidents_owned,
    "modification_assessment": modification_assessments,
    "rollout_approval": rollout_approvals,
    "feedback_round_closing": feedback_rounds_closing,
    "task": tasks,
}


def inbox_for_user(*, user: User) -> list[InboxGroup]:
    """Every kind with what waits for `user`, each sorted by due date; empty kinds too."""
    groups = []
    for kind, source in SOURCES.items():
        items = sorted(source(user=user), key=InboxItem.sort_key)
        groups.append(InboxGroup(kind=kind, label=KINDS[kind], items=items))
    return groups


def inbox_total(groups: Iterable[InboxGroup]) -> int:
    """How many things wait, over every kind."""
    return sum(group.count for group in groups)


# --- the navigation's count ---------------------------------------------------------------------

# The nav asks on every page; the count is read again from the sources at most this often per
# person, or sooner when something it counts changed (inbox/receivers.py starts a new
# generation on every save of those models), or when they open the inbox itself. A page view
# then costs two cache reads, not a query per source. A cache that is down falls back to this
# process's memory (core/ratecache), so the nav keeps working, counted per process.
NAV_COUNT_SECONDS = 30
GENERATION_KEY = "inbox:nav-generation"
_nav_cache = cast(BaseCache, FallbackCache())


def _nav_key(user: User) -> str:
    generation = _nav_cache.get(GENERATION_KEY) or "0"
    return f"inbox:nav-count:{generation}:{user.pk}"


def inbox_counts_invalidate() -> None:
    """Forget every person's kept count: something the inbox counts has changed."""
    _nav_cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def inbox_count_remember(*, user: User, total: int) -> None:
    """Keep `total` as `user`'s count for the next NAV_COUNT_SECONDS (the inbox page does,
    having counted everything anyway)."""
    _nav_cache.set(_nav_key(user), total, NAV_COUNT_SECONDS)


def inbox_count_cached(*, user: User) -> int:
    """How many things wait for `user`: the count kept in this generation for the last
    NAV_COUNT_SECONDS, else counted afresh (and kept)."""
    key = _nav_key(user)
    cached = _nav_cache.get(key)
    if isinstance(cached, int):
        return cached
    total = inbox_total(inbox_for_user(user=user))
    _nav_cache.set(key, total, NAV_COUNT_SECONDS)
    return total
