"""The AI-literacy register (EU AI Act Art. 4): everyone reads their own training records;
administrators and compliance officers read and keep everybody's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organization, User
from accounts.permissions import Perm, can
from accounts.selectors import current_organization, membership_list
from accounts.types import AuthenticatedRequest
from compliance import selectors, services
from compliance.forms_evidence import TrainingRecordForm
from compliance.models import TrainingRecord
from core.forms import add_service_errors


def _people(user: User, organization: Organization) -> list[tuple[str, str]]:
    return [
        (str(m.user_id), m.user.display_name)
        for m in membership_list(user=user, organization=organization)
    ]


def _person(organization: Organization, user: User, person_id: str) -> User | None:
    membership = membership_list(user=user, organization=organization).filter(user_id=person_id)
    found = membership.first()
    return found.user if found else None


def _page(
    request: AuthenticatedRequest,
    organization: Organization,
    form: TrainingRecordForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    records = list(selectors.training_list_for_user(user=request.user, organization=organization))
    context = {
        "nav": "compliance",
        "organization": organization,
        "records": records,
        "form": form,
        "may_manage": form is not None,
        "share": selectors.literacy_share_org(organization=organization),
    }
    return render(request, "compliance/training_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def training_list(request: AuthenticatedRequest) -> HttpResponse:
    """The register of the current organisation; its POST records a training (keepers)."""
    organization = current_organization(request)
    if organization is None:
        return redirect("accounts:organization-create")
    may_manage = can(request.user, Perm.LITERACY_MANAGE, organization)
    people = _people(request.user, organization) if may_manage else []
    if request.method == "GET":
        return _page(
            request, organization, TrainingRecordForm(people=people) if may_manage else None
        )
    if not may_manage:
        raise PermissionDenied
    form = TrainingRecordForm(request.POST, people=people)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["person"] = _person(organization, request.user, data["person"])
        try:
            services.training_record_create(actor=request.user, organization=organization, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Training recorded.")
            return redirect("compliance:training-list")
    return _page(request, organization, form, status=400)


def _record(request: AuthenticatedRequest, record_id: Any) -> TrainingRecord:
    record = selectors.training_get_for_user(user=request.user, id=record_id)
    if not can(request.user, Perm.LITERACY_MANAGE, record):
        raise PermissionDenied
    return record


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: AuthenticatedRequest, record_id: Any) -> HttpResponse:
    record = _record(request, record_id)
    organization = record.organization
    people = _people(request.user, organization)
    initial = {
        "person": str(record.person_id),
        "course": record.course,
        "provider": record.provider,
        "completed_on": record.completed_on,
        "renews_on": record.renews_on,
    }
    form = TrainingRecordForm(request.POST or None, people=people, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["person"] = _person(organization, request.user, data["person"])
            try:
                services.training_record_update(actor=request.user, record=record, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Training record saved.")
                return redirect("compliance:training-list")
    context = {"nav": "compliance", "organization": organization, "record": record, "form": form}
    return render(request, "compliance/training_edit.html", context, status=status)


@login_required
@require_POST
def training_delete(request: AuthenticatedRequest, record_id: Any) -> HttpResponse:
    record = _record(request, record_id)
    services.training_record_delete(actor=request.user, record=record)
    messages.success(request, "Training record removed.")
    return redirect("compliance:training-list")
