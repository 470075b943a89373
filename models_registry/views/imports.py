"""The Adapt tab's imports: a results file or log uploaded from the browser, or an MLflow
experiment read by the server. A refused import re-renders the tab (400) with the form's
errors in place, and records nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.permissions import Perm
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from models_registry import selectors, services
from models_registry.forms_imports import LM_EVAL, import_forms
from models_registry.views.adapt import _page, _version_choices
from projects.models import Project
from projects.selectors import project_get_for_user

NOT_A_VERSION = "Pick one of this project's versions."


def _chosen_version(project: Project, form: Any) -> Any:
    version = selectors.model_version_in_project(
        project=project, id=form.cleaned_data["model_version"]
    )
    if version is None:
        form.add_error("model_version", NOT_A_VERSION)
    return version


@login_required
@require_POST
def results_import(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """An lm-evaluation-harness results file or an Inspect AI log, as one evaluation."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = import_forms(_version_choices(project), request.POST, request.FILES)[
        "results_import_form"
    ]
    if form.is_valid() and (version := _chosen_version(project, form)) is not None:
        data = form.cleaned_data
        try:
            if data["format"] == LM_EVAL:
                evaluation, created = services.evaluation_import_lm_eval(
                    actor=request.user,
                    project=project,
                    model_version=version,
                    upload=data["file"],
                    benchmark=data["benchmark"],
                )
            else:
                evaluation, created = services.evaluation_import_inspect(
                    actor=request.user, project=project, model_version=version, upload=data["file"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = "Evaluation imported." if created else "Already imported: nothing new."
            messages.success(request, text)
            return redirect("models_registry:evaluation-detail", project.pk, evaluation.pk)
    return _page(request, project, status=400, results_import_form=form)


@login_required
@require_POST
def mlflow_import(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The finished runs of an MLflow experiment and the versions registered from them."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = import_forms(_version_choices(project), request.POST)["mlflow_import_form"]
    if form.is_valid() and (version := _chosen_version(project, form)) is not None:
        try:
            outcome = services.evaluation_import_mlflow(
                actor=request.user,
                project=project,
                tracking_url=form.cleaned_data["tracking_url"],
                experiment=form.cleaned_data["experiment"],
                parent=version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"MLflow experiment {outcome.experiment}: "
                f"{len(outcome.evaluations_created)} evaluations and "
                f"{len(outcome.versions_created)} versions imported; "
                f"{outcome.evaluations_unchanged + outcome.versions_unchanged} already there.",
            )
            return redirect("models_registry:adapt", project.pk)
    return _page(request, project, status=400, mlflow_import_form=form)
