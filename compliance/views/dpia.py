"""A project's DPIA pages: the newest version (or a given one), its history, the draft's
form, submission, the DPO's opinion, the two sign-offs, reopening and revising. Refusals
say why in place: field errors re-render their form (400), a state that forbids the action
shows its message (409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.types import AuthenticatedRequest
from compliance.dpia_screening import screening_reason
from compliance.forms_privacy import DpiaForm, DpiaOpinionForm, DpiaReopenForm, DpiaSignOffForm
from compliance.models import DpiaApproval, DpiaVersion
from compliance.selectors.dpia import (
    dpia_version_current,
    dpia_version_get_for_user,
    dpia_version_list,
)
from compliance.services import dpia as services
from core.errors import ConflictError
from core.forms import add_service_errors, choice_field, error_text
from core.htmx import redirect_after_success, render_htmx
from models_registry.models.data_inventory import labels
from models_registry.selectors import dataset_list
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user, risk_list

TAB = "privacy"
TEMPLATE = "compliance/dpia.html"
Capacity = DpiaApproval.Capacity
CAPACITY_ROLES = {
    Capacity.MANAGER: Perm.PROJECT_MANAGE,
    Capacity.COMPLIANCE: Perm.PROJECT_APPROVE_COMPLIANCE,
}


def _draft_form(
    request: AuthenticatedRequest, project: Project, dpia: DpiaVersion, data: Any = None
) -> DpiaForm:
    initial = {field: getattr(dpia, field) for field in services.TEXT_FIELDS}
    initial |= {
        "revision": dpia.revision,
        "datasets": [str(d.pk) for d in dpia.datasets.all()],
        "risks": [str(r.pk) for r in dpia.risks.all()],
    }
    form = DpiaForm(data, initial=initial)
    choice_field(form, "datasets").choices = [
        (str(d.pk), d.name) for d in dataset_list(project=project)
    ]
    choice_field(form, "risks").choices = [
        (str(r.pk), f"{r.code} {r.title}")
        for r in risk_list(user=request.user, project=project).order_by("reference")
    ]
    return form


def _page(
    request: AuthenticatedRequest,
    project: Project,
    dpia: DpiaVersion | None,
    *,
    status: int = 200,
    partial: str = "dpia-version",
    **sent: Any,
) -> HttpResponse:
    signed = {a.capacity for a in dpia.approvals.all()} if dpia else set()
    in_review = dpia is not None and dpia.status == DpiaVersion.Status.IN_REVIEW
    context = project_context(
        request,
        project,
        TAB,
        dpia=dpia,
        versions=list(dpia_version_list(project=project)),
        screening=(
            screening_reason(art35_cases=dpia.art35_cases, criteria=dpia.criteria) if dpia else ""
        ),
        screening_items=(
            labels(DpiaVersion.Case, dpia.art35_cases)
            + labels(DpiaVersion.Criterion, dpia.criteria)
            if dpia
            else []
        ),
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
        may_opinion=bool(dpia and in_review and can(request.user, Rule.DPIA_DPO_OPINION, dpia)),
        sign_as=[
            (value, label)
            for value, label, rule in (
                (Capacity.MANAGER, Capacity.MANAGER.label, Rule.DPIA_SIGN_MANAGER),
                (Capacity.COMPLIANCE, Capacity.COMPLIANCE.label, Rule.DPIA_SIGN_COMPLIANCE),
            )
            if dpia and in_review and value not in signed and can(request.user, rule, dpia)
        ],
        form=sent.get("form")
        or (_draft_form(request, project, dpia) if dpia and dpia.status == "draft" else None),
        opinion_form=sent.get("opinion_form") or DpiaOpinionForm(),
        errors=sent.get("errors", []),
    )
    return render_htmx(request, TEMPLATE, context, partial=partial, status=status)


def _version(request: AuthenticatedRequest, project: Project, dpia_id: Any) -> DpiaVersion:
    dpia = dpia_version_get_for_user(user=request.user, id=dpia_id)
    if dpia.project_id != project.pk:
        raise Http404
    return dpia


def _fresh(request: AuthenticatedRequest, dpia: DpiaVersion) -> DpiaVersion:
    return dpia_version_get_for_user(user=request.user, id=dpia.pk)


@login_required
@require_http_methods(["GET"])
def dpia_current(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    return _page(request, project, dpia_version_current(project=project))


@login_required
@require_http_methods(["GET"])
def dpia_version(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    return _page(request, project, _version(request, project, dpia_id))


@login_required
@require_POST
def dpia_start(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Start the DPIA, or revise the signed version into the next one."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    try:
        dpia = services.dpia_start(actor=request.user, project=project)
    except ConflictError as error:
        current = dpia_version_current(project=project)
        return _page(request, project, current, status=409, errors=[error.message])
    messages.success(request, f"DPIA version {dpia.number} started.")
    return redirect_after_success(request, "compliance:dpia-version", project.pk, dpia.pk)


@login_required
@require_POST
def dpia_edit(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    dpia = _version(request, project, dpia_id)
    form = _draft_form(request, project, dpia, request.POST)
    return _submit_form(
        request,
        project,
        dpia,
        form,
        lambda data: services.dpia_update(actor=request.user, dpia=dpia, **data),
        done="DPIA draft saved.",
        partial="dpia-form",
        form_name="form",
    )


def _submit_form(
    request: AuthenticatedRequest,
    project: Project,
    dpia: DpiaVersion,
    form: forms.Form,
    change: Callable[[dict[str, Any]], object],
    *,
    done: str,
    partial: str,
    form_name: str,
) -> HttpResponse:
    """A valid form makes the change and goes back to the version; an invalid one, or one the
    service refuses, comes back in place with its errors (409 when the version moved on)."""
    status = 400
    if form.is_valid():
        try:
            change(form.cleaned_data)
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect_after_success(request, "compliance:dpia-version", project.pk, dpia.pk)
    context: dict[str, Any] = {form_name: form}
    return _page(request, project, _fresh(request, dpia), status=status, partial=partial, **context)


def _act(
    request: AuthenticatedRequest, project: Project, dpia: DpiaVersion, done: str, call: Any
) -> HttpResponse:
    """Run a workflow step; its refusal is shown on the page with the reason."""
    try:
        call()
    except ConflictError as error:
        return _page(request, project, _fresh(request, dpia), status=409, errors=[error.message])
    except ValidationError as error:
        return _page(request, project, _fresh(request, dpia), status=400, errors=error.messages)
    messages.success(request, done)
    return redirect_after_success(request, "compliance:dpia-version", project.pk, dpia.pk)


@login_required
@require_POST
def dpia_submit(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    dpia = _version(request, project, dpia_id)
    return _act(
        request,
        project,
        dpia,
        "DPIA submitted for review.",
        lambda: services.dpia_submit(actor=request.user, dpia=dpia),
    )


@login_required
@require_POST
def dpia_reopen(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    dpia = _version(request, project, dpia_id)
    form = DpiaReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        project,
        dpia,
        "DPIA back to draft.",
        lambda: services.dpia_reopen(actor=request.user, dpia=dpia, reason=reason),
    )


@login_required
@require_POST
def dpia_opinion(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    dpia = _version(request, project, dpia_id)
    if not can(request.user, Rule.DPIA_DPO_OPINION, dpia):
        raise PermissionDenied
    form = DpiaOpinionForm(request.POST)
    return _submit_form(
        request,
        project,
        dpia,
        form,
        lambda data: services.dpia_dpo_opinion_give(actor=request.user, dpia=dpia, **data),
        done="The DPO's opinion is recorded.",
        partial="opinion-form",
        form_name="opinion_form",
    )


@login_required
@require_POST
def dpia_sign(request: AuthenticatedRequest, project_id: Any, dpia_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    dpia = _version(request, project, dpia_id)
    form = DpiaSignOffForm(request.POST)
    if not form.is_valid():
        return _page(request, project, dpia, status=400, errors=[services.BAD_CAPACITY])
    # The capacity's role first (403 for who holds neither); the service then asks the rule,
    # whose refusal — this person gave the other sign-off — is shown with its reason.
    role = CAPACITY_ROLES[form.cleaned_data["capacity"]]
    if not can(request.user, role, dpia):
        raise PermissionDenied
    try:
        services.dpia_sign_off(actor=request.user, dpia=dpia, **form.cleaned_data)
    except PermissionDenied as error:  # the rule's reason: this person gave the other one
        return _page(
            request, project, _fresh(request, dpia), status=403, errors=[error_text(error)]
        )
    except ConflictError as error:
        return _page(request, project, _fresh(request, dpia), status=409, errors=[error.message])
    signed = _fresh(request, dpia)
    done = "DPIA signed off." if signed.status == "signed_off" else "Sign-off recorded."
    messages.success(request, done)
    return redirect_after_success(request, "compliance:dpia-version", project.pk, dpia.pk)
