"""A project's Integrate & operate tab: deployments with their rollout stages and timeline,
and incidents with the serious-incident countdown; an incident's own page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, choice_field
from models_registry import selectors, services
from models_registry.forms_operate import DeploymentForm, IncidentForm
from models_registry.incident_clock import serious_kinds
from models_registry.models import Incident
from models_registry.views.operate_charts import operate_charts
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "operate"


def _forms(project: Project, data: Any = None) -> dict[str, forms.Form]:
    deployment_form = DeploymentForm(data)
    choice_field(deployment_form, "model_version").choices = [
        (str(v.pk), v.name) for v in selectors.model_version_list(project=project)
    ]
    incident_form = IncidentForm(data)
    choice_field(incident_form, "deployment").choices = [("", "—")] + [
        (str(d.pk), d.name) for d in selectors.deployment_list(project=project)
    ]
    return {"deployment_form": deployment_form, "incident_form": incident_form}


def _page(
    request: AuthenticatedRequest, project: Project, *, status: int = 200, **sent: Any
) -> HttpResponse:
    deployments = list(selectors.deployment_list(project=project))
    for deployment in deployments:
        deployment.may_approve = can(request.user, Rule.ROLLOUT_APPROVE, deployment)  # type: ignore[attr-defined]
    incidents = [
        {"row": incident, "clock": selectors.clock(incident)}
        for incident in selectors.incident_list(project=project)
    ]
    context = project_context(
        request,
        project,
        TAB,
        deployments=deployments,
        incidents=incidents,
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
        may_manage=can(request.user, Perm.PROJECT_MANAGE, project),
        modifications=list(selectors.modification_flag_list(project=project)),
        may_assess=can(request.user, Perm.PROJECT_APPROVE_COMPLIANCE, project),
        errors=sent.pop("errors", []),
        **operate_charts(project=project, deployments=deployments),
        **(_forms(project) | sent),
    )
    return render(request, "models_registry/operate.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def operate_page(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _page(request, project_get_for_user(user=request.user, id=project_id))


@login_required
@require_POST
def deployment_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["deployment_form"]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["model_version"] = selectors.model_version_in_project(
            project=project, id=data["model_version"]
        )
        try:
            services.deployment_plan(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Rollout plan recorded: another manager approves it.")
            return redirect("models_registry:operate", project.pk)
    return _page(request, project, status=400, deployment_form=form)


STEPS: dict[str, tuple[Callable[..., Any], str | None]] = {
    "approve": (services.deployment_approve, "note"),
    "start": (services.deployment_start, None),
    "confirm-exit": (services.deployment_confirm_exit, "note"),
    "promote": (services.deployment_promote, None),
    "pause": (services.deployment_pause, "reason"),
    "resume": (services.deployment_resume, "note"),
    "rollback": (services.deployment_rollback, "reason"),
    "end": (services.deployment_end, "reason"),
}


@login_required
@require_POST
def deployment_step(
    request: AuthenticatedRequest, project_id: Any, deployment_id: Any, step: str
) -> HttpResponse:
    """One step of a rollout; the policy of each step is the service's."""
    project = project_get_for_user(user=request.user, id=project_id)
    deployment = selectors.deployment_get_for_user(user=request.user, id=deployment_id)
    if deployment.project_id != project.pk or step not in STEPS:
        raise Http404
    service, text_field = STEPS[step]
    kwargs = {text_field: request.POST.get(text_field, "")} if text_field else {}
    try:
        service(actor=request.user, deployment=deployment, **kwargs)
    except ValidationError as error:
        return _page(request, project, status=400, errors=error.messages)
    messages.success(request, f"{deployment.name}: done.")
    return redirect("models_registry:operate", project.pk)


@login_required
@require_POST
def incident_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["incident_form"]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["deployment"] = (
            selectors.deployment_in_project(project=project, id=data["deployment"])
            if data["deployment"]
            else None
        )
        try:
            incident = services.incident_open(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Incident opened.")
            return redirect("models_registry:incident-detail", project.pk, incident.pk)
    return _page(request, project, status=400, incident_form=form)


def _incident(request: AuthenticatedRequest, project: Project, incident_id: Any) -> Incident:
    incident = selectors.incident_get_for_user(user=request.user, id=incident_id)
    if incident.project_id != project.pk:
        raise Http404
    return incident


def _incident_page(
    request: AuthenticatedRequest,
    project: Project,
    incident: Incident,
    *,
    status: int = 200,
    errors: list[str] | None = None,
) -> HttpResponse:
    context = project_context(
        request,
        project,
        TAB,
        incident=incident,
        clock=selectors.clock(incident),
        kinds=list(serious_kinds().values()),
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, incident),
        may_mark_serious=can(request.user, Rule.INCIDENT_SERIOUS, incident),
        errors=errors or [],
    )
    return render(request, "models_registry/incident_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def incident_detail(
    request: AuthenticatedRequest, project_id: Any, incident_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    return _incident_page(request, project, _incident(request, project, incident_id))


@login_required
@require_POST
def incident_step(
    request: AuthenticatedRequest, project_id: Any, incident_id: Any, step: str
) -> HttpResponse:
    """An update, the serious mark, the report to the authority, or the resolution."""
    project = project_get_for_user(user=request.user, id=project_id)
    incident = _incident(request, project, incident_id)
    post = request.POST
    try:
        if step == "update":
            services.incident_update(
                actor=request.user,
                incident=incident,
                text=post.get("text", ""),
                status=post.get("status", ""),
            )
        elif step == "serious":
            services.incident_mark_serious(
                actor=request.user, incident=incident, kind=post.get("kind", "")
            )
        elif step == "reported":
            services.incident_reported(
                actor=request.user, incident=incident, reference=post.get("reference", "")
            )
        elif step == "resolve":
            services.incident_resolve(
                actor=request.user,
                incident=incident,
                resolution=post.get("resolution", ""),
                post_incident_review=post.get("post_incident_review", ""),
            )
        else:
            raise Http404
    except ValidationError as error:
        fresh = _incident(request, project, incident_id)
        return _incident_page(request, project, fresh, status=400, errors=error.messages)
    messages.success(request, "Incident updated.")
    return redirect("models_registry:incident-detail", project.pk, incident.pk)


@login_required
@require_POST
def modification_assess(
    request: AuthenticatedRequest, project_id: Any, flag_id: Any
) -> HttpResponse:
    """A compliance officer's verdict on a possible substantial modification."""
    project = project_get_for_user(user=request.user, id=project_id)
    flag = selectors.modification_flag_get_for_user(user=request.user, id=flag_id)
    if flag.project_id != project.pk:
        raise Http404
    if not can(request.user, Perm.PROJECT_APPROVE_COMPLIANCE, flag):
        raise PermissionDenied
    try:
        services.modification_assess(
            actor=request.user,
            flag=flag,
            verdict=request.POST.get("verdict", ""),
            assessment=request.POST.get("assessment", ""),
        )
    except ValidationError as error:
        return _page(request, project, status=400, errors=error.messages)
    messages.success(request, "Assessment recorded.")
    return redirect("models_registry:operate", project.pk)
