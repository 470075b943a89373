"""Tasks: a project's action items and each person's "My work"."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, Rule, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, error_text
from projects import selectors, services
from projects.forms_scope import TaskForm, TaskStatusForm
from projects.models import Task
from projects.pages import project_context


@login_required
@require_http_methods(["GET", "POST"])
def project_tasks(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    people = selectors.project_people(user=request.user, project=project)
    form = TaskForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":
        status = 400
        selectors.project_get_for_user(
            user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE
        )
        if form.is_valid():
            data = form.cleaned_data
            assignee = selectors.project_person_get(
                user=request.user, project=project, id=data["assignee"]
            )
            try:
                services.task_create(
                    actor=request.user,
                    project=project,
                    title=data["title"],
                    description=data["description"],
                    assignee=assignee,
                    due_date=data["due_date"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Task added.")
                return redirect("projects:project-tasks", project.pk)
    tasks = selectors.task_list_for_user(user=request.user, project=project, open_only=False)
    context = project_context(
        request,
        project,
        "tasks",
        tasks=tasks,
        form=form,
        status_choices=Task.Status.choices,
    )
    return render(request, "projects/tasks.html", context, status=status)


@login_required
@require_POST
def task_status(request: AuthenticatedRequest, task_id: Any) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, id=task_id)
    if not can(request.user, Rule.TASK_MOVE, task):
        raise PermissionDenied  # before the form: a refusal is 403, whatever was posted
    form = TaskStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose a valid status.")
        services.task_update(actor=request.user, task=task, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, error_text(error, "The task cannot change."))
    else:
        messages.success(request, "Task updated.")
    target = request.POST.get("back", "")
    return redirect(
        "projects:my-work" if target == "my-work" else "projects:project-tasks",
        *([] if target == "my-work" else [task.project_id]),
    )


@login_required
@require_http_methods(["GET"])
def my_work(request: AuthenticatedRequest) -> HttpResponse:
    """Every open task assigned to me, across the projects I can see, by due date;
    `?overdue=1` keeps those past due in the current organisation (the dashboard's link)."""
    overdue_in = current_organization(request) if request.GET.get("overdue") == "1" else None
    tasks = selectors.task_list_for_user(user=request.user, mine=True, overdue_in=overdue_in)
    return render(
        request,
        "projects/my_work.html",
        {
            "tasks": tasks,
            "overdue": overdue_in is not None,
            "nav": "my-work",
            "status_choices": Task.Status.choices,
        },
    )
