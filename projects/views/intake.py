"""Use-case intake: propose an AI use case; administrators and compliance officers triage."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can, require
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors, error_text
from projects import selectors, services
from projects.forms_scope import ProposalForm, TriageForm
from projects.models import UseCaseProposal


@login_required
@require_http_methods(["GET", "POST"])
def proposal_list(request: AuthenticatedRequest) -> HttpResponse:
    """The inventory of proposed use cases (accepted, pending and turned down) and the form."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.proposal_submit(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Thank you: your proposal is in the inventory.")
                return redirect("projects:proposal-list")
    wanted = request.GET.get("status", "")
    proposals = selectors.proposal_list_for_user(
        user=request.user,
        organization=org,
        status=wanted if wanted in UseCaseProposal.Status.values else None,
    )
    context = {
        "organization": org,
        "proposals": proposals,
        "form": form,
        "triage_form": TriageForm(),
        "can_triage": can(request.user, Perm.INTAKE_TRIAGE, org),
        "statuses": UseCaseProposal.Status.choices,
        "wanted": wanted,
        "nav": "intake",
    }
    return render(request, "projects/proposals.html", context, status=status)


@login_required
@require_POST
def proposal_triage(request: AuthenticatedRequest, proposal_id: Any) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, id=proposal_id)
    require(request.user, Perm.INTAKE_TRIAGE, proposal)
    form = TriageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision.")
        return redirect("projects:proposal-list")
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "accept":
            project = services.proposal_accept(actor=request.user, proposal=proposal, note=note)
            messages.success(request, f"Accepted: “{project.name}” is now in Scope.")
            return redirect("projects:project-detail", project.pk)
        if decision == "info":
            services.proposal_request_info(actor=request.user, proposal=proposal, note=note)
        else:
            services.proposal_reject(actor=request.user, proposal=proposal, reason=note)
    except (ValidationError, ConflictError, PermissionDenied) as error:
        messages.error(
            request, error_text(error, "Only administrators and compliance officers triage.")
        )
    else:
        messages.success(request, "Decision recorded.")
    return redirect("projects:proposal-list")
