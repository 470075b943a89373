"""A project's selection set-up: the criteria and their weights, the candidates, and the
workload every candidate is costed on.

Once the first score sheet is submitted, the set of criteria and candidates is fixed — a
sheet is complete against the matrix as it stood, and nobody's submitted scores may turn
incomplete — while names, descriptions, weights and hard constraints may still change until a
decision is recorded (that is what the sensitivity analysis is for).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum

from accounts.models import User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import model_update, snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import (
    Candidate,
    CatalogueModel,
    Criterion,
    DecisionRecord,
    Workload,
)
from models_registry.selectors.selection import scoring_started
from projects.models import Project

# The five criteria of the Select phase, equally weighted to start with.
STANDARD_CRITERIA = (
    (
        "specificity",
        "Project specificity and complexity",
        "How well the model fits the domain, the task and its complexity.",
    ),
    (
        "resources",
        "Resource availability",
        "The data, compute and expertise the option needs, against what the organisation has.",
    ),
    ("time_to_market", "Time to market", "How soon the option can be in production."),
    (
        "performance",
        "Performance and scalability",
        "Quality on the task, latency, and how it holds up under the expected load.",
    ),
    ("cost", "Cost-effectiveness", "What it costs to run and maintain for what it delivers."),
)
STANDARD_WEIGHT = 20

CRITERION_FIELDS = ("name", "description", "weight", "is_hard_constraint", "minimum_score")
CANDIDATE_FIELDS = (
    "name",
    "rationale",
    "gpu_hours_per_month",
    "gpu_hour_price",
    "fixed_monthly_cost",
    "cost_currency",
)
WORKLOAD_FIELDS = ("requests_per_month", "input_tokens_per_request", "output_tokens_per_request")

SCORING_STARTED = (
    "Scoring has started (a reviewer submitted their sheet): criteria and candidates can no "
    "longer be added or removed. Names, weights and hard constraints can still change."
)
DECIDED = "A decision is recorded for this project: its selection can no longer change."
NOT_IN_SELECT = "The project is not in the Select phase."
ALL_ZERO = "At least one criterion must carry weight: the weights cannot all be zero."
NAME_TAKEN = "Another criterion of this project has this name."
CANDIDATE_TAKEN = "This model is already a candidate of the project."
CANDIDATE_NAME_TAKEN = "Another candidate of this project has this name."
MODEL_ELSEWHERE = "Pick a model of this organisation's catalogue."


def check_selection_open(project: Project, *, changes_set: bool) -> None:
    """Refuse a change to the selection once a decision stands or (for adding and removing)
    once scoring has started."""
    if project.phase != Project.Phase.SELECT:
        raise ValidationError(NOT_IN_SELECT)
    live = DecisionRecord.objects.filter(
        project=project,
        status__in=[DecisionRecord.Status.PENDING, DecisionRecord.Status.APPROVED],
    )
    if live.exists():
        raise ValidationError(DECIDED)
    if changes_set and scoring_started(project=project):
        raise ValidationError(SCORING_STARTED)


def lock_project(project: Project) -> Project:
    """Serialise changes to one project's selection (weights are checked across rows)."""
    return Project.objects.select_for_update().get(pk=project.pk)


def _check_weights(project: Project) -> None:
    total = Criterion.objects.filter(project=project).aggregate(total=Sum("weight"))["total"]
    if total is not None and total <= 0:
        raise ValidationError({"weight": ALL_ZERO})


def _check_criterion_name(criterion: Criterion) -> None:
    clash = Criterion.objects.filter(project_id=criterion.project_id, name__iexact=criterion.name)
    if clash.exclude(pk=criterion.pk).exists():
        raise ValidationError({"name": NAME_TAKEN})


@transaction.atomic
def selection_defaults_create(*, project: Project) -> None:
    """The five standard criteria and an empty workload, for a project that has none (run
    inside project_create, whose audit event covers them)."""
    if not Criterion.objects.filter(project=project).exists():
        Criterion.objects.bulk_create(
            Criterion(
                project=project,
                key=key,
                name=name,
                description=description,
                weight=STANDARD_WEIGHT,
                order=position,
            )
            for position, (key, name, description) in enumerate(STANDARD_CRITERIA, start=1)
        )
    Workload.objects.get_or_create(project=project)


@transaction.atomic
def criterion_create(*, actor: User, project: Project, **fields: Any) -> Criterion:
    require(actor, Perm.PROJECT_MANAGE, project)
    reject_unknown_fields(fields, CRITERION_FIELDS)
    project = lock_project(project)
    check_selection_open(project, changes_set=True)
    last = Criterion.objects.filter(project=project).aggregate(last=Max("order"))["last"] or 0
    criterion = Criterion(project=project, order=last + 1, **fields)
    criterion.full_clean(validate_constraints=False)
    _check_criterion_name(criterion)
    criterion.save()
    _check_weights(project)
    audit_record(
        actor=actor,
        action=Action.CRITERION_CREATED,
        target=criterion,
        project=project,
        data=snapshot(criterion, CRITERION_FIELDS),
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, **changes: Any) -> Criterion:
    """Rename, describe, re-weight a criterion or make it a hard constraint."""
    require(actor, Perm.PROJECT_MANAGE, criterion)
    project = lock_project(criterion.project)
    check_selection_open(project, changes_set=False)
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk)
    locked, changed = model_update(
        instance=locked,
        fields=CRITERION_FIELDS,
        data=changes,
        check=_check_criterion_name,
        validate_constraints=False,
    )
    _check_weights(project)
    if changed:
        audit_record(
            actor=actor,
            action=Action.CRITERION_UPDATED,
            target=locked,
            project=project,
            data=changed,
        )
    return locked


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    require(actor, Perm.PROJECT_MANAGE, criterion)
    project = lock_project(criterion.project)
    check_selection_open(project, changes_set=True)
    data = snapshot(criterion, CRITERION_FIELDS)
    audit_record(
        actor=actor,
        action=Action.CRITERION_DELETED,
        target=criterion,
        project=project,
        data=data,
    )
    criterion.delete()
    _check_weights(project)


def _check_candidate_name(candidate: Candidate) -> None:
    clash = Candidate.objects.filter(project_id=candidate.project_id, name__iexact=candidate.name)
    if clash.exclude(pk=candidate.pk).exists():
        raise ValidationError({"name": CANDIDATE_NAME_TAKEN})


@transaction.atomic
def candidate_create(
    *,
    actor: User,
    project: Project,
    catalogue_model: CatalogueModel | None = None,
    **fields: Any,
) -> Candidate:
    """Put a catalogue model, or building a new one (no `catalogue_model`), forward."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, CANDIDATE_FIELDS)
    project = lock_project(project)
    check_selection_open(project, changes_set=True)
    if catalogue_model is not None:
        if catalogue_model.organization_id != project.organization_id:
            raise ValidationError({"catalogue_model": MODEL_ELSEWHERE})
        if Candidate.objects.filter(project=project, catalogue_model=catalogue_model).exists():
            raise ValidationError({"catalogue_model": CANDIDATE_TAKEN})
        fields.setdefault("name", catalogue_model.label[:160])
    last = Candidate.objects.filter(project=project).aggregate(last=Max("order"))["last"] or 0
    candidate = Candidate(
        project=project,
        kind=Candidate.Kind.CATALOGUE if catalogue_model else Candidate.Kind.BUILD,
        catalogue_model=catalogue_model,
        proposed_by=actor,
        order=last + 1,
        **fields,
    )
    candidate.full_clean(validate_constraints=False)
    _check_candidate_name(candidate)
    candidate.full_clean()
    candidate.save()
    audit_record(
        actor=actor,
        action=Action.CANDIDATE_CREATED,
        target=candidate,
        project=project,
        data=snapshot(candidate, ["kind", "catalogue_model", *CANDIDATE_FIELDS]),
    )
    return candidate


@transaction.atomic
def candidate_update(*, actor: User, candidate: Candidate, **changes: Any) -> Candidate:
    """Change a candidate's name, rationale or cost figures."""
    require(actor, Perm.PROJECT_CONTRIBUTE, candidate)
    project = lock_project(candidate.project)
    check_selection_open(project, changes_set=False)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    locked, changed = model_update(
        instance=locked, fields=CANDIDATE_FIELDS, data=changes, check=_check_candidate_name
    )
    if changed:
        audit_record(
            actor=actor,
            action=Action.CANDIDATE_UPDATED,
            target=locked,
            project=project,
            data=changed,
        )
    return locked


@transaction.atomic
def candidate_delete(*, actor: User, candidate: Candidate) -> None:
    require(actor, Perm.PROJECT_MANAGE, candidate)
    project = lock_project(candidate.project)
    check_selection_open(project, changes_set=True)
    audit_record(
        actor=actor,
        action=Action.CANDIDATE_DELETED,
        target=candidate,
        project=project,
        data=snapshot(candidate, ["kind", "catalogue_model", "name"]),
    )
    candidate.delete()


@transaction.atomic
def workload_update(*, actor: User, project: Project, **changes: Any) -> Workload:
    """The expected production volume (requests a month, tokens in and out per request)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    project = lock_project(project)
    check_selection_open(project, changes_set=False)
    workload, _ = Workload.objects.select_for_update().get_or_create(project=project)
    workload, changed = model_update(instance=workload, fields=WORKLOAD_FIELDS, data=changes)
    if changed:
        audit_record(
            actor=actor,
            action=Action.WORKLOAD_UPDATED,
            target=workload,
            project=project,
            data=changed,
        )
    return workload
