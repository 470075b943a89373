"""The scope document: versions, the latest one, a new version, review and comparison."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors, error_text
from core.numbers import plain_number
from projects import selectors, services
from projects.forms_scope import CommentForm, ScopeVersionForm
from projects.pages import project_context

ACTIONS = {
    "submit": lambda user, version, comment: services.scope_version_submit(
        actor=user, version=version
    ),
    "approve": lambda user, version, comment: services.scope_version_approve(
        actor=user, version=version, comment=comment
    ),
    "request-changes": lambda user, version, comment: services.scope_version_request_changes(
        actor=user, version=version, comment=comment
    ),
    "comment": lambda user, version, comment: services.scope_version_comment(
        actor=user, version=version, body=comment
    ),
}


# What each action needs (any of): the services' own checks, asked first so that a role
# without them is refused with 403 rather than a message.
ACTION_PERMS = {
    "submit": (Perm.PROJECT_CONTRIBUTE,),
    "approve": (Perm.PROJECT_REVIEW,),
    "request-changes": (Perm.PROJECT_REVIEW,),
    "comment": (Perm.PROJECT_REVIEW, Perm.PROJECT_CONTRIBUTE),
}


def _version_of(request: AuthenticatedRequest, project: Any, version_id: Any) -> Any:
    version = selectors.scope_version_get_for_user(user=request.user, id=version_id)
    if version.document.project_id != project.pk:
        raise Http404
    return version


@login_required
@require_http_methods(["GET"])
def scope_document(
    request: AuthenticatedRequest, project_id: Any, version_id: Any = None
) -> HttpResponse:
    """The latest version (or the one asked for), its review, and the version history."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    versions = list(selectors.scope_version_list(user=request.user, project=project))
    current = None
    if version_id is not None:
        current = _version_of(request, project, version_id)
    elif versions:
        current = _version_of(request, project, versions[0].pk)
    diff, against = None, None
    if current is not None and request.GET.get("against"):
        try:
            against = _version_of(request, project, request.GET["against"])
        except Http404:
            against = None
        if against is not None:
            diff = selectors.scope_version_diff(against, current)
    context = project_context(
        request,
        project,
        "scope",
        versions=versions,
        version=current,
        comment_form=CommentForm(),
        diff=diff,
        against=against,
    )
    return render(request, "projects/scope.html", context)


# The buttons that add a row without a script, and the rows they add to.
ADD_ROW = {"add_milestone": "milestones", "add_criterion": "criteria"}


@login_required
@require_http_methods(["GET", "POST"])
def scope_version_new(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Write the next version, starting from the latest one's content."""
    project = selectors.project_get_for_user(
        user=request.user, id=project_id, perm=Perm.PROJECT_CONTRIBUTE
    )
    latest = selectors.scope_version_list(user=request.user, project=project).first()
    initial: dict[str, Any] = {}
    milestones: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    if latest is not None:
        latest = selectors.scope_version_get_for_user(user=request.user, id=latest.pk)
        initial = {
            "goals": latest.goals,
            "deliverables": latest.deliverables,
            "timeline_start": latest.timeline_start,
            "timeline_end": latest.timeline_end,
            "out_of_scope": "\n".join(latest.out_of_scope),
            "assumptions": "\n".join(latest.assumptions),
            "constraints": "\n".join(latest.constraints),
        }
        milestones = [{"title": m.title, "due_date": m.due_date} for m in latest.milestones.all()]
        criteria = [
            {
                "metric": c.metric,
                "comparison": c.comparison,
                "target": plain_number(c.target),
                "unit": c.unit,
            }
            for c in latest.success_criteria.all()
        ]
    add = next((rows for button, rows in ADD_ROW.items() if button in request.POST), "")
    form = ScopeVersionForm(
        request.POST or None,
        initial=initial,
        milestones=milestones if request.method == "GET" else None,
        criteria=criteria if request.method == "GET" else None,
        add=add,
    )
    status = 200
    if add:
        form.quiet()  # "Add a row" without a script: the same form, one row longer
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                version = services.scope_version_create(
                    actor=request.user, project=project, **form.cleaned_data
                )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Version {version.number} saved as a draft.")
                return redirect("projects:scope-version", project.pk, version.pk)
    context = project_context(request, project, "scope", form=form, latest=latest)
    return render(request, "projects/scope_form.html", context, status=status)


@login_required
@require_POST
def scope_version_action(
    request: AuthenticatedRequest, project_id: Any, version_id: Any, action: str
) -> HttpResponse:
    """Submit, approve, send back or comment on a version."""
    project = selectors.project_get_for_user(user=request.user, id=project_id)
    version = _version_of(request, project, version_id)
    if action not in ACTIONS:
        raise Http404
    # A role that may not take this action at all is refused outright (403); the review rules
    # themselves (nobody approves their own version) answer on the page.
    if not any(can(request.user, perm, project) for perm in ACTION_PERMS[action]):
        raise PermissionDenied
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        ACTIONS[action](request.user, version, comment)
    except (ValidationError, ConflictError, PermissionDenied) as error:
        messages.error(request, error_text(error, "You may not do that."))
    else:
        messages.success(
            request,
            {
                "submit": "Sent for review.",
                "approve": "Version approved.",
                "request-changes": "Sent back with your comments.",
                "comment": "Comment added.",
            }[action],
        )
    return redirect("projects:scope-version", project.pk, version.pk)
