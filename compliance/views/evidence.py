"""Evidence pages: a project's evidence with filters, adding a piece (file, record or URL),
one piece with the checks it serves and its history, judging it, attaching existing evidence
to a check, and the download — the only way a stored file leaves Charter."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.types import AuthenticatedRequest
from compliance import selectors, services
from compliance.evidence_records import LINKABLE, linkable_records
from compliance.forms_evidence import (
    EvidenceAddForm,
    EvidenceAttachForm,
    EvidenceFilterForm,
    EvidenceJudgeForm,
)
from compliance.models import ComplianceCheck, Evidence
from compliance.views.checks import TAB, _check, _check_page
from core.forms import add_service_errors
from core.htmx import render_htmx
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user


def _evidence(request: AuthenticatedRequest, project: Project, evidence_id: Any) -> Evidence:
    evidence = selectors.evidence_get_for_user(user=request.user, id=evidence_id)
    if evidence.project_id != project.pk:
        raise Http404
    return evidence


def _check_choices(project: Project) -> list[tuple[str, str]]:
    return [
        (str(c.pk), f"{c.requirement.framework.name} {c.requirement.ref}: {c.requirement.title}")
        for c in selectors.check_list(project=project)
    ]


@login_required
@require_http_methods(["GET"])
def evidence_list(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The project's evidence, filtered in place (htmx)."""
    project = project_get_for_user(user=request.user, id=project_id)
    form = EvidenceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = project_context(
        request,
        project,
        TAB,
        evidence=list(selectors.evidence_list(project=project, filters=filters)),
        filters_form=form,
    )
    return render_htmx(
        request,
        "compliance/evidence_list.html",
        context,
        partial="evidence-table",
        target="evidence-table",
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Add a file, a record link or a URL; `?check=` preselects that check and returns to it."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    choices = _check_choices(project)
    wanted = request.GET.get("check", "")
    initial = {"checks": [wanted]} if wanted in {pk for pk, _ in choices} else {}
    form = EvidenceAddForm(
        request.POST or None,
        request.FILES or None,
        check_choices=choices,
        record_choices=linkable_records(user=request.user, project=project),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            record_type, record_id = form.record_ref()
            checks = list(ComplianceCheck.objects.filter(project=project, pk__in=data["checks"]))
            try:
                evidence = services.evidence_add(
                    actor=request.user,
                    project=project,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    file=data["file"],
                    record_type=record_type,
                    record_id=record_id or None,
                    url=data["url"],
                    expires_on=data["expires_on"],
                    checks=checks,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Evidence added: {evidence.title}.")
                if len(checks) == 1 and str(checks[0].pk) == wanted:
                    return redirect("compliance:check-detail", project.pk, checks[0].pk)
                return redirect("compliance:evidence-detail", project.pk, evidence.pk)
    context = project_context(request, project, TAB, form=form)
    return render(request, "compliance/evidence_add.html", context, status=status)


def _detail_page(
    request: AuthenticatedRequest,
    project: Project,
    evidence: Evidence,
    *,
    status: int = 200,
    judge_form: EvidenceJudgeForm | None = None,
) -> HttpResponse:
    record_label = LINKABLE[evidence.record_type].label if evidence.record_type in LINKABLE else ""
    context = project_context(
        request,
        project,
        TAB,
        evidence=evidence,
        record_label=record_label,
        served=selectors.evidence_checks_served(evidence=evidence),
        history=list(selectors.evidence_history(user=request.user, evidence=evidence)),
        may_judge=selectors.may_judge(request.user, evidence),
        judge_form=judge_form or EvidenceJudgeForm(),
    )
    return render(request, "compliance/evidence_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def evidence_detail(
    request: AuthenticatedRequest, project_id: Any, evidence_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    return _detail_page(request, project, _evidence(request, project, evidence_id))


@login_required
@require_POST
def evidence_judge(
    request: AuthenticatedRequest, project_id: Any, evidence_id: Any
) -> HttpResponse:
    """Accept or reject; back to the check it was judged from (`check` in the form), if any."""
    project = project_get_for_user(user=request.user, id=project_id)
    evidence = _evidence(request, project, evidence_id)
    if not can(request.user, Rule.EVIDENCE_JUDGE, evidence):
        raise PermissionDenied
    form = EvidenceJudgeForm(request.POST)
    if form.is_valid():
        try:
            judged = services.evidence_judge(
                actor=request.user, evidence=evidence, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Evidence {judged.get_status_display().lower()}.")
            back = ComplianceCheck.objects.filter(
                project=project, pk__in=_uuid_or_none(request.POST.get("check"))
            ).first()
            if back is not None:
                return redirect("compliance:check-detail", project.pk, back.pk)
            return redirect("compliance:evidence-detail", project.pk, evidence.pk)
    return _detail_page(request, project, evidence, status=400, judge_form=form)


def _uuid_or_none(value: str | None) -> list[str]:
    try:
        return [str(uuid.UUID(value or ""))]
    except ValueError:
        return []


@login_required
@require_http_methods(["GET"])
def evidence_download(
    request: AuthenticatedRequest, project_id: Any, evidence_id: Any
) -> FileResponse:
    """The stored file as an attachment under its sanitised name and recorded type: never
    rendered inline, never sniffed into something else (404 for whoever cannot see it)."""
    project = project_get_for_user(user=request.user, id=project_id)
    evidence = _evidence(request, project, evidence_id)
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.evidence_download_record(actor=request.user, evidence=evidence)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- on a check's page ------------------------------------------------------------------------


@login_required
@require_POST
def check_evidence_attach(
    request: AuthenticatedRequest, project_id: Any, check_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    check = _check(request, project, check_id)
    choices = [(str(e.pk), e.title) for e in selectors.evidence_attachable(check=check)]
    form = EvidenceAttachForm(request.POST, evidence_choices=choices)
    if form.is_valid():
        evidence = Evidence.objects.get(pk=form.cleaned_data["evidence"])
        try:
            services.evidence_attach(actor=request.user, evidence=evidence, check=check)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Attached: {evidence.title}.")
            return redirect("compliance:check-detail", project.pk, check.pk)
    return _check_page(request, project, check, status=400, attach_form=form)


@login_required
@require_POST
def check_evidence_detach(
    request: AuthenticatedRequest, project_id: Any, check_id: Any, evidence_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    check = _check(request, project, check_id)
    evidence = _evidence(request, project, evidence_id)
    try:
        services.evidence_detach(actor=request.user, evidence=evidence, check=check)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("compliance:check-detail", project.pk, check.pk)
    messages.success(request, f"Detached: {evidence.title}.")
    return redirect("compliance:check-detail", project.pk, check.pk)
