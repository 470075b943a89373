"""The consent pages of the app: the organisation's terms (in its settings) and a withdrawal
recorded on a stakeholder's behalf. The stakeholder's own withdrawal page is public.py's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can, require
from accounts.selectors import organization_get_for_user
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from stakeholders import selectors, selectors_consent, services
from stakeholders.forms_consent import ConsentPolicyForm, ConsentWithdrawalRequestForm
from stakeholders.views.registry import stakeholder_page


@login_required
@require_http_methods(["GET", "POST"])
def consent_policy(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """The organisation's terms of consent and their versions; administrators and compliance
    officers publish a new version (members read them)."""
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_VIEW)
    may_manage = can(request.user, Perm.CONSENT_MANAGE, org)
    if request.method == "POST":
        require(request.user, Perm.CONSENT_MANAGE, org)
    versions = list(selectors_consent.consent_policy_list(user=request.user, organization=org))
    current = versions[0] if versions else None
    initial = (
        {
            "purpose": current.purpose,
            "text": current.text,
            "required_on_feedback": current.required_on_feedback,
        }
        if current
        else {"required_on_feedback": True}
    )
    form = ConsentPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.consent_policy_publish(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if current is not None and policy.pk == current.pk:
                messages.info(request, "Nothing changed: the current version stays.")
            else:
                messages.success(request, f"Version {policy.version} published.")
            return redirect("stakeholders:consent-policy", org.pk)
    context = {
        "organization": org,
        "current": current,
        "versions": versions,
        "form": form if may_manage else None,
        "nav": "stakeholders",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "stakeholders/consent_policy.html", context, status=status)


@login_required
@require_POST
def stakeholder_consent_withdraw(
    request: AuthenticatedRequest, stakeholder_id: Any
) -> HttpResponse:
    """Record that the stakeholder asked the team to withdraw their consent."""
    person = selectors.stakeholder_get_for_user(user=request.user, id=stakeholder_id)
    require(request.user, Rule.STAKEHOLDER_EDIT, person)
    form = ConsentWithdrawalRequestForm(request.POST)
    if not form.is_valid():
        return stakeholder_page(request, person, withdrawal_form=form, status=400)
    withdrawn = services.consent_withdraw_on_request(
        actor=request.user, stakeholder=person, note=form.cleaned_data["note"]
    )
    if withdrawn:
        count = len(withdrawn)
        messages.success(request, f"Consent withdrawn ({count} record{'s' if count != 1 else ''}).")
    else:
        messages.info(request, "They hold no active consent: nothing to withdraw.")
    return redirect("stakeholders:stakeholder-edit", person.pk)
