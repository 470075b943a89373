"""Feedback from the deployed product: the summary, the latest entries and the intake keys."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from projects.pages import project_context
from stakeholders import selectors, services
from stakeholders.forms import IntakeKeyForm
from stakeholders.views.common import project_for

LATEST = 50
# The plain key of a key just created waits here for the one page view that shows it
# (post/redirect/get), as with personal API tokens.
SESSION_NEW_INTAKE_KEY = "charter_new_intake_key"


@login_required
@require_http_methods(["GET", "POST"])
def product_feedback(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Ratings from the product's end users; managers create and revoke the intake keys."""
    project = project_for(request, project_id)
    is_manager = can(request.user, Perm.PROJECT_MANAGE, project)
    form = IntakeKeyForm(request.POST or None) if is_manager else None
    status = 200
    if request.method == "POST":
        project_for(request, project_id, Perm.PROJECT_MANAGE)
        status = 400
        if form is not None and form.is_valid():
            try:
                key, plain = services.intake_key_create(
                    actor=request.user, project=project, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[SESSION_NEW_INTAKE_KEY] = plain
                messages.success(request, f"Key “{key.name}” created.")
                return redirect("stakeholders:product-feedback", project.pk)
    summary = selectors.product_feedback_summary(user=request.user, project=project)
    context = project_context(
        request,
        project,
        "feedback",
        section="product",
        summary=summary,
        peak=max((count for _, count in summary["distribution"]), default=0),
        latest=selectors.product_feedback_list(user=request.user, project=project)[:LATEST],
        keys=selectors.intake_key_list(user=request.user, project=project),
        form=form,
        plain_key=request.session.pop(SESSION_NEW_INTAKE_KEY, None) if is_manager else None,
    )
    response = render(request, "stakeholders/product_feedback.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a secret
    return response


@login_required
@require_POST
def intake_key_revoke(request: AuthenticatedRequest, project_id: Any, key_id: Any) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_MANAGE)
    key = selectors.intake_key_get_for_user(user=request.user, id=key_id)
    if key.project_id != project.pk:
        raise Http404
    services.intake_key_revoke(actor=request.user, key=key)
    messages.success(request, f"Key “{key.name}” revoked: posts with it are refused from now on.")
    return redirect("stakeholders:product-feedback", project.pk)
