"""A project's Adapt & align tab: the versions of its model and their lineage, how each
stands against the approved scope's success criteria (with the trend and the target line),
the evaluations, the prompt library with side-by-side diffs, the datasets and the runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, choice_field
from core.pdf import PdfUnavailableError, html_to_pdf
from models_registry import selectors, services
from models_registry.charts import trend_chart
from models_registry.forms_adapt import (
    DatasetForm,
    EvaluationForm,
    FeedbackForm,
    FineTuneRunForm,
    ModelVersionForm,
    PromptTemplateForm,
    PromptVersionForm,
    UserTestForm,
)
from models_registry.forms_imports import import_forms
from models_registry.model_card import as_markdown
from models_registry.models import Evaluation, PromptTemplate
from projects.models import Project
from projects.pages import project_context
from projects.selectors import approved_success_criteria, project_get_for_user

TAB = "adapt"
RECENT_EVALUATIONS = 20


def _version_choices(project: Project, *, blank: bool = False) -> list[tuple[str, str]]:
    choices = [(str(v.pk), v.name) for v in selectors.model_version_list(project=project)]
    return [("", "—"), *choices] if blank else choices


def _evaluation_form(
    project: Project, data: Any = None, versions: list[tuple[str, str]] | None = None
) -> EvaluationForm:
    form = EvaluationForm(data, criteria=list(approved_success_criteria(project=project)))
    choice_field(form, "model_version").choices = versions or _version_choices(project)
    return form


def _forms(project: Project, data: Any = None) -> dict[str, forms.Form]:
    """The tab's blank forms with their per-project choices (the versions read once)."""
    versions = _version_choices(project)
    version_form = ModelVersionForm(data)
    choice_field(version_form, "parent").choices = versions
    choice_field(version_form, "base_model").choices = [
        ("", "—"),
        *((str(m.pk), str(m)) for m in selectors.catalogue_models_of(project=project)),
    ]
    run_form = FineTuneRunForm(data, initial={"cost_currency": project.organization.currency})
    choice_field(run_form, "base_version").choices = versions
    choice_field(run_form, "dataset").choices = [
        (str(d.pk), d.name) for d in selectors.dataset_list(project=project)
    ]
    feedback_form = FeedbackForm(data)
    choice_field(feedback_form, "model_version").choices = [("", "—"), *versions]
    user_test_form = UserTestForm(data)
    choice_field(user_test_form, "model_version").choices = versions
    return import_forms(versions) | {
        "feedback_form": feedback_form,
        "user_test_form": user_test_form,
        "version_form": version_form,
        "prompt_form": PromptTemplateForm(data),
        "dataset_form": DatasetForm(data),
        "run_form": run_form,
        "evaluation_form": _evaluation_form(project, data, versions),
    }


def _page(
    request: AuthenticatedRequest, project: Project, *, status: int = 200, **sent: Any
) -> HttpResponse:
    """The tab, with the form the request sent back (and its errors) in place of the blank."""
    versions = list(selectors.model_version_list(project=project))
    standing = [
        {"entry": entry, "chart": trend_chart(entry.points, entry.criterion.target)}
        for entry in selectors.criteria_standing(project=project)
    ]
    context = project_context(
        request,
        project,
        TAB,
        versions=versions,
        standing=standing,
        evaluations=list(selectors.evaluation_list(project=project)[:RECENT_EVALUATIONS]),
        prompts=list(selectors.prompt_template_list(project=project)),
        datasets=list(selectors.dataset_list(project=project)),
        runs=list(selectors.fine_tune_run_list(project=project)),
        bias_checks=list(selectors.bias_check_list(project=project)),
        feedback=list(selectors.feedback_list(project=project)[:RECENT_EVALUATIONS]),
        user_tests=list(selectors.user_test_list(project=project)),
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
        has_base=any(v.adaptation == "base" for v in versions),
        **(_forms(project) | sent),
    )
    return render(request, "models_registry/adapt.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def adapt_page(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _page(request, project_get_for_user(user=request.user, id=project_id))


def _saved(request: AuthenticatedRequest, project: Project, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("models_registry:adapt", project.pk)


def _version(project: Project, value: Any) -> Any:
    return selectors.model_version_in_project(project=project, id=value) if value else None


@login_required
@require_POST
def base_version_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Start the lineage with the model the approved decision chose."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    try:
        version = services.model_version_create(actor=request.user, project=project)
    except ValidationError as error:
        return _page(request, project, status=400, errors=error.messages)
    return _saved(request, project, f"{version.name} recorded: the chosen model as it comes.")


@login_required
@require_POST
def version_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["version_form"]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["parent"] = _version(project, data["parent"])
        data["base_model"] = (
            selectors.catalogue_model_for_project(project=project, id=data["base_model"])
            if data["base_model"]
            else None
        )
        if not data["name"]:
            data.pop("name")
        try:
            version = services.model_version_create(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, project, f"Version {version.name} recorded.")
    return _page(request, project, status=400, version_form=form)


@login_required
@require_POST
def prompt_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = PromptTemplateForm(request.POST)
    if form.is_valid():
        try:
            template = services.prompt_template_create(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Prompt “{template.name}” recorded.")
            return redirect("models_registry:prompt-detail", project.pk, template.pk)
    return _page(request, project, status=400, prompt_form=form)


@login_required
@require_POST
def dataset_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = DatasetForm(request.POST)
    if form.is_valid():
        try:
            dataset = services.dataset_create(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, project, f"Dataset “{dataset.name}” recorded.")
    return _page(request, project, status=400, dataset_form=form)


@login_required
@require_POST
def run_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["run_form"]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["base_version"] = _version(project, data["base_version"])
        data["dataset"] = selectors.dataset_in_project(project=project, id=data["dataset"])
        data["cost_currency"] = (data.get("cost_currency") or "").strip().upper()
        try:
            run = services.fine_tune_run_create(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, project, f"Run “{run.name}” recorded.")
    return _page(request, project, status=400, run_form=form)


@login_required
@require_POST
def evaluation_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _evaluation_form(project, request.POST)
    if form.is_valid():
        try:
            evaluation, _ = services.evaluation_record(
                actor=request.user,
                project=project,
                model_version=_version(project, form.cleaned_data["model_version"]),
                benchmark=form.cleaned_data["benchmark"],
                findings=form.cleaned_data["findings"],
                metrics=form.metrics(),
            )
        except ValidationError as error:
            form.add_error(None, _metric_errors(error))
        else:
            messages.success(request, "Evaluation recorded.")
            return redirect("models_registry:evaluation-detail", project.pk, evaluation.pk)
    return _page(request, project, status=400, evaluation_form=form)


def _metric_errors(error: ValidationError) -> list[str]:
    """The service's refusal as lines (per-metric problems come keyed by position)."""
    if not hasattr(error, "error_dict"):
        return error.messages
    lines: list[str] = []
    for field, problems in error.message_dict.items():
        lines.extend(f"{field.replace('_', ' ')}: {problem}" for problem in problems)
    return lines


def _template(request: AuthenticatedRequest, project: Project, template_id: Any) -> PromptTemplate:
    template = selectors.prompt_template_get_for_user(user=request.user, id=template_id)
    if template.project_id != project.pk:
        raise Http404
    return template


@login_required
@require_http_methods(["GET", "POST"])
def prompt_detail(request: AuthenticatedRequest, project_id: Any, template_id: Any) -> HttpResponse:
    """A prompt's versions, two of them side by side, and the form for the next one."""
    project = project_get_for_user(user=request.user, id=project_id)
    template = _template(request, project, template_id)
    form = PromptVersionForm(request.POST or None)
    choice_field(form, "model_version").choices = _version_choices(project, blank=True)
    status = 200
    if request.method == "POST":
        if not can(request.user, Perm.PROJECT_CONTRIBUTE, project):
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["model_version"] = _version(project, data["model_version"])
            try:
                version = services.prompt_version_create(
                    actor=request.user, template=template, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Version {version.number} recorded.")
                return redirect("models_registry:prompt-detail", project.pk, template.pk)
        status = 400
    versions = list(template.versions.all())  # newest first
    old, new = _compared(template, request, versions)
    context = project_context(
        request,
        project,
        TAB,
        template=template,
        versions=versions,
        old=old,
        new=new,
        diff=selectors.prompt_diff(old=old, new=new) if old and new else [],
        form=form,
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
    )
    return render(request, "models_registry/prompt_detail.html", context, status=status)


def _compared(
    template: PromptTemplate, request: AuthenticatedRequest, versions: list[Any]
) -> tuple[Any, Any]:
    """The two versions to show side by side: those asked for, else the latest two."""
    asked = [
        selectors.prompt_version_in_template(template=template, number=request.GET.get(k))
        for k in ("old", "new")
    ]
    if all(asked):
        return asked[0], asked[1]
    if len(versions) >= 2:
        return versions[1], versions[0]
    return None, None


@login_required
@require_http_methods(["GET"])
def evaluation_detail(
    request: AuthenticatedRequest, project_id: Any, evaluation_id: Any
) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    evaluation: Evaluation = selectors.evaluation_get_for_user(user=request.user, id=evaluation_id)
    if evaluation.project_id != project.pk:
        raise Http404
    metrics = [
        {"row": metric, "passed": selectors.metric_passes(metric)}
        for metric in evaluation.metrics.all()
    ]
    context = project_context(request, project, TAB, evaluation=evaluation, metrics=metrics)
    return render(request, "models_registry/evaluation_detail.html", context)


def _card(request: AuthenticatedRequest, project_id: Any, version_id: Any) -> dict[str, Any]:
    project = project_get_for_user(user=request.user, id=project_id)
    version = selectors.model_version_get_for_user(user=request.user, id=version_id)
    if version.project_id != project.pk:
        raise Http404
    return {"project": project, "card": selectors.model_card(version=version)}


@login_required
@require_http_methods(["GET"])
def model_card(request: AuthenticatedRequest, project_id: Any, version_id: Any) -> HttpResponse:
    found = _card(request, project_id, version_id)
    context = project_context(request, found["project"], TAB, card=found["card"])
    return render(request, "models_registry/model_card.html", context)


def _filename(card: dict[str, Any], extension: str) -> str:
    return f"model-card-{slugify(card['project'].name)}-v{card['version'].number}.{extension}"


@login_required
@require_http_methods(["GET"])
def model_card_markdown(
    request: AuthenticatedRequest, project_id: Any, version_id: Any
) -> HttpResponse:
    card = _card(request, project_id, version_id)["card"]
    response = HttpResponse(as_markdown(card), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(card, "md")}"'
    return response


@login_required
@require_http_methods(["GET"])
def model_card_pdf(request: AuthenticatedRequest, project_id: Any, version_id: Any) -> HttpResponse:
    found = _card(request, project_id, version_id)
    html = render_to_string(
        "models_registry/model_card_print.html",
        {"project": found["project"], "card": found["card"], "generated_at": timezone.now()},
    )
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailableError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found["card"], "pdf")}"'
    return response


@login_required
@require_POST
def feedback_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["feedback_form"]
    if form.is_valid():
        try:
            services.feedback_record(
                actor=request.user,
                project=project,
                text=form.cleaned_data["text"],
                model_version=_version(project, form.cleaned_data["model_version"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, project, "Feedback recorded.")
    return _page(request, project, status=400, feedback_form=form)


def _feedback(request: AuthenticatedRequest, project: Project, feedback_id: Any) -> Any:
    item = selectors.feedback_get_for_user(user=request.user, id=feedback_id)
    if item.project_id != project.pk:
        raise Http404
    return item


@login_required
@require_POST
def feedback_triage(
    request: AuthenticatedRequest, project_id: Any, feedback_id: Any
) -> HttpResponse:
    """Triage a piece of feedback, or (with a version) say which version addressed it."""
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    item = _feedback(request, project, feedback_id)
    status, note = request.POST.get("status", ""), request.POST.get("note", "")
    try:
        if status == "addressed":
            version = _version(project, request.POST.get("version") or None)
            if version is None:
                raise ValidationError({"version": "Pick the version that addressed it."})
            services.feedback_addressed(actor=request.user, item=item, version=version, note=note)
        else:
            services.feedback_triage(actor=request.user, item=item, status=status, note=note)
    except ValidationError as error:
        return _page(request, project, status=400, errors=error.messages)
    return _saved(request, project, "Feedback triaged.")


@login_required
@require_POST
def user_test_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _forms(project, request.POST)["user_test_form"]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["model_version"] = _version(project, data["model_version"])
        try:
            services.user_test_record(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, project, "User test recorded.")
    return _page(request, project, status=400, user_test_form=form)
