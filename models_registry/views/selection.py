"""A project's Select tab: criteria and weights, candidates with their cost, the workload,
the reviewer's own score sheet, the matrix with its sensitivity, and the decision record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can, decide
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, error_text
from models_registry import selectors, services
from models_registry.charts import CHART, sensitivity_rows
from models_registry.forms_selection import (
    CandidateCostForm,
    CandidateForm,
    CriterionForm,
    DecisionForm,
    DecisionSignForm,
    ScoreSheetForm,
    WorkloadForm,
)
from models_registry.models import DecisionRecord
from models_registry.scoring import DISAGREEMENT_SPREAD, SENSITIVITY_POINTS, matrix_as_dict
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "selection"


def _catalogue_choices(project: Project) -> list[tuple[str, str]]:
    models = selectors.catalogue_models_not_candidates(project=project)
    return [(str(m.pk), m.label) for m in models]


def _page(
    request: AuthenticatedRequest, project: Project, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    """The Select tab, with any form the request sent back in place of the blank one."""
    candidates = list(selectors.candidate_list(project=project))
    criteria = list(selectors.criterion_list(project=project))
    costs = selectors.cost_estimates(project=project, candidates=candidates)
    workload = selectors.workload_get(project=project)
    access = selectors.matrix_access(user=request.user, project=project)
    matrix = selectors.selection_matrix(project=project) if access.allowed else None
    shares = selectors.selection_shares(criteria=criteria)
    sheet = selectors.my_sheet(user=request.user, project=project)
    context = project_context(
        request,
        project,
        TAB,
        criteria=[{"row": c, "share": shares[str(c.pk)]} for c in criteria],
        candidates=[{"row": c, "cost": costs[str(c.pk)]} for c in candidates],
        currency=project.organization.currency,
        workload=workload,
        sheet=sheet,
        may_score=can(request.user, Rule.SELECTION_SCORE, project),
        sheets=list(selectors.sheet_list(project=project)),
        matrix=matrix_as_dict(matrix) if matrix else None,
        blind_reason=access.reason,
        decisions=list(selectors.decision_list(project=project)),
        scoring_started=selectors.scoring_started(project=project),
        in_select=project.phase == Project.Phase.SELECT,
        criterion_form=forms_.get("criterion_form") or CriterionForm(),
        candidate_form=forms_.get("candidate_form")
        or CandidateForm(models=_catalogue_choices(project)),
        workload_form=forms_.get("workload_form")
        or WorkloadForm(
            initial={
                "requests_per_month": workload.requests_per_month,
                "input_tokens_per_request": workload.input_tokens_per_request,
                "output_tokens_per_request": workload.output_tokens_per_request,
            }
        ),
        errors=forms_.get("errors", []),
    )
    return render(request, "models_registry/selection.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def selection_page(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _page(request, project_get_for_user(user=request.user, id=project_id))


def _refused(
    request: AuthenticatedRequest, project: Project, error: ValidationError
) -> HttpResponse:
    return _page(request, project, status=400, errors=error.messages)


@login_required
@require_POST
def criterion_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Criterion “{form.cleaned_data['name']}” added.")
            return redirect("models_registry:selection", project.pk)
    return _page(request, project, status=400, criterion_form=form)


def _criterion(request: AuthenticatedRequest, project: Project, criterion_id: Any) -> Any:
    criterion = selectors.criterion_get_for_user(user=request.user, id=criterion_id)
    if criterion.project_id != project.pk:
        raise Http404
    return criterion


@login_required
@require_POST
def criterion_edit(
    request: AuthenticatedRequest, project_id: Any, criterion_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE)
    criterion = _criterion(request, project, criterion_id)
    form = CriterionForm(request.POST)
    if not form.is_valid():
        return _page(request, project, status=400, errors=_form_errors(form, criterion.name))
    try:
        services.criterion_update(actor=request.user, criterion=criterion, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, project, error)
    messages.success(request, f"Criterion “{form.cleaned_data['name']}” saved.")
    return redirect("models_registry:selection", project.pk)


@login_required
@require_POST
def criterion_delete(
    request: AuthenticatedRequest, project_id: Any, criterion_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE)
    criterion = _criterion(request, project, criterion_id)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as error:
        return _refused(request, project, error)
    messages.success(request, f"Criterion “{criterion.name}” removed.")
    return redirect("models_registry:selection", project.pk)


def _form_errors(form: forms.Form, subject: str) -> list[str]:
    """A row form's errors as lines for the page's error box (the row has no form of its own
    on the page to show them beside)."""
    lines: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        where = f"{subject}, {(field.label or name).lower()}" if field else subject
        lines.extend(f"{where}: {error}" for error in errors)
    return lines


def _blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data,
        "cost_currency": (data.get("cost_currency") or "").strip().upper(),
    }


@login_required
@require_POST
def candidate_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = CandidateForm(request.POST, models=_catalogue_choices(project))
    if form.is_valid():
        data = _blank_to_none(form.cleaned_data)
        model_id = data.pop("catalogue_model")
        model = (
            selectors.catalogue_model_for_project(project=project, id=model_id)
            if model_id
            else None
        )
        if not data["name"]:
            data.pop("name")
        try:
            candidate = services.candidate_create(
                actor=request.user, project=project, catalogue_model=model, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{candidate.name}” put forward.")
            return redirect("models_registry:selection", project.pk)
    return _page(request, project, status=400, candidate_form=form)


def _candidate(request: AuthenticatedRequest, project: Project, candidate_id: Any) -> Any:
    candidate = selectors.candidate_get_for_user(user=request.user, id=candidate_id)
    if candidate.project_id != project.pk:
        raise Http404
    return candidate


@login_required
@require_POST
def candidate_edit(
    request: AuthenticatedRequest, project_id: Any, candidate_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    candidate = _candidate(request, project, candidate_id)
    form = CandidateCostForm(request.POST)
    if not form.is_valid():
        return _page(request, project, status=400, errors=_form_errors(form, candidate.name))
    try:
        services.candidate_update(
            actor=request.user, candidate=candidate, **_blank_to_none(form.cleaned_data)
        )
    except ValidationError as error:
        return _refused(request, project, error)
    messages.success(request, f"“{candidate.name}” saved.")
    return redirect("models_registry:selection", project.pk)


@login_required
@require_POST
def candidate_delete(
    request: AuthenticatedRequest, project_id: Any, candidate_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE)
    candidate = _candidate(request, project, candidate_id)
    try:
        services.candidate_delete(actor=request.user, candidate=candidate)
    except ValidationError as error:
        return _refused(request, project, error)
    messages.success(request, f"“{candidate.name}” withdrawn.")
    return redirect("models_registry:selection", project.pk)


@login_required
@require_POST
def workload_edit(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = WorkloadForm(request.POST)
    if form.is_valid():
        try:
            services.workload_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Workload saved: the cost estimates follow it.")
            return redirect("models_registry:selection", project.pk)
    return _page(request, project, status=400, workload_form=form)


# --- the reviewer's own sheet --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Your scores: saved as a draft you may change, then submitted once complete."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.SELECTION_SCORE)
    candidates = list(selectors.candidate_list(project=project))
    criteria = list(selectors.criterion_list(project=project))
    sheet = selectors.my_sheet(user=request.user, project=project)
    form = ScoreSheetForm(
        request.POST or None,
        candidates=candidates,
        criteria=criteria,
        initial_scores=selectors.my_scores(sheet=sheet),
        disabled=not sheet.is_open,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                for candidate, criterion, value, why in form.filled():
                    services.score_record(
                        actor=request.user,
                        candidate=candidate,
                        criterion=criterion,
                        value=value,
                        justification=why,
                    )
                if request.POST.get("submit") == "1":
                    services.sheet_submit(actor=request.user, project=project)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                submitted = request.POST.get("submit") == "1"
                messages.success(
                    request,
                    "Your scores are submitted: the matrix is open to you."
                    if submitted
                    else "Your scores are saved as a draft: nobody else sees them.",
                )
                return redirect(
                    "models_registry:selection" if submitted else "models_registry:score-sheet",
                    project.pk,
                )
    context = project_context(
        request, project, TAB, form=form, sheet=sheet, rows=form.rows(), criteria=criteria
    )
    return render(request, "models_registry/score_sheet.html", context, status=status)


@login_required
@require_POST
def sheet_abstain(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.SELECTION_SCORE)
    try:
        services.sheet_abstain(actor=request.user, project=project)
    except ValidationError as error:
        return _refused(request, project, error)
    messages.success(request, "You abstain from scoring: the matrix is open to you.")
    return redirect("models_registry:selection", project.pk)


# --- the matrix ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def matrix_page(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Per-reviewer scores, weighted totals, spread, ranking and sensitivity — once you may."""
    project = project_get_for_user(user=request.user, id=project_id)
    matrix = selectors.matrix_for_user(user=request.user, project=project)
    candidates = list(selectors.candidate_list(project=project))
    context = project_context(
        request,
        project,
        TAB,
        **_matrix_context(
            matrix_as_dict(matrix),
            {
                cid: estimate.as_dict()
                for cid, estimate in selectors.cost_estimates(
                    project=project, candidates=candidates
                ).items()
            },
            project.organization.currency,
        ),
    )
    return render(request, "models_registry/matrix.html", context)


# --- the decision record -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE)
    candidates = [(str(c.pk), c.name) for c in selectors.candidate_list(project=project)]
    form = DecisionForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = _candidate(request, project, form.cleaned_data["chosen"])
            try:
                decision = services.decision_record(
                    actor=request.user,
                    project=project,
                    chosen=chosen,
                    rationale=form.cleaned_data["rationale"],
                    rejected_reasons=form.reasons(),
                    open_or_closed=form.cleaned_data["open_or_closed"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"{decision.code} recorded: it awaits compliance approval."
                )
                return redirect("models_registry:decision-detail", project.pk, decision.pk)
    reason_fields = [form[name] for name in form.fields if name.startswith("reason_")]
    context = project_context(request, project, TAB, form=form, reason_fields=reason_fields)
    return render(request, "models_registry/decision_form.html", context, status=status)


def _decision(request: AuthenticatedRequest, project: Project, decision_id: Any) -> DecisionRecord:
    decision = selectors.decision_get_for_user(user=request.user, id=decision_id)
    if decision.project_id != project.pk:
        raise Http404
    return decision


def _matrix_context(matrix: dict[str, Any], costs: dict[str, Any], currency: str) -> dict[str, Any]:
    """What includes/matrix.html needs, from a live or a frozen matrix."""
    rows = [row | {"cost": costs.get(row["candidate"], {})} for row in matrix.get("rows", [])]
    return {
        "matrix": matrix | {"rows": rows},
        "currency": currency,
        "points": SENSITIVITY_POINTS,
        "disagreement": DISAGREEMENT_SPREAD,
        "chart": CHART,
        "chart_rows": sensitivity_rows(matrix),
    }


def _decision_page(
    request: AuthenticatedRequest,
    project: Project,
    decision: DecisionRecord,
    *,
    form: DecisionSignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sign = decide(request.user, Rule.DECISION_SIGN_COMPLIANCE, decision)
    frozen = decision.frozen_matrix
    context = project_context(
        request,
        project,
        TAB,
        decision=decision,
        **_matrix_context(frozen, frozen.get("costs", {}), frozen.get("currency", "")),
        may_sign=sign.allowed and decision.status == DecisionRecord.Status.PENDING,
        sign_reason=sign.reason,
        form=form or DecisionSignForm(),
    )
    return render(request, "models_registry/decision_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def decision_detail(
    request: AuthenticatedRequest, project_id: Any, decision_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    return _decision_page(request, project, _decision(request, project, decision_id))


@login_required
@require_POST
def decision_sign(request: AuthenticatedRequest, project_id: Any, decision_id: Any) -> HttpResponse:
    project = project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_APPROVE_COMPLIANCE
    )
    decision = _decision(request, project, decision_id)
    form = DecisionSignForm(request.POST)
    if form.is_valid():
        try:
            signed = services.decision_sign_compliance(
                actor=request.user, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, error_text(error, "You may not sign this decision."))
            return _decision_page(request, project, decision, form=form, status=403)
        else:
            messages.success(request, f"{signed.code} {signed.get_status_display().lower()}.")
            return redirect("models_registry:decision-detail", project.pk, decision.pk)
    return _decision_page(request, project, decision, form=form, status=400)
