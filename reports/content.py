"""What a report says, read from the apps below: gate transitions, compliance per framework
and its change, what is overdue, risks opened and closed, incidents, and the audit chain's
verification with its latest signed checkpoint.

The reads are scoped by the report's organisation (and project), not by a person: a report is
the organisation's document, made by a job, and read only by those who see every project of
the organisation and its whole trail (administrators and compliance officers), so it never
shows anything its readers could not open. Every section is a bounded number of queries,
whatever the number of projects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from audit.checkpoints import latest_checkpoints
from audit.models import AuditCheckpoint, AuditEvent
from audit.verify import verify_chain
from compliance.models import CheckReview, ComplianceCheck
from compliance.selectors.checks import DONE, OPEN
from models_registry.models import Incident
from projects.audit_actions import ProjectsAction
from projects.models import GateRequest, PhaseChange, Project, Risk
from reports.periods import Period

LIST_LIMIT = 200  # rows per section in the files; the counts are always complete


@dataclass
class Row:
    section: str
    project: str
    reference: str
    title: str
    detail: str
    at: datetime | None = None


@dataclass
class FrameworkStatus:
    key: str
    name: str
    total: int
    done_at_start: int
    done_at_end: int
    approved_in_period: int
    rejected_in_period: int

    @property
    def change(self) -> int:
        return self.done_at_end - self.done_at_start

    def percent(self, done: int) -> int:
        return round(100 * done / self.total) if self.total else 0

    @property
    def percent_at_start(self) -> int:
        return self.percent(self.done_at_start)

    @property
    def percent_at_end(self) -> int:
        return self.percent(self.done_at_end)


@dataclass
class ChainStatus:
    ok: bool
    events: int
    reason: str
    head_hash: str
    checkpoint_sequence: int | None
    checkpoint_taken_at: datetime | None
    checkpoint_head_hash: str
    checkpoint_key_id: str
    checkpoint_signature: str


@dataclass
class ReportContent:
    organization: str
    project: str  # "" for the whole organisation
    period: Period
    generated_at: datetime
    gates: list[Row] = field(default_factory=list)
    frameworks: list[FrameworkStatus] = field(default_factory=list)
    overdue: list[Row] = field(default_factory=list)
    risks_opened: list[Row] = field(default_factory=list)
    risks_closed: list[Row] = field(default_factory=list)
    incidents_opened: list[Row] = field(default_factory=list)
    incidents_resolved: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    chain: ChainStatus | None = None

    def rows(self) -> list[Row]:
        return [
            *self.gates,
            *self.overdue,
            *self.risks_opened,
            *self.risks_closed,
            *self.incidents_opened,
            *self.incidents_resolved,
        ]

    def summary(self) -> dict[str, Any]:
        """The figures, JSON-ready, kept on the report row for the page and the API."""
        chain = self.chain
        return {
            "counts": self.counts,
            "frameworks": [asdict(f) | {"change": f.change} for f in self.frameworks],
            "audit_chain": {
                "ok": chain.ok if chain else None,
                "events": chain.events if chain else 0,
                "reason": chain.reason if chain else "",
                "checkpoint_sequence": chain.checkpoint_sequence if chain else None,
                "checkpoint_taken_at": (
                    chain.checkpoint_taken_at.isoformat()
                    if chain and chain.checkpoint_taken_at
                    else None
                ),
            },
        }


def _phase(value: str) -> str:
    try:
        return str(Project.Phase(value).label)
    except ValueError:
        return value


def _in(period: Period, name: str) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _scoped(
    rows: QuerySet[Any], organization: Organization, project: Project | None, path: str = "project"
) -> QuerySet[Any]:
    """`rows` of the report's project, or of every project of its organisation."""
    if project is not None:
        return rows.filter(**{path: project})
    return rows.filter(**{f"{path}__organization": organization})


def _gates(content: ReportContent, organization: Organization, project: Project | None) -> None:
    period = content.period
    changes = (
        _scoped(PhaseChange.objects.filter(_in(period, "created_at")), organization, project)
        .select_related("project")
        .order_by("created_at", "id")
    )
    content.counts["gate_transitions"] = changes.count()
    for change in changes[:LIST_LIMIT]:
        passed = change.direction == PhaseChange.Direction.FORWARD
        content.gates.append(
            Row(
                "gate",
                change.project.name,
                "passed" if passed else "moved back",
                f"{_phase(change.from_phase)} → {_phase(change.to_phase)}",
                "" if passed else change.reason[:300],
                change.created_at,
            )
        )
    rejected = (
        _scoped(
            GateRequest.objects.filter(
                _in(period, "decided_at"), status=GateRequest.Status.REJECTED
            ),
            organization,
            project,
        )
        .select_related("project")
        .order_by("decided_at", "id")
    )
    content.counts["gates_rejected"] = rejected.count()
    for request in rejected[:LIST_LIMIT]:
        content.gates.append(
            Row(
                "gate",
                request.project.name,
                "rejected",
                f"{_phase(request.from_phase)} → {_phase(request.to_phase)}",
                "",
                request.decided_at,
            )
        )


def _frameworks(
    content: ReportContent, organization: Organization, project: Project | None
) -> None:
    """Per framework: checks met (or not applicable) at the start and at the end of the
    period. The state at a past instant is today's minus the approvals given since, so a
    check approved and later reopened counts as done at the start: the approvals and
    rejections of the period are listed beside it for that reason."""
    period = content.period
    checks = _scoped(ComplianceCheck.objects.all(), organization, project)
    reviews = _scoped(CheckReview.objects.all(), organization, project, "compliance_check__project")
    by_framework = (
        checks.values("requirement__framework__key", "requirement__framework__name")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE)))
        .order_by("requirement__framework__name")
    )
    key = "compliance_check__requirement__framework__key"
    approvals = (
        reviews.values(key)
        .annotate(
            after_start=Count("id", filter=Q(verdict="approve", created_at__gte=period.start)),
            after_end=Count("id", filter=Q(verdict="approve", created_at__gte=period.end)),
            approved=Count("id", filter=Q(verdict="approve") & _in(period, "created_at")),
            rejected=Count("id", filter=Q(verdict="reject") & _in(period, "created_at")),
        )
        .order_by()
    )
    found = {row[key]: row for row in approvals}
    for row in by_framework:
        review = found.get(row["requirement__framework__key"], {})
        done_now = row["done"]
        content.frameworks.append(
            FrameworkStatus(
                key=row["requirement__framework__key"],
                name=row["requirement__framework__name"],
                total=row["total"],
                done_at_start=max(done_now - review.get("after_start", 0), 0),
                done_at_end=max(done_now - review.get("after_end", 0), 0),
                approved_in_period=review.get("approved", 0),
                rejected_in_period=review.get("rejected", 0),
            )
        )
    overdue = (
        checks.filter(status__in=OPEN, due_date__lte=period.last_day)
        .select_related("project", "requirement__framework")
        .order_by("due_date", "project__name", "requirement__ref")
    )
    content.counts["checks_overdue"] = overdue.count()
    for check in overdue[:LIST_LIMIT]:
        content.overdue.append(
            Row(
                "overdue check",
                check.project.name,
                f"{check.requirement.framework.name} {check.requirement.ref}",
                check.requirement.title,
                f"due {check.due_date:%Y-%m-%d}, {check.get_status_display()}",
            )
        )
    reviews_due = (
        _scoped(Risk.objects.exclude(status=Risk.Status.CLOSED), organization, project)
        .filter(review_date__lte=period.last_day)
        .select_related("project")
        .order_by("review_date", "project__name", "reference")
    )
    content.counts["risk_reviews_overdue"] = reviews_due.count()
    for risk in reviews_due[:LIST_LIMIT]:
        content.overdue.append(
            Row(
                "overdue risk review",
                risk.project.name,
                f"R-{risk.reference}",
                risk.title,
                f"review due {risk.review_date:%Y-%m-%d}",
            )
        )


def _risk_detail(risk: Risk) -> str:
    if risk.likelihood is None or risk.impact is None:
        return str(risk.get_category_display())
    return f"{risk.get_category_display()}, inherent score {risk.likelihood * risk.impact}"


def _risks(content: ReportContent, organization: Organization, project: Project | None) -> None:
    period = content.period
    opened = (
        _scoped(Risk.objects.filter(_in(period, "created_at")), organization, project)
        .select_related("project")
        .order_by("created_at", "reference")
    )
    content.counts["risks_opened"] = opened.count()
    for risk in opened[:LIST_LIMIT]:
        content.risks_opened.append(
            Row(
                "risk opened",
                risk.project.name,
                f"R-{risk.reference}",
                risk.title,
                _risk_detail(risk),
                risk.created_at,
            )
        )
    # A risk records no closing time: its closing is the audit event that set it closed.
    closings = AuditEvent.objects.filter(
        _in(period, "occurred_at"),
        organization=organization,
        action=ProjectsAction.RISK_UPDATED,
        target_type="projects.risk",
        data__status__new=Risk.Status.CLOSED,
    )
    if project is not None:
        closings = closings.filter(project=project)
    closed_at = dict(closings.order_by("occurred_at").values_list("target_id", "occurred_at"))
    closed = (
        Risk.objects.filter(pk__in=list(closed_at))
        .select_related("project")
        .order_by("project__name", "reference")
    )
    content.counts["risks_closed"] = len(closed_at)
    for risk in closed[:LIST_LIMIT]:
        content.risks_closed.append(
            Row(
                "risk closed",
                risk.project.name,
                f"R-{risk.reference}",
                risk.title,
                "",
                closed_at.get(str(risk.pk)),
            )
        )


def _incidents(content: ReportContent, organization: Organization, project: Project | None) -> None:
    period = content.period
    base = _scoped(Incident.objects.all(), organization, project).select_related("project")
    opened = base.filter(_in(period, "created_at")).order_by("created_at", "id")
    resolved = base.filter(_in(period, "resolved_at")).order_by("resolved_at", "id")
    content.counts["incidents_opened"] = opened.count()
    content.counts["incidents_resolved"] = resolved.count()
    content.counts["incidents_open"] = (
        base.exclude(resolved_at__isnull=False).filter(created_at__lt=period.end).count()
    )
    for incident in opened[:LIST_LIMIT]:
        content.incidents_opened.append(
            Row(
                "incident opened",
                incident.project.name,
                incident.get_severity_display(),
                incident.title,
                incident.get_status_display(),
                incident.created_at,
            )
        )
    for incident in resolved[:LIST_LIMIT]:
        content.incidents_resolved.append(
            Row(
                "incident resolved",
                incident.project.name,
                incident.get_severity_display(),
                incident.title,
                "",
                incident.resolved_at,
            )
        )


def _chain(content: ReportContent, organization: Organization) -> None:
    """The organisation's whole chain walked now, held to its latest signed checkpoint."""
    chain = str(organization.pk)
    checkpoint = latest_checkpoints(AuditCheckpoint.objects.filter(chain=chain)).get(chain)
    verdict = verify_chain(chain, checkpoint=checkpoint)
    content.chain = ChainStatus(
        ok=verdict.ok,
        events=verdict.events,
        reason=verdict.reason,
        head_hash=verdict.head_hash,
        checkpoint_sequence=checkpoint.sequence if checkpoint else None,
        checkpoint_taken_at=checkpoint.taken_at if checkpoint else None,
        checkpoint_head_hash=checkpoint.head_hash if checkpoint else "",
        checkpoint_key_id=checkpoint.key_id if checkpoint else "",
        checkpoint_signature=checkpoint.signature if checkpoint else "",
    )


def report_content(
    *, organization: Organization, project: Project | None, period: Period
) -> ReportContent:
    """Everything a report of this scope and period says, read now."""
    content = ReportContent(
        organization=organization.name,
        project=project.name if project else "",
        period=period,
        generated_at=timezone.now(),
    )
    _gates(content, organization, project)
    _frameworks(content, organization, project)
    _risks(content, organization, project)
    _incidents(content, organization, project)
    _chain(content, organization)
    return content
