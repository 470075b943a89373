"""A model card as Markdown: the same facts as the page and the PDF, for a repository's
MODEL_CARD.md or a model registry's description field. Pure: it reads the gathered card."""

from __future__ import annotations

from typing import Any

from core.numbers import plain_number


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _verdict(passed: bool | None) -> str:
    return "—" if passed is None else ("pass" if passed else "fail")


def as_markdown(card: dict[str, Any]) -> str:
    version, project, use = card["version"], card["project"], card["intended_use"]
    lines = [
        f"# Model card: {version.name}",
        "",
        f"Project: {project.name}. Version {version.number}, "
        f"{version.get_adaptation_display().lower()}"
        + (f", base model {version.base_model.label}" if version.base_model else "")
        + f". EU AI Act risk tier: {use['risk_tier']}.",
        "",
        "## Intended use",
        "",
        use["purpose"] or "Not stated.",
        "",
        f"Users: {use['users'] or 'not stated'}.",
        "",
        "## How it was made",
        "",
        " → ".join(v.name for v in card["lineage"]),
        "",
    ]
    for run in card["runs"]:
        params = ", ".join(f"{k}={v}" for k, v in run.hyperparameters.items())
        lines.append(
            f"- {run.name}: {run.get_method_display()} from {run.base_version.name} on "
            f"“{run.dataset.name}”" + (f" ({params})" if params else "") + "."
        )
    lines += ["", "## Training data", ""]
    if not card["datasets"]:
        lines.append("No fine-tuning data: the version was not trained by the project.")
    for dataset in card["datasets"]:
        personal = (
            f"personal data, lawful basis {dataset.get_lawful_basis_display()}, "
            f"retention: {dataset.retention}"
            if dataset.personal_data
            else "no personal data"
        )
        lines.append(f"- {dataset.name}: {dataset.source}; licence {dataset.licence}; {personal}.")
    lines += [
        "",
        "## Against the success criteria",
        "",
        "| Criterion | Target | Value | Result |",
        "|---|---|---|---|",
    ]
    for row in card["criteria"]:
        criterion, point = row["criterion"], row["point"]
        lines.append(
            f"| {_cell(criterion.metric)} | {criterion.get_comparison_display()} "
            f"{plain_number(criterion.target)} {_cell(criterion.unit)} | "
            + (
                f"{plain_number(point['value'])} | {_verdict(point['passed'])} |"
                if point
                else "— | not evaluated |"
            )
        )
    lines += ["", "## Evaluations", ""]
    for entry in card["evaluations"]:
        evaluation = entry["evaluation"]
        lines.append(f"### {_cell(evaluation.benchmark)} ({evaluation.evaluated_at:%Y-%m-%d})")
        lines += ["", "| Metric | Slice | Value | Result |", "|---|---|---|---|"]
        for metric, passed in entry["metrics"]:
            where = f"{metric.slice_key}={metric.slice_value}" if metric.slice_key else "overall"
            lines.append(
                f"| {_cell(metric.name)} | {_cell(where)} | {plain_number(metric.value)} "
                f"{_cell(metric.unit)} | {_verdict(passed)} |"
            )
        lines.append("")
    lines += ["## Bias checks", ""]
    if not card["bias_checks"]:
        lines.append("No reviewed bias check on this version.")
    for check in card["bias_checks"]:
        lines.append(
            f"- {check.metric_name} by {check.slice_key} ({check.get_method_display().lower()}): "
            f"{check.flagged_count} slice(s) flagged; {check.get_outcome_display().lower()}"
            + (f" — {check.notes}" if check.notes else "")
            + "."
        )
    lines += ["", "## Limitations", ""]
    lines += [f"- {_cell(item)}" for item in card["limitations"]] or ["None recorded."]
    lines += ["", "## Contacts", ""]
    lines += [f"- {person.display_name} <{person.email}>" for person in card["contacts"]]
    return "\n".join(lines) + "\n"
