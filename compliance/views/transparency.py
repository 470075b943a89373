"""A project's transparency page: its Annex IV technical documentation, its fact sheet and
its Art. 50 notice, each with a PDF; and the publication of the fact sheet on a public page
(publish the chosen fields, take it down)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.types import AuthenticatedRequest
from compliance.fact_sheet import FIELDS
from compliance.forms_publications import PublishForm
from compliance.selectors.publications import publication_list, publication_live
from compliance.services.publications import fact_sheet_publish, fact_sheet_unpublish
from compliance.transparency import DOCUMENTS, document_filename, document_pdf, document_sections
from core.forms import add_service_errors
from core.pdf import PdfUnavailableError
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "transparency"


def _page(
    request: AuthenticatedRequest,
    project: Project,
    *,
    status: int = 200,
    form: PublishForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    live = publication_live(project=project)
    initial = {"shown": live.fields if live else list(FIELDS)}
    context = project_context(
        request,
        project,
        TAB,
        documents=[
            {"document": d, "sections": document_sections(slug, project)}
            for slug, d in DOCUMENTS.items()
        ],
        live=live,
        live_labels=[FIELDS[key] for key in live.fields] if live else [],
        public_url=(
            request.build_absolute_uri(
                reverse("compliance-public:fact-sheet", args=[live.public_id])
            )
            if live
            else ""
        ),
        history=list(publication_list(project=project)[:10]),
        may_publish=can(request.user, Rule.FACT_SHEET_PUBLISH, project),
        form=form or PublishForm(initial=initial),
        errors=errors or [],
    )
    return render(request, "compliance/transparency.html", context, status=status)


@login_required
@require_GET
def transparency(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _page(request, project_get_for_user(user=request.user, id=project_id))


def _pdf(request: AuthenticatedRequest, project_id: Any, slug: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_VIEW)
    try:
        pdf = document_pdf(slug, project)
    except PdfUnavailableError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document_filename(slug, project)}"'
    return response


@login_required
@require_GET
def annex_iv_pdf(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _pdf(request, project_id, "annex-iv")


@login_required
@require_GET
def fact_sheet_pdf(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _pdf(request, project_id, "fact-sheet")


@login_required
@require_GET
def notice_pdf(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _pdf(request, project_id, "notice")


@login_required
@require_POST
def publish(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.FACT_SHEET_PUBLISH)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            fact_sheet_publish(
                actor=request.user, project=project, fields=form.cleaned_data["shown"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The fact sheet is published.")
            return redirect("compliance:transparency", project.pk)
    return _page(request, project, status=400, form=form)


@login_required
@require_POST
def unpublish(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.FACT_SHEET_PUBLISH)
    live = publication_live(project=project)
    if live is None:
        return _page(request, project, status=400, errors=["The fact sheet is not published."])
    fact_sheet_unpublish(actor=request.user, publication=live)
    messages.success(request, "The fact sheet is no longer published: its page answers 404.")
    return redirect("compliance:transparency", project.pk)
