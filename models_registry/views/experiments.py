"""A project's A/B tests (Integrate & operate): the tests with their verdicts, one test's
comparisons against the control drawn as differences with their intervals against zero (and
the same figures as a table), and the forms to create, start, feed and finish a test."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, choice_field
from models_registry import selectors, services
from models_registry.charts import difference_chart
from models_registry.forms_experiments import (
    TEST_FIELDS,
    ABTestForm,
    FinishForm,
    OptimisationForm,
    ResultsForm,
)
from models_registry.models import ABTest
from models_registry.views.operate_charts import optimisation_chart
from projects.models import Project
from projects.pages import project_context
from projects.selectors import project_get_for_user

TAB = "operate"


def _test(project: Project, test_id: Any) -> ABTest:
    test = selectors.ab_test_in_project(project=project, id=test_id)
    if test is None:
        raise Http404
    return test


def _versions(project: Project) -> list[tuple[str, str]]:
    return [(str(v.pk), v.name) for v in selectors.model_version_list(project=project)]


def _optimisation_form(project: Project, data: Any = None) -> OptimisationForm:
    form = OptimisationForm(data)
    versions = _versions(project)
    choice_field(form, "before").choices = versions
    choice_field(form, "after").choices = versions
    evaluations = [("", "—")] + [
        (str(e.pk), f"{e.model_version.name} · {e.benchmark} · {e.evaluated_at:%Y-%m-%d}")
        for e in selectors.evaluation_list(project=project)
    ]
    choice_field(form, "before_evaluation").choices = evaluations
    choice_field(form, "after_evaluation").choices = evaluations
    return form


def _list_page(
    request: AuthenticatedRequest,
    project: Project,
    *,
    status: int = 200,
    form: Any = None,
    optimisation_form: Any = None,
) -> HttpResponse:
    optimisations = selectors.optimisation_list(project=project)
    context = project_context(
        request,
        project,
        TAB,
        tests=list(selectors.ab_test_list(project=project)),
        form=form or ABTestForm(versions=_versions(project)),
        optimisations=optimisations,
        tradeoff=optimisation_chart(optimisations),
        optimisation_form=optimisation_form or _optimisation_form(project),
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
    )
    return render(request, "models_registry/experiments.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def ab_test_list(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    return _list_page(request, project_get_for_user(user=request.user, id=project_id))


@login_required
@require_POST
def ab_test_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = ABTestForm(request.POST, versions=_versions(project))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in TEST_FIELDS}
        rows = form.variant_rows()
        for row in rows:
            row["model_version"] = (
                selectors.model_version_in_project(project=project, id=row["model_version"])
                if row["model_version"]
                else None
            )
        try:
            test = services.ab_test_create(
                actor=request.user, project=project, variants=rows, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"A/B test {test.name} created as a draft.")
            return redirect("models_registry:ab-test-detail", project.pk, test.pk)
    return _list_page(request, project, status=400, form=form)


def _detail_page(
    request: AuthenticatedRequest,
    project: Project,
    test: ABTest,
    *,
    status: int = 200,
    **sent: Any,
) -> HttpResponse:
    detail = selectors.ab_test_detail(test=test)
    compared = [row for row in detail.analysis.variants if row.comparison is not None]
    chart = difference_chart(
        [
            {
                "label": row.variant.name,
                "difference": row.comparison.difference,
                "ci_low": row.comparison.ci_low,
                "ci_high": row.comparison.ci_high,
                "significant": row.comparison.significant,
            }
            for row in compared
            if row.comparison is not None
        ]
    )
    results_form = sent.pop("results_form", None) or ResultsForm()
    choice_field(results_form, "variant").choices = [(str(v.pk), v.name) for v in detail.variants]
    context = project_context(
        request,
        project,
        TAB,
        test=detail.test,
        variants=detail.variants,
        analysis=detail.analysis,
        chart=chart if compared else None,
        results_form=results_form,
        finish_form=sent.pop("finish_form", None) or FinishForm(),
        errors=sent.pop("errors", []),
        may_contribute=can(request.user, Perm.PROJECT_CONTRIBUTE, project),
    )
    return render(request, "models_registry/experiment_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def ab_test_detail(request: AuthenticatedRequest, project_id: Any, test_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id)
    return _detail_page(request, project, _test(project, test_id))


@login_required
@require_POST
def ab_test_start(request: AuthenticatedRequest, project_id: Any, test_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    test = _test(project, test_id)
    try:
        services.ab_test_start(actor=request.user, test=test)
    except ValidationError as error:
        return _detail_page(request, project, test, status=400, errors=error.messages)
    messages.success(request, "Test started.")
    return redirect("models_registry:ab-test-detail", project.pk, test.pk)


@login_required
@require_POST
def ab_test_results(request: AuthenticatedRequest, project_id: Any, test_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    test = _test(project, test_id)
    form = ResultsForm(request.POST)
    choice_field(form, "variant").choices = [(str(v.pk), v.name) for v in test.variants.all()]
    if form.is_valid():
        data = dict(form.cleaned_data)
        variant = selectors.ab_variant_in_test(test=test, id=data.pop("variant"))
        totals = {k: v for k, v in data.items() if v is not None}
        try:
            if variant is None:
                raise ValidationError({"variant": "Not a variant of this test."})
            services.ab_test_results_post(actor=request.user, variant=variant, **totals)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Totals of {variant.name} recorded.")
            return redirect("models_registry:ab-test-detail", project.pk, test.pk)
    return _detail_page(request, project, test, status=400, results_form=form)


@login_required
@require_POST
def ab_test_finish(request: AuthenticatedRequest, project_id: Any, test_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    test = _test(project, test_id)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.ab_test_finish(actor=request.user, test=test, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Test finished; its outcome is recorded.")
            return redirect("models_registry:ab-test-detail", project.pk, test.pk)
    return _detail_page(request, project, test, status=400, finish_form=form)


@login_required
@require_POST
def optimisation_create(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = project_get_for_user(user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE)
    form = _optimisation_form(project, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        for field in ("before", "after"):
            data[field] = selectors.model_version_in_project(project=project, id=data[field])
        for field in ("before_evaluation", "after_evaluation"):
            data[field] = (
                selectors.evaluation_in_project(project=project, id=data[field])
                if data[field]
                else None
            )
        try:
            services.optimisation_record(actor=request.user, project=project, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Optimisation recorded.")
            return redirect("models_registry:ab-tests", project.pk)
    return _list_page(request, project, status=400, optimisation_form=form)
