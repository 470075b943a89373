"""The retention page: the organisation's period per record type, what outlived it, and the
confirmed erasure of it. Administrators and compliance officers only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.types import AuthenticatedRequest
from compliance.forms_subject_requests import EraseForm, RetentionRuleForm
from compliance.retention import RECORD_TYPES, retention_past
from compliance.selectors.retention import retention_overview, retention_rule_get_for_user
from compliance.services.retention import (
    retention_erase,
    retention_rule_remove,
    retention_rule_set,
)
from compliance.views.subject_requests import keeper_organization
from core.forms import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def retention(request: AuthenticatedRequest) -> HttpResponse:
    """The periods and what is due; its POST sets one period."""
    organization = keeper_organization(request)
    form = RetentionRuleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                retention_rule_set(
                    actor=request.user, organization=organization, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Retention period saved.")
                return redirect("compliance:retention")
    context = {
        "nav": "compliance",
        "organization": organization,
        "rows": retention_overview(user=request.user, organization=organization),
        "form": form,
    }
    return render(request, "compliance/retention.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def retention_erase_view(request: AuthenticatedRequest, rule_id: Any) -> HttpResponse:
    """The confirm step, then the erasure of what outlived one rule's period."""
    rule = retention_rule_get_for_user(user=request.user, id=rule_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            erased = retention_erase(actor=request.user, rule=rule, confirm=True)
            messages.success(request, f"{erased} record{'s' if erased != 1 else ''} erased.")
            return redirect("compliance:retention")
    context = {
        "nav": "compliance",
        "organization": rule.organization,
        "rule": rule,
        "record_type": RECORD_TYPES[rule.record_type],
        "due": retention_past(rule=rule).count(),
        "form": form,
    }
    return render(request, "compliance/retention_erase.html", context, status=status)


@login_required
@require_POST
def retention_rule_delete(request: AuthenticatedRequest, rule_id: Any) -> HttpResponse:
    rule = retention_rule_get_for_user(user=request.user, id=rule_id)
    retention_rule_remove(actor=request.user, rule=rule)
    messages.success(request, "Retention period removed.")
    return redirect("compliance:retention")
