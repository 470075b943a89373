"""The risk register: heat map, filters, add (by hand or from the library), edit."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors
from core.htmx import render_htmx
from projects import selectors, services
from projects.forms_scope import LibraryRiskForm, RiskFilterForm, RiskForm
from projects.pages import project_context

# A page of the register: a project's 2,000 risks on one page weighed 872 KB and rendered at
# a fiftieth of the ceiling's rate (docs/performance.md, figure 5).
RISK_PAGE_SIZE = 50


def _risk_page(
    request: AuthenticatedRequest, project: Any, filters: dict[str, Any]
) -> dict[str, Any]:
    """The page of the register asked for, and the query string that keeps the filters on the
    pagination links."""
    risks = selectors.risk_list(user=request.user, project=project, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(risks, RISK_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


def _people(request: AuthenticatedRequest, project: Any) -> list[tuple[str, str]]:
    return selectors.project_people(user=request.user, project=project)


def _risk_fields(request: AuthenticatedRequest, project: Any, form: RiskForm) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    data["owner"] = selectors.project_person_get(
        user=request.user, project=project, id=data.get("owner")
    )
    return data


@login_required
@require_http_methods(["GET"])
def risk_register(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The register with its 5×5 heat map; clicking a cell filters the table (htmx)."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    filters_form = RiskFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    context = project_context(
        request,
        project,
        "risks",
        **_risk_page(request, project, filters),
        heat_map=selectors.risk_heat_map(user=request.user, project=project),
        filters_form=filters_form,
        filters=filters,
        risk_form=RiskForm(people=_people(request, project)),
        library_form=LibraryRiskForm(),
    )
    return render_htmx(
        request, "projects/risks.html", context, partial="risk-table", target="risk-table"
    )


@login_required
@require_POST
def risk_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE
    )
    if "library_ref" in request.POST:
        library_form = LibraryRiskForm(request.POST)
        form = RiskForm(people=_people(request, project))
        if library_form.is_valid():
            risk = services.risk_create_from_library(
                actor=request.user, project=project, **library_form.cleaned_data
            )
            messages.success(request, f"{risk.code} added from the library: score it now.")
            return redirect("projects:risk-edit", project.pk, risk.pk)
    else:
        library_form = LibraryRiskForm()
        form = RiskForm(request.POST, people=_people(request, project))
        if form.is_valid():
            try:
                risk = services.risk_create(
                    actor=request.user, project=project, **_risk_fields(request, project, form)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{risk.code} added to the register.")
                return redirect("projects:risk-register", project.pk)
    context = project_context(
        request,
        project,
        "risks",
        **_risk_page(request, project, {}),
        heat_map=selectors.risk_heat_map(user=request.user, project=project),
        filters_form=RiskFilterForm(),
        filters={},
        risk_form=form,
        library_form=library_form,
    )
    return render(request, "projects/risks.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: AuthenticatedRequest, project_id: Any, risk_id: Any) -> HttpResponse:
    """Edit a risk; the hidden version field refuses an edit made from a stale page."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    risk = selectors.risk_get_for_user(user=request.user, id=risk_id, perm=Perm.PROJECT_CONTRIBUTE)
    if risk.project_id != project.pk:
        raise Http404
    initial = {
        name: getattr(risk, name) for name in RiskForm.base_fields if name not in ("owner",)
    } | {"owner": str(risk.owner_id or "")}
    form = RiskForm(request.POST or None, initial=initial, people=_people(request, project))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.risk_update(
                    actor=request.user,
                    risk=risk,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **_risk_fields(request, project, form),
                )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{risk.code} saved.")
                return redirect("projects:risk-register", project.pk)
    context = project_context(request, project, "risks", risk=risk, form=form)
    return render(request, "projects/risk_edit.html", context, status=status)
