"""Webhook pages of an organisation's settings: administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm
from accounts.selectors import organization_get_for_user
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from core.htmx import redirect_after_success, render_htmx
from outbox.models import OutboxMessage
from outbox.services import mask_emails, mask_recipient
from webhooks import selectors, services
from webhooks.forms import WebhookEndpointForm

SESSION_NEW_SECRET_KEY = "webhooks.new_secret"  # noqa: S105 (a session key's name)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # the page may hold a secret
    return response


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """The organisation's endpoints and a form to add one; a new secret is shown once."""
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.webhook_endpoint_create(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_NEW_SECRET_KEY] = [str(endpoint.pk), secret]
            messages.success(request, f"Webhook endpoint {endpoint.url} added.")
            return redirect_after_success(request, "webhooks:endpoint-detail", org.pk, endpoint.pk)
    context = {
        "organization": org,
        "endpoints": selectors.webhook_endpoint_list(user=request.user, organization=org),
        "form": form,
        "nav": "webhooks",
    }
    status = 400 if request.method == "POST" else 200
    return render_htmx(
        request,
        "webhooks/webhooks.html",
        context,
        partial="endpoint-form",
        target="endpoint-form",
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def webhook_detail(request: AuthenticatedRequest, org_id: Any, endpoint_id: Any) -> HttpResponse:
    """One endpoint: its events, its latest 50 delivery attempts, and its actions."""
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    endpoint = selectors.webhook_endpoint_get(user=request.user, organization=org, id=endpoint_id)
    secret = None
    shown = request.session.get(SESSION_NEW_SECRET_KEY)
    if shown and shown[0] == str(endpoint.pk):
        secret = request.session.pop(SESSION_NEW_SECRET_KEY)[1]
    context = {
        "organization": org,
        "endpoint": endpoint,
        "deliveries": selectors.webhook_delivery_list(endpoint=endpoint)[: selectors.LOG_LENGTH],
        "new_secret": secret,
        "nav": "webhooks",
    }
    return _no_store(
        render_htmx(
            request,
            "webhooks/endpoint.html",
            context,
            partial="delivery-log",
            target="delivery-log",
        )
    )


def _endpoint(request: AuthenticatedRequest, org_id: Any, endpoint_id: Any) -> Any:
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    return selectors.webhook_endpoint_get(user=request.user, organization=org, id=endpoint_id)


@login_required
@require_POST
def webhook_test(request: AuthenticatedRequest, org_id: Any, endpoint_id: Any) -> HttpResponse:
    """Send the endpoint a "ping" event; its attempt appears in the log."""
    endpoint = _endpoint(request, org_id, endpoint_id)
    try:
        services.webhook_endpoint_test(actor=request.user, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Test event queued: its delivery shows in the log below.")
    return redirect_after_success(
        request, "webhooks:endpoint-detail", endpoint.organization_id, endpoint.pk
    )


@login_required
@require_POST
def webhook_deactivate(
    request: AuthenticatedRequest, org_id: Any, endpoint_id: Any
) -> HttpResponse:
    """Stop sending to the endpoint; its log stays."""
    endpoint = _endpoint(request, org_id, endpoint_id)
    try:
        services.webhook_endpoint_deactivate(actor=request.user, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{endpoint.url} deactivated: nothing more is sent to it.")
    return redirect_after_success(
        request, "webhooks:endpoint-detail", endpoint.organization_id, endpoint.pk
    )


@login_required
@require_POST
def webhook_delete(request: AuthenticatedRequest, org_id: Any, endpoint_id: Any) -> HttpResponse:
    """Delete the endpoint and its log."""
    endpoint = _endpoint(request, org_id, endpoint_id)
    services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, f"Webhook endpoint {endpoint.url} deleted.")
    return redirect_after_success(request, "webhooks:endpoint-list", endpoint.organization_id)


# --- dead letters and task runs ------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def dead_letter_list(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """The organisation's messages that failed for good, to retry or discard."""
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    rows = selectors.dead_letter_list(user=request.user, organization=org)
    letters = [
        {
            "message": message,
            "recipient": mask_recipient(message.recipient),
            "error": mask_emails(message.last_error),
        }
        for message in rows[: selectors.DEAD_LETTERS_SHOWN]
    ]
    context = {"organization": org, "letters": letters, "nav": "webhooks"}
    return render(request, "webhooks/dead_letters.html", context)


def _dead_letter_change(
    request: AuthenticatedRequest, org_id: Any, message_id: Any, *, retry: bool
) -> HttpResponse:
    org = organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    change = services.dead_letter_retry if retry else services.dead_letter_discard
    try:
        message = change(actor=request.user, organization=org, message_id=message_id)
    except OutboxMessage.DoesNotExist as missing:
        raise Http404 from missing
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "queued to be sent again" if retry else "discarded"
        messages.success(request, f"The {message.kind} message is {done}.")
    return redirect_after_success(request, "webhooks:dead-letter-list", org.pk)


@login_required
@require_POST
def dead_letter_retry(request: AuthenticatedRequest, org_id: Any, message_id: Any) -> HttpResponse:
    return _dead_letter_change(request, org_id, message_id, retry=True)


@login_required
@require_POST
def dead_letter_discard(
    request: AuthenticatedRequest, org_id: Any, message_id: Any
) -> HttpResponse:
    return _dead_letter_change(request, org_id, message_id, retry=False)


@login_required
@require_http_methods(["GET"])
def task_run_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every periodic and on-demand task: last run, its duration and outcome, failures."""
    if not selectors.may_see_task_runs(request.user):
        raise PermissionDenied
    return render(
        request,
        "webhooks/task_runs.html",
        {"tasks": selectors.task_run_summary(), "nav": "webhooks"},
    )
