"""Reads of a project's selection: criteria, candidates, sheets, the matrix (blind until the
reader's own sheet is closed), cost estimates and decision records.

Every function takes a project the caller already fetched through the policy. Query counts do
not grow with the number of candidates, criteria or reviewers (asserted in the tests).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import Actor, Decision, Rule, decide, visible
from accounts.selectors import visible_object_get
from models_registry.models import (
    Candidate,
    CatalogueModel,
    Criterion,
    DecisionApproval,
    DecisionRecord,
    ExchangeRate,
    Score,
    ScoreSheet,
    Workload,
)
from models_registry.scoring import (
    CandidateInput,
    CostEstimate,
    CostInput,
    CriterionInput,
    Matrix,
    SheetInput,
    WorkloadInput,
    build_matrix,
    monthly_cost,
    shares,
)
from projects.models import Project


def scoring_started(*, project: Project) -> bool:
    """Has a reviewer closed their sheet? From then on criteria and candidates are fixed."""
    closed = ScoreSheet.objects.filter(project=project).exclude(status=ScoreSheet.Status.DRAFT)
    return closed.exists()


def selection_shares(*, criteria: list[Criterion]) -> dict[str, Fraction]:
    """{criterion id: its weight as a percentage of all weights}."""
    return shares([CriterionInput(str(c.pk), c.name, c.weight) for c in criteria])


def catalogue_model_for_project(*, project: Project, id: Any) -> CatalogueModel:
    """A model of the project's organisation's catalogue, or 404."""
    models = CatalogueModel.objects.filter(organization_id=project.organization_id)
    try:
        found = models.filter(pk=id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise Http404
    return found


def catalogue_models_of(*, project: Project) -> QuerySet[CatalogueModel]:
    """The project's organisation's catalogue, for picking a model (names only)."""
    return CatalogueModel.objects.filter(organization_id=project.organization_id).order_by(
        "provider", "name", "version"
    )


def catalogue_models_not_candidates(*, project: Project) -> QuerySet[CatalogueModel]:
    """The organisation's catalogue models the project has not made candidates yet."""
    taken = Candidate.objects.filter(project=project).values("catalogue_model_id")
    return (
        CatalogueModel.objects.filter(organization_id=project.organization_id)
        .exclude(pk__in=taken)
        .order_by("provider", "name", "version")
    )


def candidate_in_project(*, project: Project, id: Any) -> Candidate | None:
    """The project's candidate with this id (already validated as a UUID), or None."""
    return Candidate.objects.filter(project=project, pk=id).first()


def criterion_in_project(*, project: Project, id: Any) -> Criterion | None:
    """The project's criterion with this id (already validated as a UUID), or None."""
    return Criterion.objects.filter(project=project, pk=id).first()


def criterion_list(*, project: Project) -> QuerySet[Criterion]:
    return Criterion.objects.filter(project=project)


def candidate_list(*, project: Project) -> QuerySet[Candidate]:
    return Candidate.objects.filter(project=project).select_related(
        "catalogue_model__vendor", "proposed_by"
    )


def criterion_get_for_user(*, user: Actor, id: Any) -> Criterion:
    return visible_object_get(
        user=user,
        model=Criterion,
        id=id,
        queryset=visible(user, Criterion).select_related("project"),
    )


def candidate_get_for_user(*, user: Actor, id: Any) -> Candidate:
    return visible_object_get(
        user=user,
        model=Candidate,
        id=id,
        queryset=visible(user, Candidate).select_related("project", "catalogue_model"),
    )


def workload_get(*, project: Project) -> Workload:
    """The project's workload (an unsaved empty one if it was never set)."""
    return Workload.objects.filter(project=project).first() or Workload(project=project)


def my_sheet(*, user: User, project: Project) -> ScoreSheet:
    """The user's sheet on the project, with their scores (unsaved if they have none)."""
    sheet = (
        ScoreSheet.objects.filter(project=project, reviewer=user).prefetch_related("scores").first()
    )
    return sheet or ScoreSheet(project=project, reviewer=user)


def my_scores(*, sheet: ScoreSheet) -> dict[tuple[Any, Any], Score]:
    """{(candidate id, criterion id): score} of one sheet."""
    if not sheet.is_saved:
        return {}
    return {(s.candidate_id, s.criterion_id): s for s in sheet.scores.all()}


def matrix_access(*, user: Actor, project: Project) -> Decision:
    """May the user read the others' scores now? (Not before their own sheet is closed.)"""
    if not isinstance(user, User):
        return Decision(False)
    return decide(user, Rule.SELECTION_MATRIX_VIEW, my_sheet(user=user, project=project))


def selection_matrix(*, project: Project) -> Matrix:
    """The live matrix from the submitted sheets (no policy check: services freeze it, and
    `matrix_for_user` guards it for readers)."""
    criteria = list(criterion_list(project=project))
    candidates = list(Candidate.objects.filter(project=project).only("id", "name", "order"))
    sheets = list(
        ScoreSheet.objects.filter(project=project, status=ScoreSheet.Status.SUBMITTED)
        .select_related("reviewer")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.only("sheet_id", "candidate_id", "criterion_id", "value"),
            )
        )
        .order_by("submitted_at")
    )
    return build_matrix(
        [
            CriterionInput(str(c.pk), c.name, c.weight, c.is_hard_constraint, c.minimum_score)
            for c in criteria
        ],
        [CandidateInput(str(c.pk), c.name) for c in candidates],
        [
            SheetInput(
                str(sheet.reviewer_id),
                sheet.reviewer.display_name,
                {(str(s.candidate_id), str(s.criterion_id)): s.value for s in sheet.scores.all()},
            )
            for sheet in sheets
        ],
    )


def matrix_for_user(*, user: Actor, project: Project) -> Matrix:
    """The live matrix, or PermissionDenied (with the reason) while the user is blind."""
    access = matrix_access(user=user, project=project)
    if not access.allowed:
        raise PermissionDenied(*([access.reason] if access.reason else []))
    return selection_matrix(project=project)


def latest_rates(*, project: Project) -> dict[str, Decimal]:
    """{currency: rate} of the organisation's latest exchange rate per currency."""
    rates: dict[str, Decimal] = {}
    for currency, rate in (
        ExchangeRate.objects.filter(organization_id=project.organization_id)
        .order_by("currency", "-as_of")
        .values_list("currency", "rate")
    ):
        rates.setdefault(currency, rate)
    return rates


def _cost_input(candidate: Candidate) -> CostInput:
    model = candidate.catalogue_model
    uses_tokens = model is not None and model.hosting == model.Hosting.VENDOR_API
    return CostInput(
        input_price_per_million=model.input_price_per_million if uses_tokens and model else None,
        output_price_per_million=model.output_price_per_million if uses_tokens and model else None,
        token_currency=model.currency if model else "",
        gpu_hours_per_month=candidate.gpu_hours_per_month,
        gpu_hour_price=candidate.gpu_hour_price,
        fixed_monthly_cost=candidate.fixed_monthly_cost,
        cost_currency=candidate.cost_currency,
    )


def cost_estimates(
    *, project: Project, candidates: list[Candidate] | None = None
) -> dict[str, CostEstimate]:
    """{candidate id: its monthly cost in the organisation's currency}."""
    found = candidates if candidates is not None else list(candidate_list(project=project))
    workload = workload_get(project=project)
    volume = WorkloadInput(
        workload.requests_per_month,
        workload.input_tokens_per_request,
        workload.output_tokens_per_request,
    )
    currency = project.organization.currency
    rates = latest_rates(project=project)
    return {
        str(c.pk): monthly_cost(_cost_input(c), volume, currency=currency, rates=rates)
        for c in found
    }


def decision_list(*, project: Project) -> QuerySet[DecisionRecord]:
    return (
        DecisionRecord.objects.filter(project=project)
        .select_related("recorded_by", "chosen")
        .prefetch_related(
            Prefetch("approvals", queryset=DecisionApproval.objects.select_related("approver"))
        )
    )


def decision_get_for_user(*, user: Actor, id: Any) -> DecisionRecord:
    return visible_object_get(
        user=user,
        model=DecisionRecord,
        id=id,
        queryset=visible(user, DecisionRecord)
        .select_related("project__organization", "recorded_by", "chosen")
        .prefetch_related(
            Prefetch("approvals", queryset=DecisionApproval.objects.select_related("approver"))
        ),
    )


def sheet_list(*, project: Project) -> QuerySet[ScoreSheet]:
    """Who has scored, and how far (status only: never the scores of an open sheet)."""
    return ScoreSheet.objects.filter(project=project).select_related("reviewer")
