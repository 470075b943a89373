"""The AI system fact sheet: one page telling what the system is for, its EU AI Act risk
tier, the model and version it runs, how it performed and what its bias checks found, how
people oversee it, whom to ask, and its limits. Read from the same record as Annex IV.

Its fields are a fixed list (`FIELDS`): an organisation publishes a chosen subset of them on
the public transparency page, so each field is its own `Section` keyed by the field's name.
"""

from __future__ import annotations

from collections.abc import Callable

from compliance.documents import Section, SectionBuilder
from compliance.selectors.checks import current_classification
from compliance.transparency_notice import transparency_notice
from compliance.transparency_sources import (
    bias_lines,
    contact_lines,
    criteria_lines,
    oversight_lines,
    version_in_use,
    version_label,
)
from models_registry.selectors import evaluation_list
from projects.models import Project
from projects.selectors import approved_scope_version

ADAPT = "models_registry:adapt"

# The fields of the fact sheet, in the order it shows them: also the fields a publication
# may choose from.
FIELDS: dict[str, str] = {
    "purpose": "Purpose",
    "risk_tier": "EU AI Act risk tier",
    "model": "Model and version",
    "evaluations": "Evaluation results",
    "bias": "Bias checks",
    "human_oversight": "Human oversight",
    "contacts": "Contacts",
    "limitations": "Limitations",
    "transparency_notice": "Transparency notice (Art. 50)",
}


def _purpose(project: Project, s: SectionBuilder) -> None:
    s.fact_or_need(
        "Intended purpose",
        [project.intended_purpose],
        "the intended purpose",
        "projects:project-edit",
    )
    s.fact("Intended users", project.end_users)


def _risk_tier(project: Project, s: SectionBuilder) -> None:
    classification = current_classification(project=project)
    if classification is None:
        s.need("a confirmed EU AI Act classification", "compliance:classify")
        return
    obligations = {
        "transparency": "transparency obligations (Art. 50)",
        "gpai": "general-purpose AI model obligations (Art. 53)",
    }
    s.fact(
        "Risk tier",
        f"{classification.tier_label} (classification {classification.number}, confirmed)",
        *[f"Also: {obligations.get(o, o)}" for o in classification.obligations],
    )


def _model(project: Project, s: SectionBuilder) -> None:
    version = version_in_use(project=project)
    s.fact_or_need(
        "Model version", [version_label(version) if version else ""], "a model version", ADAPT
    )


def _evaluations(project: Project, s: SectionBuilder) -> None:
    version = version_in_use(project=project)
    s.fact_or_need(
        "Against the success criteria",
        criteria_lines(project=project, version=version),
        "an evaluation against the approved success criteria",
        ADAPT,
    )


def _bias(project: Project, s: SectionBuilder) -> None:
    s.fact_or_need(
        "Bias checks and audits",
        bias_lines(project=project),
        "a reviewed bias check",
        "compliance:bias-audits",
    )


def _human_oversight(project: Project, s: SectionBuilder) -> None:
    s.fact_or_need(
        "Human oversight",
        oversight_lines(project=project),
        "the human oversight measures",
        "compliance:project-compliance",
    )


def _contacts(project: Project, s: SectionBuilder) -> None:
    s.fact("Contacts", *contact_lines(project=project))


def _limitations(project: Project, s: SectionBuilder) -> None:
    version = version_in_use(project=project)
    lines = []
    if version is not None:
        lines += [
            e.findings
            for e in evaluation_list(project=project, model_version=version).order_by(
                "evaluated_at"
            )
            if e.findings
        ]
        if version.base_model is not None and version.base_model.limitations:
            lines.append(version.base_model.limitations)
    scope = approved_scope_version(project=project)
    if scope is not None:
        lines += [f"Out of scope: {item}" for item in scope.out_of_scope]
    s.fact_or_need(
        "Known limitations", lines, "the system's limitations (evaluation findings or scope)", ADAPT
    )


def _notice(project: Project, s: SectionBuilder) -> None:
    notice = transparency_notice(project)
    s.facts.extend(notice.facts)
    s.missing.extend(notice.missing)


BUILDERS: dict[str, Callable[[Project, SectionBuilder], None]] = {
    "purpose": _purpose,
    "risk_tier": _risk_tier,
    "model": _model,
    "evaluations": _evaluations,
    "bias": _bias,
    "human_oversight": _human_oversight,
    "contacts": _contacts,
    "limitations": _limitations,
    "transparency_notice": _notice,
}


def fact_sheet(project: Project, *, fields: list[str] | None = None) -> list[Section]:
    """The fact sheet's sections, in `FIELDS` order: all of them, or only `fields`."""
    chosen = [key for key in FIELDS if fields is None or key in fields]
    sections = []
    for key in chosen:
        builder = SectionBuilder(project)
        BUILDERS[key](project, builder)
        sections.append(builder.build(key, FIELDS[key]))
    return sections
