"""The gate page: criteria met or not, the request, the two sign-offs, moving back."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import error_text
from projects import selectors, services
from projects.forms_scope import GateDecisionForm, ReasonForm
from projects.pages import project_context
from projects.services.gates import CAPACITY_PERMS, gate_sign_decisions

# Where the work behind each criterion's section is done.
SECTION_URLS = {
    "scope": "projects:scope-document",
    "feasibility": "projects:feasibility-list",
    "risks": "projects:risk-register",
    "workshops": "stakeholders:workshop-list",
    "decision": "models_registry:selection",
    "adapt": "models_registry:adapt",
    "operate": "models_registry:operate",
    "compliance": "compliance:project-compliance",
}


@login_required
@require_http_methods(["GET"])
def gate_page(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    status = selectors.gate_status(user=request.user, project=project)
    criteria = [
        {
            "result": result,
            "url": reverse(SECTION_URLS[result.section], args=[project.pk])
            if result.section in SECTION_URLS
            else "",
        }
        for result in status.criteria
    ]
    signable = {}
    if status.pending is not None:
        status.pending.project = project  # the same project, already loaded: spares a query
        # Each capacity's decision, with the policy's reason when the role alone would allow it.
        signable = gate_sign_decisions(request.user, status.pending)
    context = project_context(
        request,
        project,
        "gate",
        gate=status,
        criteria=criteria,
        signable=signable,
        decision_form=GateDecisionForm(),
        reason_form=ReasonForm(),
        history=selectors.phase_history(user=request.user, project=project),
    )
    return render(request, "projects/gate.html", context)


@login_required
@require_POST
def gate_request(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    try:
        services.gate_request(
            actor=request.user, project=project, note=request.POST.get("note", "")[:5000]
        )
    except ValidationError as error:
        messages.error(request, error_text(error, "The gate cannot be requested."))
    except ConflictError as error:
        unmet = (
            ", ".join(c["label"] for c in error.details or [])
            if isinstance(error.details, list)
            else ""
        )
        messages.error(request, f"{error.message} {('Missing: ' + unmet) if unmet else ''}".strip())
    else:
        messages.success(
            request, "Gate requested: the manager and a compliance officer sign off next."
        )
    return redirect("projects:gate", project.pk)


@login_required
@require_POST
def gate_decide(
    request: AuthenticatedRequest, project_id: Any, request_id: Any, decision: str
) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    gate_request_row = selectors.gate_request_get_for_user(user=request.user, id=request_id)
    if gate_request_row.project_id != project.pk or decision not in (
        "approve",
        "reject",
        "withdraw",
    ):
        raise Http404
    form = GateDecisionForm(request.POST)
    capacity = form.data.get("capacity", "")
    comment = str(form.data.get("comment", ""))[:5000]
    # A role that may not sign in that capacity at all is refused outright (403); the
    # sign-off rules themselves (segregation of duties) answer on the gate page.
    needed = Perm.PROJECT_MANAGE if decision == "withdraw" else CAPACITY_PERMS.get(capacity)
    is_requester = decision == "withdraw" and gate_request_row.requested_by_id == request.user.pk
    if needed is not None and not is_requester and not can(request.user, needed, project):
        raise PermissionDenied
    try:
        if decision == "approve":
            services.gate_approve(
                actor=request.user, request=gate_request_row, capacity=capacity, comment=comment
            )
        elif decision == "reject":
            services.gate_reject(
                actor=request.user, request=gate_request_row, capacity=capacity, comment=comment
            )
        else:
            services.gate_withdraw(actor=request.user, request=gate_request_row)
    except (ValidationError, ConflictError, PermissionDenied) as error:
        messages.error(request, error_text(error, "Your role does not allow this sign-off."))
    else:
        messages.success(
            request,
            {
                "approve": "Sign-off recorded.",
                "reject": "Gate refused.",
                "withdraw": "Request withdrawn.",
            }[decision],
        )
    return redirect("projects:gate", project.pk)


@login_required
@require_POST
def move_back(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    form = ReasonForm(request.POST)
    try:
        services.gate_move_back(
            actor=request.user, project=project, reason=form.data.get("reason", "")[:5000]
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error, "The project cannot move back."))
    else:
        messages.success(request, "The project moved back one phase.")
    return redirect("projects:gate", project.pk)
