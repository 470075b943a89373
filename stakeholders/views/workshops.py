"""Workshops: list, schedule, reschedule, cancel, invite more, record the outcome, .ics."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Perm, can
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors
from projects.models import Project, Task
from projects.pages import project_context
from projects.selectors import project_people, project_people_list, project_person_get
from stakeholders import ics, selectors, services
from stakeholders.forms import (
    WorkshopCancelForm,
    WorkshopForm,
    WorkshopInviteForm,
    WorkshopOutcomeForm,
    WorkshopRescheduleForm,
    wall_clock_of,
)
from stakeholders.models import Workshop
from stakeholders.views.common import (
    form_error_list,
    project_for,
    project_stakeholder_choices,
)


def _workshop(request: AuthenticatedRequest, project: Project, workshop_id: Any) -> Workshop:
    workshop = selectors.workshop_get_for_user(user=request.user, id=workshop_id)
    if workshop.project_id != project.pk:
        raise Http404
    return workshop


def _user_zone(request: AuthenticatedRequest) -> str:
    return getattr(request.user, "time_zone", "") or "UTC"


@login_required
@require_GET
def workshop_list(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """The project's workshops, newest first, in their own time zone and the viewer's."""
    project = project_for(request, project_id)
    context = project_context(
        request,
        project,
        "workshops",
        workshops=selectors.workshop_list(user=request.user, project=project),
        viewer_zone=_user_zone(request),
    )
    return render(request, "stakeholders/workshop_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_schedule(request: AuthenticatedRequest, project_id: Any) -> HttpResponse:
    """Plan a workshop; invitations with an .ics go out by email once it is saved."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    form = WorkshopForm(
        request.POST or None,
        initial={"time_zone": _user_zone(request)},
        people=project_people(user=request.user, project=project),
        stakeholders=project_stakeholder_choices(request, project),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invited = data.pop("stakeholders")
        data["facilitator"] = project_person_get(
            user=request.user, project=project, id=data["facilitator"]
        )
        try:
            workshop = services.workshop_schedule(
                actor=request.user, project=project, stakeholders=invited, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            sent = " Invitations are on their way." if invited else ""
            messages.success(request, f"“{workshop.title}” scheduled.{sent}")
            return redirect("stakeholders:workshop-detail", project.pk, workshop.pk)
    context = project_context(request, project, "workshops", form=form)
    status = 400 if request.method == "POST" else 200
    return render(request, "stakeholders/workshop_form.html", context, status=status)


def _detail(
    request: AuthenticatedRequest,
    project: Project,
    workshop: Workshop,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The workshop page with its action forms; `forms` replaces one with a bound form."""
    invitations = list(workshop.invitations.all())
    invited_ids = {str(i.stakeholder_id) for i in invitations}
    can_edit = can(request.user, Perm.PROJECT_CONTRIBUTE, project)
    is_scheduled = workshop.status == Workshop.Status.SCHEDULED
    action_tasks = (
        list(
            Task.objects.filter(
                project=project, source_type="stakeholders.workshop", source_id=str(workshop.pk)
            ).select_related("assignee")
        )
        if workshop.status == Workshop.Status.HELD
        else []
    )
    context = project_context(
        request,
        project,
        "workshops",
        workshop=workshop,
        invitations=invitations,
        action_tasks=action_tasks,
        viewer_zone=_user_zone(request),
        can_edit=can_edit,
        is_scheduled=is_scheduled,
        can_record=is_scheduled and workshop.starts_at <= timezone.now(),
        form_errors=form_error_list(forms),
    )
    if can_edit and is_scheduled:
        context["reschedule_form"] = forms.get("reschedule_form") or WorkshopRescheduleForm(
            initial={
                "starts_at": wall_clock_of(workshop.starts_at, workshop.time_zone),
                "time_zone": workshop.time_zone,
                "duration_minutes": workshop.duration_minutes,
                "location": workshop.location,
                "meeting_url": workshop.meeting_url,
            },
            prefix="reschedule",
        )
        context["cancel_form"] = forms.get("cancel_form") or WorkshopCancelForm(prefix="cancel")
        uninvited = [
            choice
            for choice in project_stakeholder_choices(request, project)
            if choice[0] not in invited_ids
        ]
        context["invite_form"] = forms.get("invite_form") or (
            WorkshopInviteForm(stakeholders=uninvited, prefix="invite") if uninvited else None
        )
        context["outcome_form"] = forms.get("outcome_form") or WorkshopOutcomeForm(
            invitees=_invitees(invitations),
            people=project_people_list(user=request.user, project=project)
            if context["can_record"]
            else [],
            prefix="outcome",
        )
    return render(request, "stakeholders/workshop_detail.html", context, status=status)


def _invitees(invitations: list[Any]) -> list[tuple[str, str]]:
    return [(str(i.stakeholder_id), i.stakeholder.name) for i in invitations]


@login_required
@require_GET
def workshop_detail(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    """One workshop: when, who, what was decided; and its actions."""
    project = project_for(request, project_id)
    return _detail(request, project, _workshop(request, project, workshop_id))


def _run(
    request: AuthenticatedRequest,
    project: Project,
    workshop: Workshop,
    form_name: str,
    form: Any,
    action: Any,
    done: str,
) -> HttpResponse:
    """Validate `form`, call the service; errors go back on the form (400, or 409 when the
    workshop's state forbids it), success redirects to the workshop with a message."""
    status = 400
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("stakeholders:workshop-detail", project.pk, workshop.pk)
    return _detail(request, project, workshop, status=status, **{form_name: form})


@login_required
@require_POST
def workshop_reschedule(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    workshop = _workshop(request, project, workshop_id)
    form = WorkshopRescheduleForm(request.POST, prefix="reschedule")
    return _run(
        request,
        project,
        workshop,
        "reschedule_form",
        form,
        lambda data: services.workshop_reschedule(actor=request.user, workshop=workshop, **data),
        "Workshop moved: invitees receive the updated invitation.",
    )


@login_required
@require_POST
def workshop_cancel(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    workshop = _workshop(request, project, workshop_id)
    form = WorkshopCancelForm(request.POST, prefix="cancel")
    return _run(
        request,
        project,
        workshop,
        "cancel_form",
        form,
        lambda data: services.workshop_cancel(
            actor=request.user, workshop=workshop, reason=data["reason"]
        ),
        "Workshop cancelled: invitees receive a cancellation for their calendar.",
    )


@login_required
@require_POST
def workshop_invite(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    workshop = _workshop(request, project, workshop_id)
    invited = {str(i.stakeholder_id) for i in workshop.invitations.all()}
    choices = [c for c in project_stakeholder_choices(request, project) if c[0] not in invited]
    form = WorkshopInviteForm(request.POST, stakeholders=choices, prefix="invite")
    return _run(
        request,
        project,
        workshop,
        "invite_form",
        form,
        lambda data: services.workshop_invite(
            actor=request.user, workshop=workshop, stakeholders=data["stakeholders"]
        ),
        "Invitations are on their way.",
    )


@login_required
@require_POST
def workshop_outcome(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    """Record that the workshop was held; action items become tasks on the project."""
    project = project_for(request, project_id, Perm.PROJECT_CONTRIBUTE)
    workshop = _workshop(request, project, workshop_id)
    people = project_people_list(user=request.user, project=project)
    invitees = _invitees(list(workshop.invitations.all()))
    if "add_action" in request.POST:
        # "Add an action item" without a script: the same form again with one more row.
        form = WorkshopOutcomeForm(
            request.POST, invitees=invitees, people=people, extra_rows=1, prefix="outcome"
        ).quiet()
        return _detail(request, project, workshop, outcome_form=form)
    form = WorkshopOutcomeForm(request.POST, invitees=invitees, people=people, prefix="outcome")
    return _run(
        request,
        project,
        workshop,
        "outcome_form",
        form,
        lambda data: services.workshop_record_outcome(
            actor=request.user,
            workshop=workshop,
            minutes=data["minutes"],
            attended=data["attended"],
            decisions=data["decisions"],
            action_items=data["action_items"],
        ),
        "Outcome recorded: the workshop is marked as held.",
    )


@login_required
@require_GET
def workshop_calendar(
    request: AuthenticatedRequest, project_id: Any, workshop_id: Any
) -> HttpResponse:
    """The workshop as an .ics file, the same event the invitees received."""
    project = project_for(request, project_id)
    workshop = _workshop(request, project, workshop_id)
    attendees = [i.stakeholder for i in workshop.invitations.all()]
    body = ics.workshop_calendar(
        workshop, attendees, cancelled=workshop.status == Workshop.Status.CANCELLED
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"{slugify(workshop.title)[:60] or 'workshop'}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
