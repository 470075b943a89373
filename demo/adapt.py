"""The claims project's Adapt & align work in the demo: the chosen model as v1, a triage
prompt in two versions, the claims data with its governance record, a LoRA run that made
v2, evaluations bound to the scope's success criteria (v1 misses the routing target, v2
meets it), and a bias check across the claim languages — all through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from models_registry import services
from models_registry.models import Evaluation
from projects.models import Project, SuccessCriterion

PROMPT_V1 = """You are a claims triage assistant for an insurer.
Read the first notice of loss below and answer with the handling team and a priority.

Report: {{ report }}"""
PROMPT_V2 = """You are a claims triage assistant for an insurer.
Read the first notice of loss below and answer with the handling team, a priority (P1–P3)
and one sentence saying why. Answer in the language of the report.
Teams: {{ teams }}

Report: {{ report }}"""
LANGUAGES = ("de", "fr", "nl")


def _criterion(project: Project, metric: str) -> SuccessCriterion:
    return SuccessCriterion.objects.get(
        version__document__project=project, version__status="approved", metric=metric
    )


def _evaluate(
    project: Project,
    pm: User,
    version: Any,
    prompt: Any,
    *,
    routing: str,
    hours: str,
    by_language: dict[str, str],
    days_ago: int,
    run_id: str,
) -> Evaluation:
    routing_criterion = _criterion(project, "Correct first routing")
    hours_criterion = _criterion(project, "Median handling time")
    metrics: list[dict[str, Any]] = [
        {
            "name": "Correct first routing",
            "value": routing,
            "unit": "%",
            "criterion": routing_criterion.pk,
        },
        {
            "name": "Median handling time",
            "value": hours,
            "unit": "h",
            "higher_is_better": False,
            "criterion": hours_criterion.pk,
        },
    ]
    metrics += [
        {
            "name": "Correct first routing",
            "value": value,
            "unit": "%",
            "slice_key": "language",
            "slice_value": language,
            "sample_size": 400,
        }
        for language, value in by_language.items()
    ]
    evaluation, _ = services.evaluation_record(
        actor=pm,
        project=project,
        model_version=version,
        prompt_version=prompt,
        benchmark="Claims hold-out 2026-Q3 (1,200 reports)",
        metrics=metrics,
        run_id=run_id,
        evaluated_at=timezone.now() - timedelta(days=days_ago),
        findings="Routing errors cluster on multi-vehicle motor claims.",
    )
    return evaluation


def claims_adaptation(project: Project, *, pm: User, reviewer: User) -> None:
    v1 = services.model_version_create(
        actor=pm, project=project, description="GPT-4o mini as chosen, through the EU region."
    )
    template = services.prompt_template_create(
        actor=pm,
        project=project,
        name="Claims triage",
        purpose="Route a first notice of loss to a handling team with a priority.",
        text=PROMPT_V1,
        model_version=v1,
        change_note="First version from the pilot.",
    )
    prompt_v2 = services.prompt_version_create(
        actor=pm,
        template=template,
        text=PROMPT_V2,
        change_note="Name the teams, ask for a reason and the report's language.",
        model_version=v1,
    )
    prompt_v1 = template.versions.get(number=1)
    claims = services.dataset_create(
        actor=pm,
        project=project,
        name="Labelled claims 2023–2025",
        source="Claims system export, pseudonymised",
        reference="s3://claims-ml/labelled/2026-10-01/",
        licence="Internal",
        personal_data=True,
        lawful_basis="legitimate_interests",
        retention="Deleted 12 months after the model is retired.",
        description="36,000 reports with the team that finally handled each claim.",
    )
    before = _evaluate(
        project,
        pm,
        v1,
        prompt_v1,
        routing="86.0",
        hours="3.8",
        by_language={"de": "87.5", "fr": "86.0", "nl": "79.5"},
        days_ago=20,
        run_id="claims-eval-v1",
    )
    v2 = services.model_version_create(
        actor=pm,
        project=project,
        parent=v1,
        adaptation="fine_tune",
        name="v2 LoRA claims",
        description="Fine-tuned on the labelled claims (rank 16).",
    )
    services.fine_tune_run_create(
        actor=pm,
        project=project,
        name="LoRA on labelled claims",
        method="lora",
        base_version=v1,
        dataset=claims,
        hyperparameters={"rank": 16, "alpha": 32, "learning_rate": 0.0002, "epochs": 3},
        gpu_hours=Decimal("14.5"),
        cost=Decimal("61.00"),
        cost_currency="EUR",
        status="succeeded",
        result_version=v2,
        external_id="ft-claims-2026-11-02",
    )
    after = _evaluate(
        project,
        pm,
        v2,
        prompt_v2,
        routing="93.0",
        hours="3.2",
        by_language={"de": "93.5", "fr": "92.0", "nl": "90.5"},
        days_ago=5,
        run_id="claims-eval-v2",
    )
    flagged = services.bias_check_run(
        actor=pm,
        evaluation=before,
        metric_name="Correct first routing",
        slice_key="language",
        threshold=Decimal("5"),
    )
    services.bias_check_review(
        actor=reviewer,
        check=flagged,
        outcome="mitigated",
        notes="Dutch reports were under-represented; 3,000 more went into the LoRA data for v2.",
    )
    cleared = services.bias_check_run(
        actor=pm,
        evaluation=after,
        metric_name="Correct first routing",
        slice_key="language",
        threshold=Decimal("5"),
    )
    services.bias_check_review(actor=reviewer, check=cleared, outcome="acceptable")
    said = services.feedback_record(
        actor=pm,
        project=project,
        text="Dutch hail-damage reports keep going to the motor team.",
        model_version=v1,
    )
    services.feedback_triage(actor=pm, item=said, status="needs_change", note="More Dutch data.")
    services.feedback_addressed(actor=pm, item=said, version=v2)
    services.user_test_record(
        actor=pm,
        project=project,
        model_version=v2,
        prompt_version=prompt_v2,
        held_on=timezone.localdate() - timedelta(days=3),
        participants=8,
        tasks=["Route ten new claims", "Override one routing and say why"],
        attempts=80,
        successes=74,
        satisfaction=Decimal("4.3"),
        findings="Handlers want the reason shown before the suggested team.",
    )
