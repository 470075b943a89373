"""The ceilings of the HTTP figures: the rows a Charter page or API answer shows, read with
`.values()` and returned as JSON or through a bare template. No authentication, no permission
policy, no serializer, no model instances: the least work that produces the same rows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from projects.models import Project, Risk

PAGE = 50  # the API's page size (REST_FRAMEWORK["PAGE_SIZE"])
PROJECT_FIELDS = (
    "id",
    "organization_id",
    "name",
    "description",
    "phase",
    "status",
    "risk_tier",
    "owner__id",
    "owner__email",
    "owner__full_name",
    "problem_statement",
    "end_users",
    "user_expectations",
    "business_goals",
    "intended_purpose",
    "created_at",
    "updated_at",
)
RISK_FIELDS = (
    "id",
    "reference",
    "title",
    "category",
    "description",
    "library_ref",
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "owner__id",
    "owner__email",
    "owner__full_name",
    "mitigation_plan",
    "status",
    "review_date",
    "version",
    "created_at",
    "updated_at",
)


def _organization(request: HttpRequest) -> str:
    return request.GET["organization"]


def api_projects(request: HttpRequest) -> JsonResponse:
    rows = Project.objects.filter(organization_id=_organization(request)).order_by("name", "id")
    return JsonResponse({"results": list(rows.values(*PROJECT_FIELDS)[:PAGE])})


def _risks(project_id: UUID) -> Any:
    # The register's default order (score, highest first, unscored last), as Charter sorts.
    score = F("likelihood") * F("impact")
    return Risk.objects.filter(project_id=project_id).order_by(
        score.desc(nulls_last=True), "reference"
    )


def api_risks(request: HttpRequest, project_id: UUID) -> JsonResponse:
    return JsonResponse({"results": list(_risks(project_id).values(*RISK_FIELDS)[:PAGE])})


def html_project(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = Project.objects.filter(pk=project_id).values(*PROJECT_FIELDS).get()
    return render(request, "bench/ceiling_project.html", {"project": project})


def html_risks(request: HttpRequest, project_id: UUID) -> HttpResponse:
    risks = list(_risks(project_id).values(*RISK_FIELDS)[:PAGE])
    return render(request, "bench/ceiling_risks.html", {"risks": risks})
