"""The technical documentation of EU AI Act Annex IV, outlined in its nine points and filled
from the project's record; what the record lacks is shown as "Not recorded: …" with the page
where it is recorded.

One function per point, each returning a `Section`, so a point grows (more sources, finer
facts) without touching the others; `annex_iv` gathers the nine. The caller has already
checked that the reader may see the project.
"""

from __future__ import annotations

from collections.abc import Callable

from compliance.documents import Section, SectionBuilder
from compliance.models import BiasAudit, ComplianceCheck, Evidence
from compliance.selectors.checks import classification_history, current_classification
from compliance.transparency_sources import (
    bias_lines,
    check_line,
    criteria_lines,
    eu_ai_act_checks,
    oversight_lines,
    version_in_use,
    version_label,
)
from core.numbers import plain_number
from models_registry.models import (
    DecisionRecord,
    FineTuneRun,
    Incident,
    ModificationFlag,
    MonitoringThreshold,
)
from models_registry.selectors import (
    dataset_list,
    decision_list,
    deployment_list,
    evaluation_list,
    model_version_list,
    post_market_plan_get,
)
from projects.models import PhaseChange, Project, Risk
from projects.selectors import approved_scope_version

ADAPT = "models_registry:adapt"
OPERATE = "models_registry:operate"
COMPLIANCE = "compliance:project-compliance"


def _approved_decision(project: Project) -> DecisionRecord | None:
    return (
        decision_list(project=project)
        .filter(status=DecisionRecord.Status.APPROVED)
        .order_by("-number")
        .first()
    )


def general_description(project: Project) -> Section:
    """Point 1: intended purpose, provider, version, how it interacts, the forms it takes."""
    s = SectionBuilder(project)
    s.fact_or_need(
        "Intended purpose",
        [project.intended_purpose],
        "the intended purpose of the system",
        "projects:project-edit",
    )
    s.fact("Problem it solves", project.problem_statement)
    s.fact_or_need(
        "Intended users", [project.end_users], "who the system's users are", "projects:project-edit"
    )
    s.fact("Business goals", project.business_goals)
    s.fact("Organisation", project.organization.name)
    classification = current_classification(project=project)
    if classification is None:
        s.need("a confirmed EU AI Act classification (tier and role)", "compliance:classify")
    else:
        s.fact(
            "EU AI Act classification",
            f"{classification.tier_label}; the organisation is the system's "
            f"{classification.get_role_display().lower()}",
            *classification.reasons,
        )
    decision = _approved_decision(project)
    if decision is None:
        s.need("an approved model decision record", "models_registry:selection")
    else:
        s.fact("Selected model", f"{decision.chosen_label} (decision {decision.number})")
    version = version_in_use(project=project)
    if version is None:
        s.need("a model version", ADAPT)
    else:
        s.fact("Model version in use", version_label(version))
    s.fact("Lifecycle phase", project.get_phase_display())
    return s.build("general", "General description of the AI system", "Annex IV point 1")


def development(project: Project) -> Section:
    """Point 2: the elements of the system and its development — design choices, the data
    (datasheets) and the training methods."""
    s = SectionBuilder(project)
    decision = _approved_decision(project)
    if decision is not None:
        rejected = [
            f"Rejected: {item.get('label', '')} — {item.get('reason', '')}"
            for item in decision.rejected_alternatives
            if isinstance(item, dict)
        ]
        s.fact(
            "Design choice (model decision)",
            f"{decision.chosen_label}: {decision.get_build_or_buy_display()}, "
            f"{decision.get_open_or_closed_display()}",
            decision.rationale,
            *rejected,
        )
    else:
        s.need("the model decision and its rationale", "models_registry:selection")
    versions = list(model_version_list(project=project).order_by("number"))
    s.fact_or_need(
        "Model versions",
        [
            f"{version_label(v)}: {v.get_adaptation_display()}"
            + (f" — {v.description}" if v.description else "")
            for v in versions
        ],
        "the model versions and their lineage",
        ADAPT,
    )
    s.fact_or_need(
        "Datasets (datasheets)",
        [
            f"{d.name}: source {d.source}"
            + (f" ({d.reference})" if d.reference else "")
            + f"; licence {d.licence}; "
            + (
                f"personal data (lawful basis {d.get_lawful_basis_display() or 'not given'}"
                f"{f', retention {d.retention}' if d.retention else ''})"
                if d.personal_data
                else "no personal data"
            )
            + (f" — {d.description}" if d.description else "")
            for d in dataset_list(project=project).order_by("name")
        ],
        "the datasets used, with their source, licence and personal data",
        ADAPT,
    )
    runs = (
        FineTuneRun.objects.filter(project=project)
        .select_related("base_version", "dataset", "result_version")
        .order_by("created_at")
    )
    s.fact(
        "Training methodology (fine-tuning runs)",
        *[
            f"{run.name}: {run.get_method_display()} from {run.base_version.name} on "
            f"“{run.dataset.name}”"
            + (
                f" ({', '.join(f'{k}={v}' for k, v in run.hyperparameters.items())})"
                if run.hyperparameters
                else ""
            )
            + f"; {run.get_status_display().lower()}"
            for run in runs
        ],
    )
    return s.build(
        "development", "Elements of the system and its development process", "Annex IV point 2"
    )


def monitoring_and_control(project: Project) -> Section:
    """Point 3: how the system is monitored, functions and is controlled, and the human
    oversight measures (Art. 14)."""
    s = SectionBuilder(project)
    deployments = list(deployment_list(project=project).order_by("created_at"))
    s.fact_or_need(
        "Deployments",
        [
            f"{d.name} ({d.get_environment_display()}): {d.model_version.name}, "
            f"{d.get_status_display().lower()}"
            for d in deployments
        ],
        "a deployment with its staged rollout",
        OPERATE,
    )
    thresholds = (
        MonitoringThreshold.objects.filter(deployment__project=project)
        .select_related("deployment")
        .order_by("deployment__name", "metric")
    )
    s.fact_or_need(
        "Monitoring thresholds",
        [
            f"{t.deployment.name}: {t.metric} {t.get_direction_display()} "
            f"{plain_number(t.value)}"
            + (f" for {t.for_minutes} min" if t.for_minutes else "")
            + f" raises a {t.get_severity_display().lower()} incident"
            for t in thresholds
        ],
        "the monitoring thresholds that raise incidents",
        OPERATE,
    )
    s.fact_or_need(
        "Human oversight",
        oversight_lines(project=project),
        "the human oversight measures (an EU AI Act Art. 14 check or an approved rollout plan)",
        COMPLIANCE,
    )
    return s.build(
        "monitoring", "Monitoring, functioning and control of the system", "Annex IV point 3"
    )


def performance_metrics(project: Project) -> Section:
    """Point 4: whether the performance metrics suit the system — the success criteria, the
    evaluations bound to them, and the bias checks and audits."""
    s = SectionBuilder(project)
    scope = approved_scope_version(project=project)
    version = version_in_use(project=project)
    criteria = criteria_lines(project=project, version=version)
    if scope is None or not criteria:
        s.need("measurable success criteria in an approved scope", "projects:scope-document")
    else:
        label = f"Success criteria (scope v{scope.number})"
        s.fact(label + (f", standing of {version.name}" if version else ""), *criteria)
    evaluations = list(evaluation_list(project=project).order_by("evaluated_at"))
    s.fact_or_need(
        "Evaluations",
        [
            f"{e.benchmark} on {e.model_version.name}, {e.evaluated_at:%Y-%m-%d}: "
            + ", ".join(
                f"{m.name}{f' ({m.slice_key}={m.slice_value})' if m.slice_key else ''} "
                f"{plain_number(m.value)}{f' {m.unit}' if m.unit else ''}"
                for m in e.metrics.all()
            )
            for e in evaluations
        ],
        "an evaluation of a model version",
        ADAPT,
    )
    bias = bias_lines(project=project)
    if not bias:
        s.need("a reviewed bias check or a signed-off bias audit", "compliance:bias-audits")
    else:
        s.fact("Bias checks and audits", *bias)
    return s.build("performance", "Appropriateness of the performance metrics", "Annex IV point 4")


def risk_management(project: Project) -> Section:
    """Point 5: the risk management system of Art. 9 — the register and its check."""
    s = SectionBuilder(project)
    risks = Risk.objects.filter(project=project).order_by("reference")
    s.fact_or_need(
        "Risk register",
        [
            f"{risk}: {risk.get_category_display()}, {risk.get_status_display().lower()}"
            + (f", score {risk.score}" if risk.score is not None else "")
            + (f", residual {risk.residual_score}" if risk.residual_score is not None else "")
            + (f" — mitigation: {risk.mitigation_plan}" if risk.mitigation_plan else "")
            for risk in risks
        ],
        "the risks and their mitigation",
        "projects:risk-register",
    )
    s.fact_or_need(
        "Art. 9 check",
        [check_line(c) for c in eu_ai_act_checks(project=project, articles=["Art. 9"])],
        "the EU AI Act Art. 9 check (risk management system)",
        COMPLIANCE,
    )
    return s.build("risk", "Risk management system (Art. 9)", "Annex IV point 5")


def lifecycle_changes(project: Project) -> Section:
    """Point 6: the relevant changes made through the lifecycle — phases, classifications and
    modifications assessed."""
    s = SectionBuilder(project)
    changes = PhaseChange.objects.filter(project=project).order_by("created_at")
    s.fact_or_need(
        "Phase changes",
        [
            f"{c.created_at:%Y-%m-%d}: {c.from_phase} → {c.to_phase}"
            + (f" ({c.reason})" if c.reason else "")
            for c in changes
        ],
        "a phase change through a gate",
        "projects:gate",
    )
    s.fact(
        "Classifications",
        *[
            f"Classification {c.number}: {c.tier_label}, {c.get_status_display().lower()}"
            for c in classification_history(project=project).order_by("number")
        ],
    )
    flags = ModificationFlag.objects.filter(project=project).order_by("created_at")
    s.fact(
        "Modifications assessed",
        *[f"{f.get_kind_display()}: {f.summary} — {f.get_status_display().lower()}" for f in flags],
    )
    return s.build("changes", "Relevant changes through the lifecycle", "Annex IV point 6")


def standards_applied(project: Project) -> Section:
    """Point 7: the harmonised standards applied, or the other solutions — read as the
    frameworks the project's compliance checks come from and how far each is met."""
    s = SectionBuilder(project)
    frameworks: dict[str, list[int]] = {}
    checks = ComplianceCheck.objects.filter(project=project).select_related(
        "requirement__framework"
    )
    for check in checks:
        counts = frameworks.setdefault(check.requirement.framework.name, [0, 0])
        counts[1] += 1
        counts[0] += check.status in (ComplianceCheck.Status.MET, "not_applicable")
    s.fact_or_need(
        "Frameworks and standards applied",
        [
            f"{name}: {met} of {total} checks met or not applicable"
            for name, (met, total) in sorted(frameworks.items())
        ],
        "the frameworks or standards the organisation follows for this project",
        COMPLIANCE,
    )
    return s.build(
        "standards", "Harmonised standards and other solutions applied", "Annex IV point 7"
    )


def declaration_of_conformity(project: Project) -> Section:
    """Point 8: a copy of the EU declaration of conformity (Art. 47) — its check and the
    accepted evidence attached to it."""
    s = SectionBuilder(project)
    checks = eu_ai_act_checks(project=project, articles=["Art. 47"])
    documents = Evidence.objects.filter(
        checks__in=checks, status=Evidence.Status.ACCEPTED
    ).distinct()
    lines = [check_line(c) for c in checks] + [f"Evidence: {e.title}" for e in documents]
    if not documents:
        s.fact("Art. 47 check", *lines)
        s.need(
            "the EU declaration of conformity (accepted evidence on the Art. 47 check)", COMPLIANCE
        )
    else:
        s.fact("EU declaration of conformity", *lines)
    return s.build("declaration", "EU declaration of conformity", "Annex IV point 8")


def post_market_monitoring(project: Project) -> Section:
    """Point 9: the post-market monitoring system (Art. 72) — its plan, its reviews and the
    incidents it caught."""
    s = SectionBuilder(project)
    plan = post_market_plan_get(project=project)
    if plan is None:
        s.need("a post-market monitoring plan (Art. 72)", OPERATE)
    else:
        s.fact(
            "Post-market monitoring plan",
            plan.monitored,
            f"Reviewed every {plan.review_every_days} days by {plan.reviewer.display_name}",
            *[
                f"Review of {review.reviewed_on:%Y-%m-%d}: {review.findings}"
                for review in plan.reviews.all()
            ],
        )
    incidents = Incident.objects.filter(project=project).order_by("occurred_at")
    s.fact(
        "Incidents",
        *[
            f"{i.occurred_at:%Y-%m-%d} {i.title}: {i.get_severity_display().lower()}, "
            f"{i.get_status_display().lower()}"
            + (" (serious incident, Art. 73)" if i.serious_kind else "")
            for i in incidents
        ],
    )
    audits = BiasAudit.objects.filter(project=project, kind=BiasAudit.Kind.SCHEDULED)
    s.fact(
        "Scheduled bias audits",
        *[f"Due {a.due_on:%Y-%m-%d}: {a.get_status_display().lower()}" for a in audits if a.due_on],
    )
    return s.build("post_market", "Post-market monitoring system (Art. 72)", "Annex IV point 9")


POINTS: tuple[Callable[[Project], Section], ...] = (
    general_description,
    development,
    monitoring_and_control,
    performance_metrics,
    risk_management,
    lifecycle_changes,
    standards_applied,
    declaration_of_conformity,
    post_market_monitoring,
)


def annex_iv(project: Project) -> list[Section]:
    """The nine points of Annex IV, in order, filled from the project's record."""
    return [point(project) for point in POINTS]
