"""The compliance officer's workspace and the organisation-wide list of checks behind its
figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from compliance.forms_checks import OrgCheckFilterForm
from compliance.models import ComplianceCheck
from compliance.selectors.catalogue import framework_list
from compliance.selectors.evidence import literacy_share_org
from compliance.selectors.workspace import (
    org_check_list,
    overview,
    serious_incident_clocks,
    waiting_for_review,
)
from core.htmx import render_htmx
from projects.models import Project

PAGE_SIZE = 50


def _bar(percent: int, index: int, height: int) -> dict[str, int]:
    """Where one week's bar of the progress chart sits (inline SVG, no script)."""
    bar = round(height * percent / 100)
    return {"x": 28 * index, "y": height - bar, "height": bar}


@login_required
@require_http_methods(["GET"])
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    if not can(request.user, Perm.ORG_VIEW, org):
        raise PermissionDenied
    figures = overview(user=request.user, organization=org)
    chart_height = 80
    context = {
        "nav": "compliance",
        "organization": org,
        "figures": figures,
        "statuses": [
            {"value": value, "label": label, "count": figures["by_status"].get(value, 0)}
            for value, label in ComplianceCheck.Status.choices
        ],
        "tiers": [
            {"value": value, "label": label, "count": figures["tiers"].get(value, 0)}
            for value, label in Project.RiskTier.choices
        ],
        "waiting": waiting_for_review(user=request.user, organization=org),
        "chart": [
            week | _bar(week["percent"], i, chart_height)
            for i, week in enumerate(figures["progress"])
        ],
        "chart_height": chart_height,
        "literacy": literacy_share_org(organization=org),
        "serious": serious_incident_clocks(user=request.user, organization=org),
    }
    return render(request, "compliance/workspace.html", context)


@login_required
@require_http_methods(["GET"])
def org_checks(request: AuthenticatedRequest) -> HttpResponse:
    """Every check of the organisation the user may see, filtered like the workspace links."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    frameworks = [(f.key, f.name) for f in framework_list(organization=None)]
    form = OrgCheckFilterForm(request.GET or None, frameworks=frameworks)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        org_check_list(user=request.user, organization=org, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {"nav": "compliance", "page": page, "checks": page.object_list, "form": form}
    return render_htmx(
        request, "compliance/org_checks.html", context, partial="checks", target="checks"
    )
