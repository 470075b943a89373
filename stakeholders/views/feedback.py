"""Feedback rounds: list, build, open, close, results with the trend across rounds, CSV,
who still owes an answer, and "you said, we did"."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors, error_text
from core.htmx import redirect_after_success, render_htmx
from projects.models import Project
from projects.pages import project_context
from projects.selectors import scope_version_get_for_user, scope_version_list
from stakeholders import selectors, selectors_consent, services
from stakeholders.forms import FeedbackOpenForm, FeedbackRoundForm, FeedbackSummaryForm
from stakeholders.models import FeedbackRound, Question
from stakeholders.services.feedback import MAX_QUESTIONS
from stakeholders.views.common import (
    form_error_list,
    project_for,
    project_stakeholder_choices,
)

DEFAULT_ROWS = 3
RoundStatus = FeedbackRound.Status


def _round(request: AuthenticatedRequest, project: Project, round_id: Any) -> FeedbackRound:
    feedback_round = selectors.feedback_round_get_for_user(user=request.user, id=round_id)
    if feedback_round.project_id != project.pk:
        raise Http404
    return feedback_round


@login_required
@require_GET
def feedback_round_list(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The project's feedback rounds with their response rates."""
    project = project_for(request, project_id)
    rounds = list(selectors.feedback_round_list(user=request.user, project=project))
    tally = selectors_consent.consent_tally_for_project(user=request.user, project=project)
    for feedback_round in rounds:
        # None: the organisation has no terms of consent, and the page says nothing of it.
        consented = None if tally is None else tally.get(feedback_round.pk, 0)
        feedback_round.consented = consented  # type: ignore[attr-defined]
    context = project_context(request, project, "feedback", rounds=rounds, section="rounds")
    return render(request, "stakeholders/feedback_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_round_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The round builder: N question rows, and "add another question" adds one (no script
    needed; with htmx only the form is swapped)."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    status = 200
    if request.method == "GET":
        copy_id = request.GET.get("copy")
        if copy_id:
            earlier = _round(request, project, copy_id)
            initial = FeedbackRoundForm.initial_from_round(earlier)
        else:
            initial = {"rows": DEFAULT_ROWS}
        form = FeedbackRoundForm(initial=initial, rows=initial["rows"])
    elif "add_question" in request.POST:
        rows = min(FeedbackRoundForm.row_count_of(request.POST) + 1, MAX_QUESTIONS)
        form = FeedbackRoundForm(
            initial=FeedbackRoundForm.initial_from(request.POST, rows), rows=rows
        )
        # The new row's question gets the focus (htmx honours autofocus after a swap too).
        form.fields[f"q{rows}_prompt"].widget.attrs["autofocus"] = True
    else:
        form = FeedbackRoundForm(request.POST, rows=FeedbackRoundForm.row_count_of(request.POST))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback_round = services.feedback_round_create(
                    actor=request.user,
                    project=project,
                    title=data["title"],
                    closes_at=data["closes_on"],
                    questions=data["questions"],
                    shared_context=data["shared_context"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"“{feedback_round.title}” drafted: choose who receives it."
                )
                return redirect_after_success(
                    request, "stakeholders:feedback-round-detail", project.pk, feedback_round.pk
                )
    context = project_context(
        request,
        project,
        "feedback",
        form=form,
        question_rows=form.question_rows(),
        max_questions=MAX_QUESTIONS,
    )
    return render_htmx(
        request,
        "stakeholders/feedback_round_form.html",
        context,
        partial="round-form",
        target="round-form",
        status=status,
    )


def _round_page(
    request: AuthenticatedRequest,
    project: Project,
    feedback_round: FeedbackRound,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The results page; its forms depend on the round's state and the user's role."""
    results = selectors.feedback_results(user=request.user, feedback_round=feedback_round)
    trends = []
    for result in results.questions:
        question = result.question
        if question.kind == Question.Kind.RATING and question.key:
            trend = selectors.question_trend(user=request.user, project=project, key=question.key)
            if len(trend) > 1:
                trends.append({"question": question, "rounds": trend})
    can_edit = can(request.user, Perm.PROJECT_CONTRIBUTE, project)
    context = project_context(
        request,
        project,
        "feedback",
        round=feedback_round,
        results=results,
        trends=trends,
        can_edit=can_edit,
        outstanding=selectors.outstanding_feedback(user=request.user, project=project).filter(
            round=feedback_round
        )
        if feedback_round.status == RoundStatus.OPEN
        else [],
        form_errors=form_error_list(forms),
        consented=selectors_consent.consent_tally_for_round(
            user=request.user, feedback_round=feedback_round
        ),
    )
    if can_edit and feedback_round.status == RoundStatus.DRAFT:
        choices = project_stakeholder_choices(request, project)
        context["open_form"] = forms.get("open_form") or FeedbackOpenForm(
            initial={"stakeholders": [pk for pk, _ in choices]}, stakeholders=choices
        )
    if can_edit and feedback_round.status == RoundStatus.CLOSED:
        context["summary_form"] = forms.get("summary_form") or FeedbackSummaryForm(
            initial={
                "you_said_we_did": feedback_round.you_said_we_did,
                "outcome_scope_version": str(feedback_round.outcome_scope_version_id or ""),
                "outcome_note": feedback_round.outcome_note,
            },
            versions=_versions(request, project),
        )
    return render(request, "stakeholders/feedback_round.html", context, status=status)


def _versions(request: AuthenticatedRequest, project: Project) -> list[tuple[str, str]]:
    return [
        (str(v.pk), f"v{v.number} — {v.get_status_display()}")
        for v in scope_version_list(user=request.user, project=project)
    ]


@login_required
@require_GET
def feedback_round_detail(
    request: AuthenticatedRequest, project_id: Any, round_id: Any
) -> HttpResponse:
    """A round's results: response rate, per-question answers, trends, who still owes one."""
    project = project_for(request, project_id)
    return _round_page(request, project, _round(request, project, round_id))


@login_required
@require_POST
def feedback_round_open(
    request: AuthenticatedRequest, project_id: Any, round_id: Any
) -> HttpResponse:
    """Open a drafted round: each chosen stakeholder receives a personal link by email."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    feedback_round = _round(request, project, round_id)
    form = FeedbackOpenForm(
        request.POST, stakeholders=project_stakeholder_choices(request, project)
    )
    status = 400
    if form.is_valid():
        try:
            services.feedback_round_open(
                actor=request.user,
                feedback_round=feedback_round,
                stakeholders=form.cleaned_data["stakeholders"],
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = len(form.cleaned_data["stakeholders"])
            messages.success(
                request,
                f"Round opened: {count} personal link{'s' if count != 1 else ''} on the way "
                "by email.",
            )
            return redirect("stakeholders:feedback-round-detail", project.pk, feedback_round.pk)
    return _round_page(request, project, feedback_round, status=status, open_form=form)


@login_required
@require_POST
def feedback_round_close(
    request: AuthenticatedRequest, project_id: Any, round_id: Any
) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    feedback_round = _round(request, project, round_id)
    services.feedback_round_close(actor=request.user, feedback_round=feedback_round)
    messages.success(request, "Round closed: its links no longer take answers.")
    return redirect("stakeholders:feedback-round-detail", project.pk, feedback_round.pk)


@login_required
@require_POST
def feedback_invite_revoke(
    request: AuthenticatedRequest, project_id: Any, round_id: Any, invite_id: Any
) -> HttpResponse:
    """Withdraw one stakeholder's link at once."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    feedback_round = _round(request, project, round_id)
    invite = selectors.feedback_invite_get_for_user(user=request.user, id=invite_id)
    if invite.round_id != feedback_round.pk:
        raise Http404
    services.feedback_invite_revoke(actor=request.user, invite=invite)
    messages.success(request, f"{invite.stakeholder.name}'s link withdrawn.")
    return redirect("stakeholders:feedback-round-detail", project.pk, feedback_round.pk)


@login_required
@require_POST
def feedback_round_summary(
    request: AuthenticatedRequest, project_id: Any, round_id: Any
) -> HttpResponse:
    """Publish "you said, we did" for a closed round; respondents receive it by email."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    feedback_round = _round(request, project, round_id)
    form = FeedbackSummaryForm(request.POST, versions=_versions(request, project))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        version = (
            scope_version_get_for_user(user=request.user, id=data["outcome_scope_version"])
            if data["outcome_scope_version"]
            else None
        )
        try:
            services.feedback_round_publish_summary(
                actor=request.user,
                feedback_round=feedback_round,
                you_said_we_did=data["you_said_we_did"],
                outcome_scope_version=version,
                outcome_note=data["outcome_note"],
            )
        except ConflictError as error:
            form.add_error(None, error_text(error))
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Summary published: respondents receive it by email.")
            return redirect("stakeholders:feedback-round-detail", project.pk, feedback_round.pk)
    return _round_page(request, project, feedback_round, status=status, summary_form=form)


@login_required
@require_GET
def feedback_results_csv(
    request: AuthenticatedRequest, project_id: Any, round_id: Any
) -> HttpResponse:
    """The answers as CSV, one row per response."""
    project = project_for(request, project_id)
    feedback_round = _round(request, project, round_id)
    body = selectors.feedback_results_csv(user=request.user, feedback_round=feedback_round)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"feedback-{slugify(feedback_round.title)[:60] or 'round'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # names and answers of people
    return response
