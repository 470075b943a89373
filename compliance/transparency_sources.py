"""Facts the transparency documents share, read from the record: the model version in use,
the EU AI Act checks of given articles, what the evaluations and bias checks found, the
human oversight in place and whom to ask. Each returns lines of text, ready for a document.

The Annex IV outline and the fact sheet both read these, so the two never tell a different
story about the same project."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import OrganizationMembership, ProjectMembership, User
from compliance.models import BiasAudit, ComplianceCheck
from compliance.selectors.checks import current_classification
from compliance.services.checks import EU_AI_ACT
from core.numbers import plain_number
from models_registry.models import BiasCheck, Deployment, ModelVersion
from models_registry.selectors import criteria_standing, deployment_list, model_version_list
from projects.models import Project

IN_SERVICE = (
    Deployment.Status.APPROVED,
    Deployment.Status.ROLLING_OUT,
    Deployment.Status.PAUSED,
    Deployment.Status.COMPLETED,
)
# The EU AI Act articles whose checks tell how people oversee the system.
OVERSIGHT_ARTICLES = ("Art. 14", "Art. 26")


def version_in_use(*, project: Project) -> ModelVersion | None:
    """The version a production deployment serves (the latest such deployment), else the
    project's latest version, else None."""
    deployed = (
        Deployment.objects.filter(
            project=project, environment=Deployment.Environment.PRODUCTION, status__in=IN_SERVICE
        )
        .select_related("model_version__base_model")
        .order_by("-created_at")
        .first()
    )
    if deployed is not None:
        return deployed.model_version
    return (
        model_version_list(project=project).select_related("base_model").order_by("-number").first()
    )


def version_label(version: ModelVersion) -> str:
    base = version.base_model
    model = (
        f"{base.provider} {base.name}{f' {base.version}' if base.version else ''}" if base else ""
    )
    return f"{version.name} (version {version.number}{f', from {model}' if model else ''})"


def eu_ai_act_checks(*, project: Project, articles: Iterable[str]) -> list[ComplianceCheck]:
    """The project's checks of these EU AI Act articles (and their paragraphs)."""
    refs = Q()
    for article in articles:
        refs |= Q(requirement__ref=article) | Q(requirement__ref__startswith=f"{article}(")
    return list(
        ComplianceCheck.objects.filter(project=project, requirement__framework__key=EU_AI_ACT)
        .filter(refs)
        .select_related("requirement")
        .order_by("requirement__order")
    )


def check_line(check: ComplianceCheck) -> str:
    line = f"{check.requirement.ref} {check.requirement.title}: {check.get_status_display()}"
    return f"{line} — {check.justification}" if check.justification else line


def criteria_lines(*, project: Project, version: ModelVersion | None) -> list[str]:
    """Each success criterion of the approved scope with the version's latest figure."""
    lines = []
    for entry in criteria_standing(project=project):
        c = entry.criterion
        target = f"{c.metric} {c.get_comparison_display()} {plain_number(c.target)} {c.unit}"
        mine = [p for p in entry.points if version is not None and p["version"].pk == version.pk]
        if not mine:
            lines.append(f"{target}: not evaluated")
            continue
        point = mine[-1]
        verdict = "pass" if point["passed"] else "fail"
        lines.append(f"{target}: {plain_number(point['value'])} ({verdict})")
    return lines


def bias_lines(*, project: Project) -> list[str]:
    """What the reviewed bias checks found, and the audits signed off."""
    checks = (
        BiasCheck.objects.filter(project=project)
        .exclude(outcome="")
        .select_related("model_version")
        .order_by("created_at")
    )
    lines = [
        f"{check.model_version.name}: {check.metric_name} by {check.slice_key}, "
        f"{check.flagged_count} slice(s) flagged; {check.get_outcome_display().lower()}"
        for check in checks
    ]
    audits = BiasAudit.objects.filter(project=project, status=BiasAudit.Status.SIGNED_OFF)
    lines += [
        f"Bias audit signed off on {audit.signed_off_at:%Y-%m-%d}: {audit.findings}"
        for audit in audits.order_by("signed_off_at")
    ]
    return lines


def oversight_lines(*, project: Project) -> list[str]:
    """How people oversee the system: the oversight checks, who approved each rollout plan
    and confirmed its stages, and who reviews it once in production."""
    lines = [check_line(c) for c in eu_ai_act_checks(project=project, articles=OVERSIGHT_ARTICLES)]
    lines += [
        f"Rollout plan “{deployment.name}” approved by {deployment.approved_by.display_name}; "
        f"each of its {len(deployment.stages.all())} stage(s) is entered only once a person "
        "confirms its exit criteria."
        for deployment in deployment_list(project=project).order_by("created_at")
        if deployment.approved_by is not None
    ]
    return lines


def contacts(*, project: Project) -> list[tuple[str, User]]:
    """(role, person): the project's owner and managers, then the compliance contact — who
    confirmed its classification, else the organisation's compliance officers."""
    people: list[tuple[str, User]] = [("Project manager", project.owner)]
    managers = (
        ProjectMembership.objects.filter(project=project, role=ProjectMembership.Role.MANAGER)
        .exclude(user_id=project.owner_id)
        .select_related("user")
        .order_by("user__email")
    )
    people += [("Project manager", m.user) for m in managers]
    classification = current_classification(project=project)
    if classification is not None and classification.confirmed_by is not None:
        people.append(("Compliance contact", classification.confirmed_by))
        return people
    officers = (
        OrganizationMembership.objects.filter(
            organization_id=project.organization_id,
            role=OrganizationMembership.Role.COMPLIANCE_OFFICER,
        )
        .select_related("user")
        .order_by("user__email")
    )
    people += [("Compliance contact", m.user) for m in officers]
    return people


def contact_lines(*, project: Project) -> list[str]:
    return [
        f"{role}: {person.display_name} <{person.email}>"
        for role, person in contacts(project=project)
    ]
