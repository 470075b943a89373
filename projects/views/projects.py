"""HTML pages of projects: the list, a project's page, its members and its audit trail."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import ProjectMembership
from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from core.htmx import render_htmx
from projects import selectors, services
from projects.forms import (
    ProjectEditForm,
    ProjectFilterForm,
    ProjectForm,
    ProjectMemberForm,
    ProjectRoleForm,
)
from projects.models import Project
from projects.pages import project_context

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET"])
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's projects the user may see; filters update the table."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    form = ProjectFilterForm(
        request.GET or None,
        owners=selectors.project_owner_choices(user=request.user, organization=org),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list_for_user(user=request.user, organization=org, filters=filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "organization": org,
        "query": query.urlencode(),
        "can_create": can(request.user, Perm.PROJECT_CREATE, org),
        "nav": "projects",
    }
    return render_htmx(
        request,
        "projects/project_list.html",
        context,
        partial="project-table",
        target="project-table",
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    if not can(request.user, Perm.PROJECT_CREATE, org):
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Project “{project.name}” created.")
            return redirect("projects:project-detail", project.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "projects/project_form.html", {"form": form, "organization": org}, status=status
    )


def _detail_context(
    request: AuthenticatedRequest, project: Project, **extra: Any
) -> dict[str, Any]:
    members = list(selectors.project_member_list(user=request.user, project=project))
    candidates = selectors.project_member_candidates(user=request.user, project=project)
    return project_context(
        request,
        project,
        "overview",
        members=members,
        overview=selectors.project_overview(user=request.user, project=project),
        member_form=extra.pop("member_form", None)
        or ProjectMemberForm(candidates=[(str(person.pk), person.email) for person in candidates]),
        role_choices=ProjectMembership.Role.choices,
        **extra,
    )


@login_required
@require_http_methods(["GET"])
def project_detail(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """A project's page: phase, use case and people."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    fields = list(ProjectEditForm.base_fields)
    form = ProjectEditForm(
        request.POST or None, initial={name: getattr(project, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect("projects:project-detail", project.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "projects/project_edit.html",
        project_context(request, project, "overview", form=form),
        status=status,
    )


@login_required
@require_POST
def project_member_add(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    candidates = selectors.project_member_candidates(user=request.user, project=project)
    form = ProjectMemberForm(
        request.POST, candidates=[(str(person.pk), person.email) for person in candidates]
    )
    if form.is_valid():
        person = next(p for p in candidates if str(p.pk) == form.cleaned_data["user"])
        try:
            services.project_member_add(
                actor=request.user, project=project, user=person, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.display_name} joined the project.")
            return redirect("projects:project-detail", project.pk)
    context = _detail_context(request, project, member_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def project_member_role(
    request: AuthenticatedRequest, project_id: Any, membership_id: Any
) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    membership = selectors.project_member_get(user=request.user, project=project, id=membership_id)
    form = ProjectRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose a valid role.")
        services.project_member_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Role changed.")
    return redirect("projects:project-detail", project.pk)


@login_required
@require_POST
def project_member_remove(
    request: AuthenticatedRequest, project_id: Any, membership_id: Any
) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    membership = selectors.project_member_get(user=request.user, project=project, id=membership_id)
    try:
        services.project_member_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.display_name} left the project.")
    return redirect("projects:project-detail", project.pk)


@login_required
@require_http_methods(["GET"])
def project_audit(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The project's audit trail, newest first."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    events = selectors.project_audit_events(user=request.user, project=project)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_audit.html",
        project_context(request, project, "audit", page=page),
    )
