"""Feasibility studies: the four dimensions, the verdict and the sign-off."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, decide
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors, error_text
from projects import selectors, services
from projects.forms_scope import FeasibilityForm
from projects.models.feasibility import DIMENSIONS
from projects.pages import project_context


def _study_of(request: AuthenticatedRequest, project: Any, study_id: Any) -> Any:
    study = selectors.feasibility_get_for_user(user=request.user, id=study_id)
    if study.project_id != project.pk:
        raise Http404
    return study


@login_required
@require_http_methods(["GET"])
def feasibility_list(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    studies = list(selectors.feasibility_list(user=request.user, project=project))
    for study in studies:
        study.project = project  # the same project, already loaded: spares a query each
    # The Sign off button, or the policy's reason why this person may not (they wrote it).
    sign_offs = {
        study.pk: decide(request.user, Rule.FEASIBILITY_SIGN_OFF, study) for study in studies
    }
    context = project_context(
        request,
        project,
        "feasibility",
        studies=[(study, sign_offs[study.pk]) for study in studies],
        dimensions=DIMENSIONS,
    )
    return render(request, "projects/feasibility_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feasibility_edit(
    request: AuthenticatedRequest, project_id: Any, study_id: Any = None
) -> HttpResponse:
    """Start a study, or edit one that is not signed off yet."""
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE
    )
    study = _study_of(request, project, study_id) if study_id else None
    initial = {name: getattr(study, name) for name in FeasibilityForm.base_fields} if study else {}
    form = FeasibilityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                if study is None:
                    study = services.feasibility_create(actor=request.user, project=project, **data)
                else:
                    services.feasibility_update(
                        actor=request.user,
                        study=study,
                        expected_version=form.cleaned_data.get("version") or 0,
                        **data,
                    )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Feasibility study saved.")
                return redirect("projects:feasibility-list", project.pk)
    context = project_context(request, project, "feasibility", form=form, study=study)
    return render(request, "projects/feasibility_form.html", context, status=status)


@login_required
@require_POST
def feasibility_sign_off(
    request: AuthenticatedRequest, project_id: Any, study_id: Any
) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_MANAGE
    )
    study = _study_of(request, project, study_id)
    try:
        services.feasibility_sign_off(actor=request.user, study=study)
    except ValidationError as error:
        messages.error(request, "Before signing off: " + " ".join(error.messages))
    except (ConflictError, PermissionDenied) as error:
        messages.error(request, error_text(error, "Only the project manager signs off."))
    else:
        messages.success(request, "Study signed off.")
    return redirect("projects:feasibility-list", project.pk)
