"""The organisation's stakeholder registry and a project's stakeholders with their 2×2 grid."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organization
from accounts.permissions import Perm, Rule, can, require
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from core.htmx import render_htmx
from projects.models import Project
from projects.pages import project_context
from stakeholders import selectors, selectors_consent, services
from stakeholders.forms import (
    StakeholderForm,
    StakeholderLinkForm,
    StakeholderOnProjectForm,
    StakeholderSearchForm,
)
from stakeholders.forms_consent import ConsentWithdrawalRequestForm
from stakeholders.models import Stakeholder
from stakeholders.views.common import project_for, safe_next

PAGE_SIZE = 50
QUADRANT_LABELS = {
    "keep_satisfied": ("Keep satisfied", "High influence, lower interest"),
    "manage_closely": ("Manage closely", "High influence, high interest"),
    "monitor": ("Monitor", "Lower influence, lower interest"),
    "keep_informed": ("Keep informed", "Lower influence, high interest"),
}


def _organization(request: AuthenticatedRequest) -> Organization:
    org = current_organization(request)
    if org is None:
        raise Http404
    return org


@login_required
@require_http_methods(["GET"])
def stakeholder_list(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's registry; typing in the search box swaps the table (htmx)."""
    org = _organization(request)
    form = StakeholderSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    people = selectors.stakeholder_list(user=request.user, organization=org, q=q)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "q": q,
        "organization": org,
        "query": query.urlencode(),
        "nav": "stakeholders",
    }
    return render_htmx(
        request,
        "stakeholders/registry.html",
        context,
        partial="stakeholder-table",
        target="stakeholder-table",
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request: AuthenticatedRequest) -> HttpResponse:
    """Add a person to the registry; `next` brings the user back to where they came from.
    From a project's page (`?project=<id>`, contributors of it) the person joins the project
    too, with their role in it."""
    project_id = request.POST.get("project") or request.GET.get("project")
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE) if project_id else None
    org = project.organization if project else _organization(request)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form_class = StakeholderOnProjectForm if project else StakeholderForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            if project is None:
                person = services.stakeholder_create(actor=request.user, organization=org, **fields)
            else:
                person = services.stakeholder_create_on_project(
                    actor=request.user, project=project, **fields
                ).stakeholder
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if project is None:
                messages.success(request, f"{person.name} added to the registry.")
                return redirect(next_url or "stakeholders:stakeholder-list")
            messages.success(request, f"{person.name} added to the registry and to the project.")
            return redirect(
                next_url or reverse("stakeholders:project-stakeholders", args=[project.pk])
            )
    context = {
        "form": form,
        "organization": org,
        "project": project,
        "next": next_url,
        "nav": "stakeholders",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "stakeholders/stakeholder_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: AuthenticatedRequest, stakeholder_id: Any) -> HttpResponse:
    """Edit a person's details (administrators, or contributors of a project they take part
    in); anyone else of the organisation gets 403."""
    person = selectors.stakeholder_get_for_user(user=request.user, id=stakeholder_id)
    require(request.user, Rule.STAKEHOLDER_EDIT, person)
    initial = {name: getattr(person, name) for name in StakeholderForm.base_fields}
    form = StakeholderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_update(actor=request.user, stakeholder=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("stakeholders:stakeholder-list")
    return stakeholder_page(
        request, person, form=form, status=400 if request.method == "POST" else 200
    )


def stakeholder_page(
    request: AuthenticatedRequest,
    person: Stakeholder,
    *,
    form: StakeholderForm | None = None,
    withdrawal_form: ConsentWithdrawalRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A stakeholder's page: their details' form and their consent history."""
    if form is None:
        form = StakeholderForm(
            initial={name: getattr(person, name) for name in StakeholderForm.base_fields}
        )
    context = {
        "form": form,
        "person": person,
        "organization": person.organization,
        "nav": "stakeholders",
        "consent_records": selectors_consent.consent_record_list(
            user=request.user, stakeholder=person
        ),
        "withdrawal_form": withdrawal_form or ConsentWithdrawalRequestForm(),
    }
    return render(request, "stakeholders/stakeholder_form.html", context, status=status)


# --- a project's stakeholders ------------------------------------------------------------------


def _project_page(
    request: AuthenticatedRequest,
    project: Project,
    *,
    form: StakeholderLinkForm | None,
    status: int = 200,
) -> HttpResponse:
    links = list(selectors.project_stakeholder_list(user=request.user, project=project))
    grid = selectors.influence_interest_grid([link.stakeholder for link in links])
    role_of = {link.stakeholder_id: link.role for link in links}
    quadrants = [
        {
            "key": key,
            "label": label,
            "hint": hint,
            "people": [(person, role_of.get(person.pk, "")) for person in grid[key]],
        }
        for key, (label, hint) in QUADRANT_LABELS.items()
    ]
    context = project_context(
        request,
        project,
        "stakeholders",
        links=links,
        quadrants=quadrants,
        form=form,
    )
    return render(request, "stakeholders/project_stakeholders.html", context, status=status)


def _link_form(
    request: AuthenticatedRequest, project: Project, data: Any = None
) -> StakeholderLinkForm:
    linked = selectors.project_stakeholder_list(user=request.user, project=project).values(
        "stakeholder_id"
    )
    candidates = selectors.stakeholder_list(
        user=request.user, organization=project.organization
    ).exclude(pk__in=linked)
    choices = [
        (str(person.pk), f"{person.name} ({person.unit})" if person.unit else person.name)
        for person in candidates
    ]
    return StakeholderLinkForm(data, candidates=choices)


@login_required
@require_http_methods(["GET"])
def project_stakeholders(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The project's stakeholders, their influence/interest grid, and linking more."""
    project = project_for(request, project_id)
    form = (
        _link_form(request, project)
        if can(request.user, Perm.PROJECT_CONTRIBUTE, project)
        else None
    )
    return _project_page(request, project, form=form)


@login_required
@require_POST
def stakeholder_link(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    form = _link_form(request, project, request.POST)
    if form.is_valid():
        person = selectors.stakeholder_get_for_user(
            user=request.user, id=form.cleaned_data["stakeholder"]
        )
        try:
            services.stakeholder_link(
                actor=request.user,
                project=project,
                stakeholder=person,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} is now a stakeholder of the project.")
            return redirect("stakeholders:project-stakeholders", project.pk)
    return _project_page(request, project, form=form, status=400)


@login_required
@require_POST
def stakeholder_unlink(
    request: AuthenticatedRequest, project_id: Any, link_id: Any
) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    link = selectors.project_stakeholder_get_for_user(user=request.user, id=link_id)
    if link.project_id != project.pk:
        raise Http404
    name = link.stakeholder.name
    services.stakeholder_unlink(actor=request.user, link=link)
    messages.success(request, f"{name} is no longer on the project (still in the registry).")
    return redirect("stakeholders:project-stakeholders", project.pk)
