"""Deployments and their staged rollout, and incidents with the serious-incident clock.

A rollout plan is written in stages whose share of traffic only goes up, approved by a manager
who did not write it, and promoted one stage at a time once the current stage's exit criteria
are confirmed; it can be paused, resumed and rolled back with a reason, and ended (taken out
of service for good, or a plan withdrawn before it rolled out) with a reason. Each step is a
line of the deployment's timeline and an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Actor, Perm, Rule, check_person_sees, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.incident_clock import report_due, serious_kinds
from models_registry.models import (
    Deployment,
    DeploymentEvent,
    Incident,
    IncidentUpdate,
    ModelVersion,
    PostMarketPlan,
    PostMarketReview,
    PromptVersion,
    RolloutStage,
)
from models_registry.services.records import NOT_THIS_PROJECT, check_in_project
from models_registry.signals import incident_opened
from projects.models import Project

Status = Deployment.Status
Kind = DeploymentEvent.Kind
STAGE_KEYS = ("traffic_percent", "starts_on", "exit_criteria")
NO_STAGES = "A rollout plan has at least one stage."
TOO_MANY_STAGES = "At most 20 stages."
GOING_DOWN = "Each stage serves more traffic than the one before (stage {n}: {p} %)."
DATES_BACK = "Each stage starts on or after the one before (stage {n})."
NOT_PLANNED = "Only a plan awaiting approval is approved (this one is {status})."
NOT_APPROVED = "Start a rollout once its plan is approved (this one is {status})."
NOT_ROLLING = "Only a rollout in progress is {verb} (this one is {status})."
NOT_PAUSED = "Only a paused rollout is resumed."
EXIT_FIRST = "Confirm the exit criteria of stage {n} before promoting."
ALREADY_CONFIRMED = "The exit criteria of stage {n} are already confirmed."
NOT_YET = "Stage {n} may start on {day}, not before."
REASON = "Say why."
CANNOT_ROLL_BACK = "This rollout is {status}: there is nothing to roll back."
# A plan never started is withdrawn by ending it; a rollout in progress is paused or rolled
# back first, so traffic is never cut mid-stage by an "end".
ENDABLE = (Status.PLANNED, Status.APPROVED, Status.PAUSED, Status.COMPLETED)
CANNOT_END = (
    "This deployment is {status}: only a plan (awaiting approval or approved), a paused "
    "rollout or a completed one is ended — pause or roll back a rollout in progress first."
)
ALREADY_ENDED = "This deployment is already ended."
UNKNOWN_SERIOUS = "Pick the kind of serious incident: {kinds}."
AWARE_IN_FUTURE = "Awareness cannot be in the future."
ALREADY_SERIOUS = "This incident is already marked serious."
NOT_SERIOUS = "Only a serious incident is reported to the authority."
RESOLVE_WITH_WHAT = "Say how it was resolved."
ALREADY_RESOLVED = "This incident is resolved: add an update to reopen it."
OCCURRED_IN_FUTURE = "It cannot have happened in the future."


def _event(deployment: Deployment, actor: Actor, kind: str, note: str = "") -> None:
    stage = deployment.stages.filter(position=deployment.current_stage).first()
    DeploymentEvent.objects.create(
        deployment=deployment,
        kind=kind,
        stage=deployment.current_stage,
        traffic_percent=stage.traffic_percent if stage else 0,
        note=note,
        actor=actor if isinstance(actor, User) else None,
    )


def _audit(actor: Actor, action: str, deployment: Deployment, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=deployment,
        project=deployment.project,
        data={"stage": deployment.current_stage, **data},
    )


def _check_stages(stages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not stages:
        raise ValidationError({"stages": NO_STAGES})
    if len(stages) > 20:
        raise ValidationError({"stages": TOO_MANY_STAGES})
    rows: list[dict[str, Any]] = []
    for n, stage in enumerate(stages, start=1):
        reject_unknown_fields(stage, STAGE_KEYS)
        percent, starts_on = stage.get("traffic_percent"), stage.get("starts_on")
        if rows and isinstance(percent, int) and percent <= rows[-1]["traffic_percent"]:
            raise ValidationError({"stages": GOING_DOWN.format(n=n, p=percent)})
        if rows and isinstance(starts_on, date) and starts_on < rows[-1]["starts_on"]:
            raise ValidationError({"stages": DATES_BACK.format(n=n)})
        rows.append(dict(stage))
    return rows


@transaction.atomic
def deployment_plan(
    *,
    actor: User,
    project: Project,
    name: str,
    environment: str,
    model_version: ModelVersion,
    stages: Sequence[Mapping[str, Any]],
    prompt_version: PromptVersion | None = None,
    environment_name: str = "",
) -> Deployment:
    """A deployment and its rollout plan, whole or not at all, awaiting a manager's approval."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    check_in_project(model_version, project.pk, "model_version")
    check_in_project(prompt_version, project.pk, "prompt_version")
    rows = _check_stages(stages)
    deployment = Deployment(
        project=project,
        name=name,
        environment=environment,
        environment_name=environment_name,
        model_version=model_version,
        prompt_version=prompt_version,
        created_by=actor,
    )
    deployment.full_clean()
    deployment.save()
    for position, row in enumerate(rows, start=1):
        stage = RolloutStage(deployment=deployment, position=position, **row)
        try:
            stage.full_clean(exclude=["deployment"])
        except ValidationError as error:
            raise ValidationError(
                {"stages": [f"Stage {position}: {m}" for m in error.messages]}
            ) from error
        stage.save()
    _event(deployment, actor, Kind.PLANNED)
    _audit(
        actor,
        Action.DEPLOYMENT_PLANNED,
        deployment,
        environment=environment,
        model_version=str(model_version.pk),
        stages=[row["traffic_percent"] for row in rows],
    )
    return deployment


def _locked(deployment: Deployment) -> Deployment:
    return Deployment.objects.select_for_update().select_related("project").get(pk=deployment.pk)


@transaction.atomic
def deployment_approve(*, actor: User, deployment: Deployment, note: str = "") -> Deployment:
    locked = _locked(deployment)
    require(actor, Rule.ROLLOUT_APPROVE, locked)
    if locked.status != Status.PLANNED:
        raise ValidationError(NOT_PLANNED.format(status=locked.get_status_display().lower()))
    locked.status, locked.approved_by, locked.approved_at = Status.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(locked, actor, Kind.APPROVED, note)
    _audit(actor, Action.DEPLOYMENT_APPROVED, locked)
    return locked


def _enter(deployment: Deployment, position: int, today: date) -> RolloutStage:
    stage = deployment.stages.get(position=position)
    if stage.starts_on > today:
        raise ValidationError(NOT_YET.format(n=position, day=stage.starts_on.isoformat()))
    stage.entered_at = timezone.now()
    stage.save(update_fields=["entered_at", "updated_at"])
    deployment.current_stage = position
    return stage


@transaction.atomic
def deployment_start(*, actor: User, deployment: Deployment) -> Deployment:
    """Enter stage 1 of an approved plan (on or after its start date)."""
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    if locked.status != Status.APPROVED:
        raise ValidationError(NOT_APPROVED.format(status=locked.get_status_display().lower()))
    _enter(locked, 1, timezone.localdate())
    locked.status = Status.ROLLING_OUT
    locked.save(update_fields=["status", "current_stage", "updated_at"])
    _event(locked, actor, Kind.STARTED)
    _audit(actor, Action.DEPLOYMENT_STARTED, locked)
    return locked


def _rolling(locked: Deployment, verb: str) -> None:
    if locked.status != Status.ROLLING_OUT:
        raise ValidationError(
            NOT_ROLLING.format(verb=verb, status=locked.get_status_display().lower())
        )


@transaction.atomic
def deployment_confirm_exit(*, actor: User, deployment: Deployment, note: str = "") -> Deployment:
    """Confirm that the current stage met its exit criteria, saying how."""
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    _rolling(locked, "confirmed")
    if not note.strip():
        raise ValidationError({"note": REASON})
    stage = locked.stages.get(position=locked.current_stage)
    if stage.exit_confirmed_at is not None:
        raise ValidationError(ALREADY_CONFIRMED.format(n=stage.position))
    stage.exit_confirmed_by, stage.exit_confirmed_at = actor, timezone.now()
    stage.exit_note = note.strip()
    stage.save(update_fields=["exit_confirmed_by", "exit_confirmed_at", "exit_note", "updated_at"])
    _event(locked, actor, Kind.EXIT_CONFIRMED, note)
    _audit(actor, Action.DEPLOYMENT_EXIT_CONFIRMED, locked)
    return locked


@transaction.atomic
def deployment_promote(*, actor: User, deployment: Deployment) -> Deployment:
    """One stage further (the last stage promoted completes the rollout)."""
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    _rolling(locked, "promoted")
    current = locked.stages.get(position=locked.current_stage)
    if current.exit_confirmed_at is None:
        raise ValidationError(EXIT_FIRST.format(n=current.position))
    if not locked.stages.filter(position=current.position + 1).exists():
        locked.status = Status.COMPLETED
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, actor, Kind.COMPLETED)
        _audit(actor, Action.DEPLOYMENT_COMPLETED, locked)
        return locked
    _enter(locked, current.position + 1, timezone.localdate())
    locked.save(update_fields=["current_stage", "updated_at"])
    _event(locked, actor, Kind.PROMOTED)
    _audit(actor, Action.DEPLOYMENT_PROMOTED, locked)
    return locked


@transaction.atomic
def deployment_pause(*, actor: User, deployment: Deployment, reason: str) -> Deployment:
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    _rolling(locked, "paused")
    if not reason.strip():
        raise ValidationError({"reason": REASON})
    locked.status = Status.PAUSED
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, actor, Kind.PAUSED, reason)
    _audit(actor, Action.DEPLOYMENT_PAUSED, locked, reason=reason)
    return locked


@transaction.atomic
def deployment_resume(*, actor: User, deployment: Deployment, note: str = "") -> Deployment:
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    if locked.status != Status.PAUSED:
        raise ValidationError(NOT_PAUSED)
    locked.status = Status.ROLLING_OUT
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, actor, Kind.RESUMED, note)
    _audit(actor, Action.DEPLOYMENT_RESUMED, locked)
    return locked


@transaction.atomic
def deployment_rollback(*, actor: User, deployment: Deployment, reason: str) -> Deployment:
    """Take the version out of service, saying why (from any stage, paused or not)."""
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    if locked.status not in (Status.ROLLING_OUT, Status.PAUSED, Status.COMPLETED):
        raise ValidationError(CANNOT_ROLL_BACK.format(status=locked.get_status_display().lower()))
    if not reason.strip():
        raise ValidationError({"reason": REASON})
    locked.status, locked.rollback_reason = Status.ROLLED_BACK, reason.strip()
    locked.save(update_fields=["status", "rollback_reason", "updated_at"])
    _event(locked, actor, Kind.ROLLED_BACK, reason)
    _audit(actor, Action.DEPLOYMENT_ROLLED_BACK, locked, reason=reason)
    return locked


@transaction.atomic
def deployment_end(*, actor: User, deployment: Deployment, reason: str) -> Deployment:
    """End a deployment for good (decommissioned, or a plan withdrawn), saying why: a plan
    awaiting approval or approved, a paused rollout or a completed one."""
    locked = _locked(deployment)
    require(actor, Perm.PROJECT_MANAGE, locked)
    if locked.status == Status.ENDED:
        raise ValidationError(ALREADY_ENDED)
    if locked.status not in ENDABLE:
        raise ValidationError(CANNOT_END.format(status=locked.get_status_display().lower()))
    if not reason.strip():
        raise ValidationError({"reason": REASON})
    before = locked.status
    locked.status, locked.end_reason = Status.ENDED, reason.strip()
    locked.save(update_fields=["status", "end_reason", "updated_at"])
    _event(locked, actor, Kind.ENDED, reason)
    _audit(
        actor,
        Action.DEPLOYMENT_ENDED,
        locked,
        reason=reason,
        status={"old": before, "new": Status.ENDED},
    )
    return locked


# --- incidents ------------------------------------------------------------------------------


def _incident_audit(actor: Actor, action: str, incident: Incident, **data: Any) -> None:
    audit_record(actor=actor, action=action, target=incident, project=incident.project, data=data)


@transaction.atomic
def incident_open(
    *,
    actor: Actor,
    project: Project,
    title: str,
    severity: str,
    description: str = "",
    deployment: Deployment | None = None,
    model_version: ModelVersion | None = None,
    owner: User | None = None,
    occurred_at: datetime | None = None,
    source: str = Incident.Source.MANUAL,
) -> Incident:
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    check_in_project(deployment, project.pk, "deployment")
    check_in_project(model_version, project.pk, "model_version")
    if owner is not None:
        check_person_sees(owner, project, field="owner", message=NOT_THIS_PROJECT)
    now = timezone.now()
    if occurred_at is not None and occurred_at > now:
        raise ValidationError({"occurred_at": OCCURRED_IN_FUTURE})
    incident = Incident(
        project=project,
        title=title,
        severity=severity,
        description=description,
        deployment=deployment,
        model_version=model_version or (deployment.model_version if deployment else None),
        owner=owner,
        occurred_at=occurred_at or now,
        source=source,
        created_by=actor if isinstance(actor, User) else None,
    )
    incident.full_clean()
    incident.save()
    _incident_audit(actor, Action.INCIDENT_OPENED, incident, severity=severity, source=source)
    incident_opened.send(sender=Incident, incident=incident, actor=actor)
    return incident


def _locked_incident(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("project").get(pk=incident.pk)


@transaction.atomic
def incident_update(
    *, actor: User, incident: Incident, text: str, status: str = ""
) -> IncidentUpdate:
    """A line of the incident's timeline, possibly moving it to investigating or back open."""
    locked = _locked_incident(incident)
    require(actor, Perm.PROJECT_CONTRIBUTE, locked)
    if status and status not in (Incident.Status.OPEN, Incident.Status.INVESTIGATING):
        raise ValidationError({"status": "Resolve an incident with its resolution."})
    update = IncidentUpdate(incident=locked, text=text, status=status, author=actor)
    update.full_clean()
    update.save()
    if status and status != locked.status:
        locked.status = status
        if status == Incident.Status.OPEN:
            locked.resolved_at = None
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
    _incident_audit(actor, Action.INCIDENT_UPDATED, locked, status=status or locked.status)
    return update


@transaction.atomic
def incident_mark_serious(
    *, actor: User, incident: Incident, kind: str, aware_at: datetime | None = None
) -> Incident:
    """Start the Art. 73 clock: the deadline follows from the kind (data) and awareness."""
    locked = _locked_incident(incident)
    require(actor, Rule.INCIDENT_SERIOUS, locked)
    kinds = serious_kinds()
    if kind not in kinds:
        raise ValidationError({"kind": UNKNOWN_SERIOUS.format(kinds=", ".join(kinds))})
    if locked.serious_kind:
        raise ValidationError(ALREADY_SERIOUS)
    now = timezone.now()
    aware = aware_at or now
    if aware > now:
        raise ValidationError({"aware_at": AWARE_IN_FUTURE})
    locked.serious_kind, locked.aware_at = kind, aware
    locked.report_due_at = report_due(kind, aware)
    locked.save(update_fields=["serious_kind", "aware_at", "report_due_at", "updated_at"])
    _incident_audit(
        actor,
        Action.INCIDENT_MARKED_SERIOUS,
        locked,
        kind=kind,
        aware_at=aware.isoformat(),
        report_due_at=locked.report_due_at.isoformat(),
        source=kinds[kind].source,
    )
    return locked


@transaction.atomic
def incident_reported(
    *, actor: User, incident: Incident, reference: str, reported_at: datetime | None = None
) -> Incident:
    """Record that the serious incident was reported to the authority."""
    locked = _locked_incident(incident)
    require(actor, Rule.INCIDENT_SERIOUS, locked)
    if not locked.serious_kind:
        raise ValidationError(NOT_SERIOUS)
    if not reference.strip():
        raise ValidationError({"reference": "Give the authority's reference or case number."})
    locked.reported_at, locked.report_reference = reported_at or timezone.now(), reference.strip()
    locked.save(update_fields=["reported_at", "report_reference", "updated_at"])
    _incident_audit(
        actor,
        Action.INCIDENT_REPORTED,
        locked,
        late=locked.report_due_at is not None and locked.reported_at > locked.report_due_at,
    )
    return locked


@transaction.atomic
def incident_resolve(
    *, actor: User, incident: Incident, resolution: str, post_incident_review: str = ""
) -> Incident:
    locked = _locked_incident(incident)
    require(actor, Perm.PROJECT_CONTRIBUTE, locked)
    if locked.status == Incident.Status.RESOLVED:
        raise ValidationError(ALREADY_RESOLVED)
    if not resolution.strip():
        raise ValidationError({"resolution": RESOLVE_WITH_WHAT})
    locked.status, locked.resolved_at = Incident.Status.RESOLVED, timezone.now()
    locked.resolution, locked.post_incident_review = (
        resolution.strip(),
        post_incident_review.strip(),
    )
    locked.full_clean()
    locked.save()
    _incident_audit(actor, Action.INCIDENT_RESOLVED, locked)
    return locked


# --- the post-market monitoring plan (Art. 72) ---------------------------------------------------

NOT_ON_PROJECT = "The reviewer must be someone who can see this project."
REVIEW_FINDINGS = "Say what the review found."
REVIEW_IN_FUTURE = "A review is recorded once it has happened."


@transaction.atomic
def post_market_plan_set(
    *, actor: User, project: Project, monitored: str, review_every_days: int, reviewer: User
) -> PostMarketPlan:
    """Write (or rewrite) the project's post-market monitoring plan."""
    require(actor, Perm.PROJECT_MANAGE, project)
    check_person_sees(reviewer, project, field="reviewer", message=NOT_ON_PROJECT)
    plan = PostMarketPlan.objects.filter(project=project).first() or PostMarketPlan(
        project=project, written_by=actor
    )
    plan.monitored, plan.review_every_days, plan.reviewer = monitored, review_every_days, reviewer
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor,
        action=Action.POST_MARKET_PLAN_SET,
        target=plan,
        project=project,
        data={"review_every_days": review_every_days, "reviewer": str(reviewer.pk)},
    )
    return plan


@transaction.atomic
def post_market_review_record(
    *, actor: User, plan: PostMarketPlan, reviewed_on: date, findings: str, actions: str = ""
) -> PostMarketReview:
    """One review cycle of the plan, by its reviewer or a manager."""
    require(actor, Rule.POST_MARKET_REVIEW, plan)
    if not findings.strip():
        raise ValidationError({"findings": REVIEW_FINDINGS})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": REVIEW_IN_FUTURE})
    review = PostMarketReview.objects.create(
        plan=plan,
        reviewed_on=reviewed_on,
        findings=findings.strip(),
        actions=actions.strip(),
        reviewer=actor,
    )
    audit_record(
        actor=actor,
        action=Action.POST_MARKET_REVIEW_RECORDED,
        target=review,
        project=plan.project,
        data={"reviewed_on": reviewed_on.isoformat()},
    )
    return review
