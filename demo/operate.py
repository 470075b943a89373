"""The claims project in Integrate and Operate in the demo: v2 rolled out to staging and then
to production in three stages, thresholds on production, a month of monitoring points pushed
as the production system does (with one error-rate breach that opened an incident, since
resolved), a handler-reported incident still open, the post-market plan with its first review,
and a finished A/B test of two prompt versions — all through the services.

Later, once the organisation follows its frameworks, a 4-bit quantization of v2 is recorded:
a possible substantial modification that sends a met check back to review and that the
compliance officer assesses (`claims_modification`)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from models_registry import services
from models_registry.models import (
    Deployment,
    Evaluation,
    ModelVersion,
    ModificationFlag,
    PromptTemplate,
)
from projects.models import Project

MONITORED_DAYS = 30
BREACH_DAY = 12  # days into the month: the EU endpoint's error burst
PROMPT_V3 = (
    "You triage first notices of loss for Demo Insurance Co.\n"
    "Ask for the policy number first if it is missing.\n"
    "Route the report to one of: motor, property, liability, travel.\n"
    "Give a priority P1–P3, the reason in one sentence, and the language of the report.\n\n"
    "Report: {{ report }}\nPolicy: {{ policy_number }}"
)


def _stage(percent: int, starts_on: date, exit_criteria: str) -> dict[str, Any]:
    return {"traffic_percent": percent, "starts_on": starts_on, "exit_criteria": exit_criteria}


def _roll_out(deployment: Deployment, *, pm: User, admin: User, notes: list[str]) -> None:
    """Approved by another manager, started, and each stage's exit confirmed then promoted."""
    services.deployment_approve(actor=admin, deployment=deployment, note="The plan is sound.")
    services.deployment_start(actor=pm, deployment=deployment)
    for note in notes:
        services.deployment_confirm_exit(actor=pm, deployment=deployment, note=note)
        services.deployment_promote(actor=pm, deployment=deployment)


def claims_operation(project: Project, *, pm: User, admin: User, compliance: User) -> None:
    """Integrate: staging, then production in stages, thresholds and the post-market plan."""
    v2 = ModelVersion.objects.get(project=project, number=2)
    today = timezone.localdate()
    staging = services.deployment_plan(
        actor=pm,
        project=project,
        name="v2 LoRA to staging",
        environment="staging",
        model_version=v2,
        stages=[
            _stage(50, today - timedelta(days=45), "No errors in the claims replay"),
            _stage(100, today - timedelta(days=42), "Routing agrees with v1 on 95 % of claims"),
        ],
    )
    _roll_out(
        staging,
        pm=pm,
        admin=admin,
        notes=["1,200 replayed claims, no errors.", "96.1 % agreement."],
    )
    production = services.deployment_plan(
        actor=pm,
        project=project,
        name="v2 LoRA to production",
        environment="production",
        model_version=v2,
        stages=[
            _stage(5, today - timedelta(days=30), "Handler overrides under 15 % for a week"),
            _stage(25, today - timedelta(days=20), "Median triage time under 4 h"),
            _stage(100, today - timedelta(days=10), "No open high-severity incident"),
        ],
    )
    _roll_out(
        production,
        pm=pm,
        admin=admin,
        notes=["Overrides 11.8 % over 7 days.", "Median triage 3.1 h.", "No high incident open."],
    )
    services.monitoring_threshold_set(
        actor=pm,
        deployment=production,
        metric="error_rate",
        direction="above",
        value=Decimal("0.05"),
    )
    services.monitoring_threshold_set(
        actor=pm,
        deployment=production,
        metric="latency_p95_ms",
        direction="above",
        value=Decimal("3000"),
        for_minutes=15,
        severity="medium",
    )
    plan = services.post_market_plan_set(
        actor=pm,
        project=project,
        monitored="Routing accuracy from handler overrides, error rate and p95 latency per "
        "hour, and complaints about routing, reviewed monthly by the compliance officer.",
        review_every_days=30,
        reviewer=compliance,
    )
    _monitoring_month(production, pm=pm)
    services.post_market_review_record(
        actor=compliance,
        plan=plan,
        reviewed_on=today - timedelta(days=1),
        findings="Overrides fell from 12 % to 9 %; one error burst from the vendor's EU "
        "endpoint, resolved within the day.",
        actions="Ask the vendor for its incident report; keep the retry with backoff.",
    )
    services.incident_open(
        actor=pm,
        project=project,
        title="Dutch storm claims suggested as low priority",
        description="Three storm-damage reports in Dutch were ranked P3; handlers overrode them.",
        severity="high",
        deployment=production,
        owner=pm,
    )
    _prompt_ab_test(project, v2, pm=pm)


def _value(metric: str, hour: int) -> float:
    """A smooth, reproducible day's rhythm around each metric's level (no randomness)."""
    daily = math.sin(2 * math.pi * (hour % 24) / 24)
    if metric == "latency_p95_ms":
        return round(1400 + 250 * daily + 40 * math.sin(hour / 7), 1)
    if metric == "error_rate":
        return round(0.008 + 0.003 * daily, 4)
    return round(0.12 - 0.03 * hour / (MONITORED_DAYS * 24) + 0.01 * daily, 4)  # overrides


def _monitoring_month(production: Deployment, *, pm: User) -> None:
    """One batch a day of hourly points, as the production system posts them; on the breach
    day the error rate climbs past its threshold in the evening and opens an incident."""
    first_day = timezone.localdate() - timedelta(days=MONITORED_DAYS)
    tz = timezone.get_current_timezone()
    for day in range(MONITORED_DAYS):
        midnight = datetime.combine(first_day + timedelta(days=day), time(0), tzinfo=tz)
        points = []
        for hour in range(24):
            at = midnight + timedelta(hours=hour)
            for metric in ("latency_p95_ms", "error_rate", "handler_override_rate"):
                value = _value(metric, day * 24 + hour)
                if metric == "error_rate" and day == BREACH_DAY and hour >= 20:
                    value = 0.07 + 0.02 * (hour - 20)
                points.append({"metric": metric, "at": at, "value": value})
        _, _, opened = services.monitoring_ingest(
            actor=pm, deployment=production, batch_id=f"prod-{midnight:%Y-%m-%d}", points=points
        )
        for incident in opened:
            services.incident_update(
                actor=pm,
                incident=incident,
                text="The vendor's EU endpoint answered 503 to one request in ten.",
                status="investigating",
            )
            services.incident_resolve(
                actor=pm,
                incident=incident,
                resolution="The vendor restored the endpoint; our retries now back off.",
                post_incident_review="Retry with exponential backoff, and alert the vendor's "
                "status page into the incident channel.",
            )


def _prompt_ab_test(project: Project, v2: ModelVersion, *, pm: User) -> None:
    """Prompt v2 against a v3 that asks for the policy number first, on production traffic:
    finished, with v3 the winner on correct first routing."""
    template = PromptTemplate.objects.get(project=project, name="Claims triage")
    prompt_v2 = template.versions.get(number=2)
    prompt_v3 = services.prompt_version_create(
        actor=pm,
        template=template,
        text=PROMPT_V3,
        change_note="Ask for the policy number first when it is missing.",
        model_version=v2,
    )
    test = services.ab_test_create(
        actor=pm,
        project=project,
        name="Policy number first",
        hypothesis="Asking for the policy number first routes more claims right first time.",
        metric_name="correct first routing",
        metric_kind="rate",
        min_sample_per_variant=2000,
        variants=[
            {
                "name": "prompt v2",
                "is_control": True,
                "prompt_version": prompt_v2,
                "traffic_share": 50,
            },
            {"name": "prompt v3", "prompt_version": prompt_v3, "traffic_share": 50},
        ],
    )
    services.ab_test_start(actor=pm, test=test)
    for variant, successes in zip(test.variants.order_by("name"), (2184, 2244), strict=True):
        services.ab_test_results_post(
            actor=pm, variant=variant, batch_id="final", sample_size=2400, successes=successes
        )
    services.ab_test_finish(actor=pm, test=test, conclusion="Roll prompt v3 out next month.")


def claims_modification(project: Project, *, pm: User, compliance: User) -> None:
    """In Operate, v2 is quantized to 4 bits to halve its cost: flagged as a possible
    substantial modification, which sends the met validation check back to review; the
    compliance officer assesses it as not substantial, and the check awaits re-validation."""
    v2 = ModelVersion.objects.get(project=project, number=2)
    v3 = services.model_version_create(
        actor=pm,
        project=project,
        parent=v2,
        adaptation="other",
        name="v3 — v2 in 4 bits (AWQ)",
        description="v2 quantized with AWQ for the self-hosted fallback.",
    )
    before = Evaluation.objects.filter(model_version=v2).order_by("-evaluated_at").first()
    services.optimisation_record(
        actor=pm,
        project=project,
        technique="quantization",
        bits=4,
        method="AWQ",
        before=v2,
        after=v3,
        latency_p50_before=Decimal("820"),
        latency_p50_after=Decimal("510"),
        latency_p95_before=Decimal("1450"),
        latency_p95_after=Decimal("930"),
        memory_mb_before=Decimal("16200"),
        memory_mb_after=Decimal("4600"),
        cost_per_1k_before=Decimal("0.4200"),
        cost_per_1k_after=Decimal("0.1900"),
        notes=f"Quality to be re-measured on {before.benchmark if before else 'the hold-out'}.",
    )
    flag = ModificationFlag.objects.get(project=project, kind="quantization")
    services.modification_assess(
        actor=compliance,
        flag=flag,
        verdict="not_substantial",
        assessment="Same intended purpose, data and base model; the weights' precision "
        "changes only. Re-validate accuracy (ISO/IEC 42001 A.6.2.4) before it serves traffic.",
    )
