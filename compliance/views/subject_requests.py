"""Pages of data-subject requests: the list (open, overdue, by kind) with the form that records
one, a request's page with its steps, the erasure's confirm step, and the subject's export as
a readable summary and as a JSON download. Administrators and compliance officers only."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organization
from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from compliance.forms_subject_requests import (
    EraseForm,
    ExtendForm,
    RefuseForm,
    SubjectRequestFilterForm,
    SubjectRequestForm,
)
from compliance.models import DataSubjectRequest
from compliance.selectors.subject_requests import (
    privacy_keepers,
    subject_choices,
    subject_request_get_for_user,
    subject_request_list_for_user,
)
from compliance.services.erasure import subject_request_erase
from compliance.services.subject_exports import subject_request_export
from compliance.services.subject_requests import (
    subject_request_complete,
    subject_request_extend,
    subject_request_record,
    subject_request_refuse,
    subject_request_start,
)
from core.errors import ConflictError
from core.forms import add_service_errors


def keeper_organization(request: AuthenticatedRequest) -> Organization:
    organization = current_organization(request)
    if organization is None:
        raise Http404
    if not can(request.user, Perm.PRIVACY_MANAGE, organization):
        raise PermissionDenied
    return organization


def _new_form(organization: Organization, data: Any = None) -> SubjectRequestForm:
    owners = [(str(u.pk), u.display_name) for u in privacy_keepers(organization=organization)]
    return SubjectRequestForm(
        data, subjects=subject_choices(organization=organization), owners=owners
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_requests(request: AuthenticatedRequest) -> HttpResponse:
    """The organisation's requests, soonest due first; its POST records a new one."""
    organization = keeper_organization(request)
    # Its own ids: the form that records a request has a `kind` field too.
    filter_form = SubjectRequestFilterForm(request.GET or {"show": "open"}, auto_id="filter_%s")
    form = _new_form(organization, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            subject_type, _, subject_id = data["subject"].partition(":")
            keepers = privacy_keepers(organization=organization)
            owner = keepers.filter(pk=data["owner"]).first() if data["owner"] else None
            try:
                created = subject_request_record(
                    actor=request.user,
                    organization=organization,
                    kind=data["kind"],
                    subject_type=subject_type,
                    subject_id=subject_id,
                    received_at=data["received_at"],
                    owner=owner,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Request recorded.")
                return redirect("compliance:subject-request-detail", created.pk)
    rows = list(
        subject_request_list_for_user(
            user=request.user, organization=organization, filters=filter_form.filters()
        )
    )
    context = {
        "nav": "compliance",
        "organization": organization,
        "requests": rows,
        "filter_form": filter_form,
        "form": form,
    }
    return render(request, "compliance/subject_requests.html", context, status=status)


def _detail(
    request: AuthenticatedRequest,
    found: DataSubjectRequest,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    context = {
        "nav": "compliance",
        "organization": found.organization,
        "dsar": found,
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
    }
    return render(request, "compliance/subject_request_detail.html", context, status=status)


@login_required
@require_GET
def subject_request_detail(request: AuthenticatedRequest, subject_request_id: Any) -> HttpResponse:
    found = subject_request_get_for_user(user=request.user, id=subject_request_id)
    return _detail(request, found)


@login_required
@require_POST
def subject_request_step(
    request: AuthenticatedRequest, subject_request_id: Any, step: str
) -> HttpResponse:
    """Start, complete, extend or refuse a request."""
    found = subject_request_get_for_user(user=request.user, id=subject_request_id)
    forms: dict[str, Any] = {}
    try:
        if step == "start":
            subject_request_start(actor=request.user, request=found)
        elif step == "complete":
            subject_request_complete(actor=request.user, request=found)
        elif step == "extend":
            forms["extend_form"] = form = ExtendForm(request.POST)
            if not form.is_valid():
                return _detail(request, found, status=400, **forms)
            subject_request_extend(actor=request.user, request=found, **form.cleaned_data)
        elif step == "refuse":
            forms["refuse_form"] = refuse_form = RefuseForm(request.POST)
            if not refuse_form.is_valid():
                return _detail(request, found, status=400, **forms)
            subject_request_refuse(actor=request.user, request=found, **refuse_form.cleaned_data)
        else:
            raise Http404
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("compliance:subject-request-detail", found.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, found, status=400, **forms)
    messages.success(request, "Request updated.")
    return redirect("compliance:subject-request-detail", found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def subject_request_erase_view(
    request: AuthenticatedRequest, subject_request_id: Any
) -> HttpResponse:
    """The confirm step of an erasure, and the erasure once confirmed."""
    found = subject_request_get_for_user(user=request.user, id=subject_request_id)
    if found.kind != DataSubjectRequest.Kind.ERASURE:
        raise Http404
    form = EraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                subject_request_erase(actor=request.user, request=found, confirm=True)
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, "The subject's personal data is erased.")
                return redirect("compliance:subject-request-detail", found.pk)
    context = {"nav": "compliance", "organization": found.organization, "dsar": found, "form": form}
    return render(request, "compliance/subject_request_erase.html", context, status=status)


@login_required
@require_GET
def subject_request_export_view(
    request: AuthenticatedRequest, subject_request_id: Any
) -> HttpResponse:
    """What Charter holds about the subject, as a page to read (or print)."""
    found = subject_request_get_for_user(user=request.user, id=subject_request_id)
    data = subject_request_export(actor=request.user, request=found)
    records = [record for record in data["records"] if record["rows"]]
    context = {"nav": "compliance", "organization": found.organization, "dsar": found}
    context |= {"export": data, "records": records}
    return render(request, "compliance/subject_request_export.html", context)


@login_required
@require_GET
def subject_request_export_json(
    request: AuthenticatedRequest, subject_request_id: Any
) -> HttpResponse:
    """What Charter holds about the subject, as a JSON file to hand over."""
    found = subject_request_get_for_user(user=request.user, id=subject_request_id)
    data = subject_request_export(actor=request.user, request=found)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"subject-{found.subject_type}-{found.subject.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
