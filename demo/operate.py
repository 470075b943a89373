"""The claims project's first steps towards production in the demo: v2 fully rolled out to
staging, a production rollout plan awaiting another manager's approval, one incident resolved
and one still open — all through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from models_registry import services
from models_registry.models import ModelVersion
from projects.models import Project


def claims_operation(project: Project, *, pm: User, admin: User) -> None:
    v2 = ModelVersion.objects.get(project=project, number=2)
    today = timezone.localdate()
    staging = services.deployment_plan(
        actor=pm,
        project=project,
        name="v2 LoRA to staging",
        environment="staging",
        model_version=v2,
        stages=[
            {
                "traffic_percent": 50,
                "starts_on": today - timedelta(days=4),
                "exit_criteria": "No errors in the claims replay",
            },
            {
                "traffic_percent": 100,
                "starts_on": today - timedelta(days=2),
                "exit_criteria": "Routing agrees with v1 on 95 % of replayed claims",
            },
        ],
    )
    services.deployment_approve(actor=admin, deployment=staging, note="Replay plan is sound.")
    services.deployment_start(actor=pm, deployment=staging)
    services.deployment_confirm_exit(
        actor=pm, deployment=staging, note="1,200 replayed claims, no errors."
    )
    services.deployment_promote(actor=pm, deployment=staging)
    services.deployment_confirm_exit(actor=pm, deployment=staging, note="96.1 % agreement.")
    services.deployment_promote(actor=pm, deployment=staging)
    services.deployment_plan(
        actor=pm,
        project=project,
        name="v2 LoRA to production",
        environment="production",
        model_version=v2,
        stages=[
            {
                "traffic_percent": 5,
                "starts_on": today + timedelta(days=7),
                "exit_criteria": "Handler overrides under 15 % for a week",
            },
            {
                "traffic_percent": 25,
                "starts_on": today + timedelta(days=14),
                "exit_criteria": "Median triage time under 4 h",
            },
            {
                "traffic_percent": 100,
                "starts_on": today + timedelta(days=28),
                "exit_criteria": "No open high-severity incident",
            },
        ],
    )
    slow = services.incident_open(
        actor=pm,
        project=project,
        title="Staging answers took 20 s during the replay",
        severity="medium",
        deployment=staging,
        occurred_at=timezone.now() - timedelta(days=3),
    )
    services.incident_update(
        actor=pm,
        incident=slow,
        text="The EU endpoint was throttled at 10 requests/s.",
        status="investigating",
    )
    services.incident_resolve(
        actor=pm,
        incident=slow,
        resolution="Raised the quota to 50 requests/s with the vendor.",
        post_incident_review="Load-test the quota before each rollout stage.",
    )
    services.incident_open(
        actor=pm,
        project=project,
        title="Dutch storm claims suggested as low priority",
        description="Three storm-damage reports in Dutch were ranked P3; handlers overrode them.",
        severity="high",
        deployment=staging,
        owner=pm,
    )
