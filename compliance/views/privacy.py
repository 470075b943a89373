"""A project's Privacy page: the data inventory (the privacy view of its datasets, with
where each was used and its gaps), its CSV export, the edit of a dataset's record in place,
and where the project's DPIA stands."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from compliance.privacy_inventory import csv_rows, inventory_gaps, processor_list, usage
from compliance.selectors.dpia import dpia_version_current
from compliance.selectors.privacy import inventory_list
from core.csvfiles import csv_text
from core.forms import add_service_errors
from core.htmx import redirect_after_success, render_htmx
from models_registry.forms_adapt import DatasetForm
from models_registry.models import Dataset
from models_registry.models.data_inventory import (
    DataSubjectCategory,
    PersonalDataCategory,
    SpecialCategory,
    labels,
)
from models_registry.selectors import dataset_in_project
from models_registry.services import dataset_update
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "privacy"
TEMPLATE = "compliance/privacy.html"
FORM_FIELDS = tuple(DatasetForm.base_fields)


def inventory_entries(datasets: list[Dataset]) -> list[dict[str, Any]]:
    """What a row of the inventory shows, read from the loaded rows (no query)."""
    return [
        {
            "dataset": d,
            "categories": labels(PersonalDataCategory, d.personal_data_categories),
            "special": labels(SpecialCategory, d.special_categories),
            "subjects": labels(DataSubjectCategory, d.data_subjects),
            "processors": processor_list(d),
            "gaps": inventory_gaps(d),
            **usage(d),
        }
        for d in datasets
    ]


@login_required
@require_http_methods(["GET"])
def privacy(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    entries = inventory_entries(list(inventory_list(project=project)))
    context = project_context(
        request,
        project,
        TAB,
        entries=entries,
        gap_count=sum(len(e["gaps"]) for e in entries),
        dpia=dpia_version_current(project=project),
        may_edit=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
    )
    return render_htmx(request, TEMPLATE, context, partial="inventory", target="inventory")


@login_required
@require_http_methods(["GET"])
def privacy_inventory_csv(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    body = csv_text(csv_rows(inventory_list(project=project)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"{slugify(project.name) or 'project'}-data-inventory.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _dataset(project: Project, dataset_id: Any) -> Dataset:
    dataset = dataset_in_project(project=project, id=dataset_id)
    if dataset is None:
        raise Http404
    return dataset


def _initial(dataset: Dataset) -> dict[str, Any]:
    return {field: getattr(dataset, field) for field in FORM_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def privacy_dataset_edit(
    request: AuthenticatedRequest, project_id: Any, dataset_id: Any
) -> HttpResponse:
    """The dataset's record (the Adapt phase's form and service), edited in the inventory's
    row; errors re-render the form in place."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    dataset = _dataset(project, dataset_id)
    status = 200
    if request.method == "POST":
        form = DatasetForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                dataset_update(actor=request.user, dataset=dataset, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Inventory record of “{dataset.name}” saved.")
                return redirect_after_success(request, "compliance:privacy", project.pk)
    else:
        form = DatasetForm(initial=_initial(dataset))
    context = project_context(request, project, TAB, dataset=dataset, form=form)
    return render_htmx(
        request, "compliance/privacy_dataset.html", context, partial="dataset-form", status=status
    )
