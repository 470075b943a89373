"""Rows that wait for someone, built directly (the inbox only reads them)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from compliance.models import ComplianceCheck, Evidence
from models_registry.models import Deployment, Incident, ModelVersion, ModificationFlag
from projects import services as project_services
from projects.models import GateRequest, Project, ScopeVersion, Task
from stakeholders.models import FeedbackRound
from tests.compliance.checks_support import framework, requirement


def scope_in_review(project: Project, author: Any) -> ScopeVersion:
    version = project_services.scope_version_create(
        actor=author, project=project, goals="Cut claims triage time by half."
    )
    return project_services.scope_version_submit(actor=author, version=version)


def pending_gate(project: Project, requester: Any) -> GateRequest:
    return GateRequest.objects.create(
        project=project, from_phase="scope", to_phase="select", requested_by=requester
    )


def pending_evidence(project: Project, owner: Any, title: str = "DPIA") -> Evidence:
    return Evidence.objects.create(
        project=project, kind="url", title=title, url="https://example.org/dpia", owner=owner
    )


_refs = iter(range(1, 100000))


def check(project: Project, **fields: Any) -> ComplianceCheck:
    act = framework("eu-ai-act", "EU AI Act")
    req = requirement(act, f"Art. {next(_refs)}", title="Transparency")
    values: dict[str, Any] = {"phase": "scope", "status": "in_progress"} | fields
    return ComplianceCheck.objects.create(project=project, requirement=req, **values)


def task(project: Project, assignee: Any, **fields: Any) -> Task:
    values: dict[str, Any] = {"title": "Draft the DPIA"} | fields
    return Task.objects.create(project=project, assignee=assignee, **values)


def feedback_round(project: Project, creator: Any, closes_in: timedelta) -> FeedbackRound:
    return FeedbackRound.objects.create(
        project=project,
        title="Pilot feedback",
        closes_at=timezone.now() + closes_in,
        status="open",
        opened_at=timezone.now(),
        created_by=creator,
    )


def model_version(project: Project) -> ModelVersion:
    return ModelVersion.objects.get_or_create(
        project=project, number=1, defaults={"name": "v1", "adaptation": "base"}
    )[0]


def open_flag(project: Project) -> ModificationFlag:
    return ModificationFlag.objects.create(
        project=project,
        kind="quantization",
        phase="operate",
        source_type="optimisationrecord",
        source_id=uuid.uuid4(),
        model_version=model_version(project),
        summary="4-bit quantization",
    )


def planned_deployment(project: Project, author: Any) -> Deployment:
    return Deployment.objects.create(
        project=project,
        name="Claims triage prod",
        environment="production",
        model_version=model_version(project),
        created_by=author,
    )


def incident(project: Project, *, owner: Any = None, serious: bool = False) -> Incident:
    now = timezone.now()
    clock: dict[str, Any] = (
        {"serious_kind": "death_or_serious_harm", "aware_at": now, "report_due_at": now}
        if serious
        else {}
    )
    return Incident.objects.create(
        project=project,
        title="Wrong routing",
        severity="high",
        owner=owner,
        occurred_at=now,
        **clock,
    )
