"""A project's compliance tab: its EU AI Act classification (questionnaire, history,
confirmation), its checks with filters and progress, and each check's page where it is
assigned, submitted with its claim and reviewed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can, decide
from accounts.types import AuthenticatedRequest
from compliance import selectors, services
from compliance.classification import TIER_LABELS
from compliance.evidence_records import linkable_records
from compliance.forms_checks import (
    CheckFilterForm,
    CheckReviewForm,
    CheckSubmitForm,
    CheckUpdateForm,
    ClassificationForm,
)
from compliance.forms_evidence import EvidenceAddForm, EvidenceAttachForm, EvidenceJudgeForm
from compliance.models import Classification, ComplianceCheck
from core.errors import ConflictError
from core.forms import add_service_errors, error_text
from core.htmx import render_htmx
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user, project_people, project_person_get

TAB = "compliance"


@login_required
@require_http_methods(["GET"])
def project_compliance(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The classification and the checks, filtered in place (htmx)."""
    return _compliance_page(request, project_get_for_user(user=request.user, id=project_id))


def _compliance_page(
    request: AuthenticatedRequest, project: Project, *, status: int = 200
) -> HttpResponse:
    frameworks = selectors.project_frameworks(project=project)
    filters_form = CheckFilterForm(request.GET or None, frameworks=frameworks)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    checks = list(selectors.check_list(project=project, filters=filters))
    context = project_context(
        request,
        project,
        TAB,
        classification=selectors.current_classification(project=project),
        history=list(selectors.classification_history(project=project)),
        tier_labels=TIER_LABELS,
        checks=checks,
        progress=selectors.check_progress(project=project),
        blocking=selectors.blocking_for_gate(project),
        filters_form=filters_form,
        may_classify=can(request.user, Rule.CLASSIFY, project),
        literacy=selectors.literacy_share(project=project),
    )
    return render_htmx(
        request,
        "compliance/project_compliance.html",
        context,
        partial="check-table",
        target="check-table",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def classify(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Rule.CLASSIFY)
    current = selectors.current_classification(project=project)
    initial = dict(current.answers) if current else {}
    form = ClassificationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                classification = services.classification_propose(
                    actor=request.user,
                    project=project,
                    answers=form.answers(),
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                tier = TIER_LABELS[classification.tier]
                messages.success(
                    request,
                    f"Classified: {tier}."
                    if classification.status == Classification.Status.CONFIRMED
                    else f"Proposed: {tier}. A compliance officer confirms it.",
                )
                return redirect("compliance:project-compliance", project.pk)
    context = project_context(request, project, TAB, form=form, current=current)
    return render(request, "compliance/classify.html", context, status=status)


@login_required
@require_POST
def classification_confirm(
    request: AuthenticatedRequest, project_id: Any, classification_id: Any
) -> HttpResponse:
    project = project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_APPROVE_COMPLIANCE
    )
    classification = selectors.classification_get_for_user(user=request.user, id=classification_id)
    if classification.project_id != project.pk:
        raise Http404
    try:
        services.classification_confirm(actor=request.user, classification=classification)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error, "You may not confirm this classification."))
        status = 403 if isinstance(error, PermissionDenied) else 400
        return _compliance_page(request, project, status=status)
    messages.success(request, f"Classification v{classification.number} confirmed.")
    return redirect("compliance:project-compliance", project.pk)


def _check(request: AuthenticatedRequest, project: Project, check_id: Any) -> ComplianceCheck:
    check = selectors.check_get_for_user(user=request.user, id=check_id)
    if check.project_id != project.pk:
        raise Http404
    return check


def _check_page(
    request: AuthenticatedRequest,
    project: Project,
    check: ComplianceCheck,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    people = project_people(user=request.user, project=project)
    review = decide(request.user, Rule.CHECK_REVIEW, check)
    evidence = selectors.evidence_counting_for(check)
    for piece in evidence:
        piece.project = project  # the policy reads it; spare a query per piece
        piece.may_judge = selectors.may_judge(request.user, piece)  # type: ignore[attr-defined]
        # One judgement form per piece, with ids of its own on the page.
        piece.judge_form = EvidenceJudgeForm(auto_id=f"id_judge_{piece.pk}_%s")  # type: ignore[attr-defined]
    attachable = [(str(e.pk), e.title) for e in selectors.evidence_attachable(check=check)]
    context = project_context(
        request,
        project,
        TAB,
        check=check,
        requirement=check.requirement,
        evidence=evidence,
        own_evidence_ids={e.pk for e in check.evidence.all()},
        attach_form=forms.get("attach_form")
        or (EvidenceAttachForm(evidence_choices=attachable) if attachable else None),
        add_form=EvidenceAddForm(
            check_choices=[(str(check.pk), str(check.requirement))],
            record_choices=linkable_records(user=request.user, project=project),
            initial={"checks": [str(check.pk)]},
        ),
        reviews=list(check.reviews.all()),
        update_form=forms.get("update_form")
        or CheckUpdateForm(
            people=people,
            initial={
                "owner": str(check.owner_id or ""),
                "reviewer": str(check.reviewer_id or ""),
                "due_date": check.due_date,
                "status": check.status if check.status in ("not_started", "in_progress") else "",
                "version": check.version,
            },
        ),
        submit_form=forms.get("submit_form") or CheckSubmitForm(),
        review_form=forms.get("review_form") or CheckReviewForm(),
        may_review=review.allowed and check.status == ComplianceCheck.Status.IN_REVIEW,
        review_reason=review.reason,
        errors=forms.get("errors", []),
    )
    return render(request, "compliance/check_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def check_detail(request: AuthenticatedRequest, project_id: Any, check_id: Any) -> HttpResponse:
    """The check; its POST assigns owner, reviewer, due date and status (contributors)."""
    project = project_get_for_user(user=request.user, id=project_id)
    check = _check(request, project, check_id)
    if request.method == "GET":
        return _check_page(request, project, check)
    if not can(request.user, Perm.PROJECT_CONTRIBUTE, check):
        raise PermissionDenied
    people = project_people(user=request.user, project=project)
    form = CheckUpdateForm(request.POST, people=people)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        for field in ("owner", "reviewer"):
            data[field] = project_person_get(user=request.user, project=project, id=data[field])
        if not data["status"]:
            data.pop("status")
        try:
            services.check_update(actor=request.user, check=check, expected_version=version, **data)
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Check saved.")
            return redirect("compliance:check-detail", project.pk, check.pk)
    return _check_page(request, project, check, status=status, update_form=form)


@login_required
@require_POST
def check_submit(request: AuthenticatedRequest, project_id: Any, check_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    check = _check(request, project, check_id)
    form = CheckSubmitForm(request.POST)
    if form.is_valid():
        try:
            services.check_submit(actor=request.user, check=check, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Submitted for review.")
            return redirect("compliance:check-detail", project.pk, check.pk)
    return _check_page(request, project, check, status=400, submit_form=form)


@login_required
@require_POST
def check_review(request: AuthenticatedRequest, project_id: Any, check_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    check = _check(request, project, check_id)
    if not decide(request.user, Rule.CHECK_REVIEW, check).allowed:
        raise PermissionDenied
    form = CheckReviewForm(request.POST)
    if form.is_valid():
        try:
            reviewed = services.check_review(actor=request.user, check=check, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Check {reviewed.get_status_display().lower()}.")
            return redirect("compliance:check-detail", project.pk, check.pk)
    return _check_page(request, project, check, status=400, review_form=form)
