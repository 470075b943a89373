"""A project's bias audits page: what the audits reviewed and found, scheduling one,
conducting it (or an ad-hoc one) and the compliance officer's sign-off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.types import AuthenticatedRequest
from compliance.forms_bias_audits import ConductForm, ScheduleForm, SignOffForm
from compliance.models import BiasAudit
from compliance.selectors.bias_audits import bias_audit_get_for_user, bias_audit_list
from compliance.services.bias_audits import (
    bias_audit_conduct,
    bias_audit_schedule,
    bias_audit_sign_off,
)
from core.forms import add_service_errors
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "compliance"


def _page(
    request: AuthenticatedRequest, project: Project, *, status: int = 200, **sent: Any
) -> HttpResponse:
    audits = list(bias_audit_list(project=project))
    for audit in audits:
        audit.may_sign = can(request.user, Rule.BIAS_AUDIT_SIGN_OFF, audit)  # type: ignore[attr-defined]
    context = project_context(
        request,
        project,
        TAB,
        audits=audits,
        may_run=can(request.user, Rule.CLASSIFY, project),
        schedule_form=sent.get("schedule_form") or ScheduleForm(),
        conduct_form=sent.get("conduct_form") or ConductForm(),
        errors=sent.get("errors", []),
    )
    return render(request, "compliance/bias_audits.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def bias_audits(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _page(
        request, project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    )


@login_required
@require_POST
def bias_audit_new(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.CLASSIFY)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            bias_audit_schedule(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Bias audit scheduled.")
            return redirect("compliance:bias-audits", project.pk)
    return _page(request, project, status=400, schedule_form=form)


def _audit(request: AuthenticatedRequest, project: Project, audit_id: Any) -> BiasAudit:
    audit = bias_audit_get_for_user(user=request.user, id=audit_id)
    if audit.project_id != project.pk:
        raise Http404
    return audit


@login_required
@require_POST
def bias_audit_conduct_view(
    request: AuthenticatedRequest, project_id: Any, audit_id: Any | None = None
) -> HttpResponse:
    """Conduct the planned audit `audit_id`, or an ad-hoc one without it."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.CLASSIFY)
    audit = _audit(request, project, audit_id) if audit_id else None
    form = ConductForm(request.POST)
    if form.is_valid():
        try:
            bias_audit_conduct(
                actor=request.user, project=project, audit=audit, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Bias audit recorded: it awaits a compliance officer.")
            return redirect("compliance:bias-audits", project.pk)
    return _page(request, project, status=400, conduct_form=form)


@login_required
@require_POST
def bias_audit_sign(request: AuthenticatedRequest, project_id: Any, audit_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    audit = _audit(request, project, audit_id)
    if not can(request.user, Rule.BIAS_AUDIT_SIGN_OFF, audit):
        raise PermissionDenied
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        bias_audit_sign_off(
            actor=request.user, audit=audit, comment=form.cleaned_data.get("comment", "")
        )
    except ValidationError as error:
        return _page(request, project, status=400, errors=error.messages)
    messages.success(request, "Bias audit signed off.")
    return redirect("compliance:bias-audits", project.pk)
