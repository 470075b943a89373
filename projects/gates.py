"""The Scope → Select criteria that the projects app owns.

Workshops (stakeholders) and compliance checks (compliance) register theirs from their apps.
"""

from django.db.models import Count, Q

from projects.lifecycle import gates
from projects.models import FeasibilityStudy, Project, Risk, ScopeVersion
from projects.models.risks import HIGH_RISK_SCORE, score_expression


@gates.register(
    "scope",
    "select",
    key="scope_document_approved",
    label="An approved scope document",
    section="scope",
    owner_app="projects",
    order=10,
)
def scope_document_approved(project: Project) -> tuple[bool, str]:
    approved = ScopeVersion.objects.filter(
        document__project=project, status=ScopeVersion.Status.APPROVED
    ).exists()
    return approved, "" if approved else "No scope document version has been approved yet."


@gates.register(
    "scope",
    "select",
    key="feasibility_go",
    label='A signed-off feasibility study with a "go" verdict',
    section="feasibility",
    owner_app="projects",
    order=30,
)
def feasibility_go(project: Project) -> tuple[bool, str]:
    go = FeasibilityStudy.objects.filter(
        project=project,
        verdict__in=[FeasibilityStudy.Verdict.GO, FeasibilityStudy.Verdict.GO_WITH_CONDITIONS],
        signed_off_at__isnull=False,
    ).exists()
    return go, "" if go else "No signed-off feasibility study concludes go."


@gates.register(
    "scope",
    "select",
    key="risks_scored",
    label="Risks identified, and every risk scored",
    section="risks",
    owner_app="projects",
    order=40,
)
def risks_scored(project: Project) -> tuple[bool, str]:
    counts = Risk.objects.filter(project=project).aggregate(
        total=Count("id"),
        unscored=Count(
            "id",
            filter=~Q(status=Risk.Status.CLOSED)
            & (Q(likelihood__isnull=True) | Q(impact__isnull=True)),
        ),
    )
    if counts["total"] == 0:
        return False, "The risk register is empty."
    if counts["unscored"]:
        return False, f"{counts['unscored']} risk(s) without likelihood and impact."
    return True, ""


@gates.register(
    "scope",
    "select",
    key="high_risks_mitigated",
    label="Every high risk has a mitigation plan and an owner",
    section="risks",
    owner_app="projects",
    order=50,
)
def high_risks_mitigated(project: Project) -> tuple[bool, str]:
    high = (
        Risk.objects.filter(project=project)
        .exclude(status=Risk.Status.CLOSED)
        # Not "score": Risk.score is a property, which an annotation must not shadow.
        .annotate(score_value=score_expression())
        .filter(score_value__gte=HIGH_RISK_SCORE)
    )
    missing = high.filter(Q(owner__isnull=True) | Q(mitigation_plan="")).count()
    if missing:
        return False, f"{missing} high risk(s) without a mitigation plan or an owner."
    return True, ""
