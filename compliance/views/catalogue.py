"""The framework catalogue pages: every framework, one framework's requirements and key dates,
one requirement with its crosswalk; following a framework for the organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Organization
from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from compliance.forms_catalogue import RequirementFilterForm
from compliance.selectors.catalogue import (
    framework_dates,
    framework_get,
    framework_list,
    requirement_get,
    requirement_groups,
    requirement_list,
    requirement_mappings,
)
from compliance.services.catalogue import framework_follow, framework_unfollow
from core.htmx import render_htmx

FOLLOW_CHOICES = ("yes", "no")
FOLLOW_CHOICE_MISSING = "Say follow=yes or follow=no."
PAGE_SIZE = 200  # the largest framework (the EU AI Act, 130 rows) fits on one page


def _may_manage(request: AuthenticatedRequest) -> tuple[Organization | None, bool]:
    org = current_organization(request)
    return org, bool(org is not None and can(request.user, Perm.COMPLIANCE_MANAGE, org))


@login_required
@require_http_methods(["GET"])
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    """Every framework of the catalogue, with what the organisation follows."""
    org, may_manage = _may_manage(request)
    context = {
        "nav": "compliance",
        "organization": org,
        "frameworks": list(framework_list(organization=org)),
        "may_manage": may_manage,
    }
    return render(request, "compliance/catalogue.html", context)


@login_required
@require_http_methods(["GET"])
def framework_detail(request: AuthenticatedRequest, framework_id: str) -> HttpResponse:
    """A framework's requirements (filtered), its key dates and its source."""
    org, may_manage = _may_manage(request)
    framework = framework_get(id=framework_id, organization=org)
    form = RequirementFilterForm(
        request.GET or None, groups=requirement_groups(framework=framework)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(requirement_list(framework=framework, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "compliance",
        "framework": framework,
        "form": form,
        "page": page,
        "requirements": page.object_list,
        "dates": list(framework_dates(framework=framework)),
        "may_manage": may_manage,
    }
    return render_htmx(
        request,
        "compliance/framework_detail.html",
        context,
        partial="requirements",
        target="requirements",
    )


@login_required
@require_http_methods(["GET"])
def requirement_detail(request: AuthenticatedRequest, requirement_id: str) -> HttpResponse:
    """A requirement: its guidance, and the requirements of other frameworks it maps to."""
    requirement = requirement_get(id=requirement_id)
    context = {
        "nav": "compliance",
        "requirement": requirement,
        "mappings": requirement_mappings(requirement=requirement),
    }
    return render(request, "compliance/requirement_detail.html", context)


@login_required
@require_http_methods(["POST"])
def framework_follow_toggle(request: AuthenticatedRequest, framework_id: str) -> HttpResponse:
    """Follow (`follow=yes`) or stop following (`follow=no`) a framework for the current
    organisation. The choice is explicit, so a form submitted twice does not flip it back."""
    org, may_manage = _may_manage(request)
    if org is None:
        return redirect("accounts:organization-create")
    framework = framework_get(id=framework_id, organization=org)
    if not may_manage:
        raise PermissionDenied
    choice = request.POST.get("follow")
    if choice not in FOLLOW_CHOICES:
        return HttpResponseBadRequest(FOLLOW_CHOICE_MISSING)
    service = framework_follow if choice == "yes" else framework_unfollow
    try:
        service(actor=request.user, organization=org, framework=framework)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("compliance:catalogue")
    verb = "now follows" if choice == "yes" else "stopped following"
    messages.success(request, f"The organisation {verb} {framework.name}.")
    return redirect("compliance:catalogue")
