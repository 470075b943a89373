"""The organisation's vendors: list (overdue reviews flagged), detail with their models and
assessments, add, edit, and record an assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm, can, require
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors
from core.htmx import render_htmx
from models_registry import selectors, services
from models_registry.forms import VendorAssessmentForm, VendorFilterForm, VendorForm
from models_registry.models import VENDOR_CERTIFICATIONS, Vendor
from models_registry.views.catalogue import PAGE_SIZE, current_org


@login_required
@require_GET
def vendor_list(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's vendors; "review due" keeps those past their review date."""
    org = current_org(request)
    filters_form = VendorFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    vendors = selectors.vendor_list(user=request.user, organization=org, filters=filters)
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": org,
        "page": page,
        "filters_form": filters_form,
        "query": query.urlencode(),
        "can_manage": can(request.user, Perm.CATALOGUE_MANAGE, org),
        "nav": "catalogue",
    }
    return render_htmx(
        request,
        "models_registry/vendor_list.html",
        context,
        partial="vendor-table",
        target="vendor-table",
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_create(request: AuthenticatedRequest) -> HttpResponse:
    org = current_org(request)
    require(request.user, Perm.CATALOGUE_MANAGE, org)
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            vendor = services.vendor_create(actor=request.user, organization=org, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{vendor.name} added.")
            return redirect("models_registry:vendor-detail", vendor.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organization": org, "nav": "catalogue"}
    return render(request, "models_registry/vendor_form.html", context, status=status)


def _detail_page(
    request: AuthenticatedRequest,
    vendor: Vendor,
    *,
    form: VendorAssessmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "vendor": vendor,
        "organization": vendor.organization,
        "certification_labels": [VENDOR_CERTIFICATIONS.get(c, c) for c in vendor.certifications],
        "models": selectors.catalogue_model_list(
            user=request.user, organization=vendor.organization, filters={"vendor": vendor.pk}
        ),
        "assessments": selectors.vendor_assessment_list(vendor=vendor),
        "assessment_form": form
        or VendorAssessmentForm(initial={"assessed_on": timezone.localdate()}),
        "can_manage": can(request.user, Perm.CATALOGUE_MANAGE, vendor),
        "can_assess": can(request.user, Perm.VENDOR_ASSESS, vendor),
        "nav": "catalogue",
    }
    return render(request, "models_registry/vendor_detail.html", context, status=status)


@login_required
@require_GET
def vendor_detail(request: AuthenticatedRequest, vendor_id: Any) -> HttpResponse:
    vendor = selectors.vendor_get_for_user(user=request.user, id=vendor_id)
    return _detail_page(request, vendor)


@login_required
@require_http_methods(["GET", "POST"])
def vendor_edit(request: AuthenticatedRequest, vendor_id: Any) -> HttpResponse:
    """Edit a vendor's terms; the hidden version refuses an edit from a stale page (409)."""
    vendor = selectors.vendor_get_for_user(
        user=request.user, id=vendor_id, perm=Perm.CATALOGUE_MANAGE
    )
    initial = {name: getattr(vendor, name) for name in VendorForm.base_fields}
    form = VendorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.vendor_update(
                    actor=request.user,
                    vendor=vendor,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **data,
                )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['name']} saved.")
                return redirect("models_registry:vendor-detail", vendor.pk)
    context = {
        "form": form,
        "vendor": vendor,
        "organization": vendor.organization,
        "nav": "catalogue",
    }
    return render(request, "models_registry/vendor_form.html", context, status=status)


@login_required
@require_POST
def vendor_assess(request: AuthenticatedRequest, vendor_id: Any) -> HttpResponse:
    """Record an assessment (administrators and compliance officers)."""
    vendor = selectors.vendor_get_for_user(user=request.user, id=vendor_id, perm=Perm.VENDOR_ASSESS)
    form = VendorAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.vendor_assess(actor=request.user, vendor=vendor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            due = form.cleaned_data["next_review_on"]
            messages.success(request, f"Assessment recorded; next review on {due}.")
            return redirect("models_registry:vendor-detail", vendor.pk)
    return _detail_page(request, vendor, form=form, status=400)
