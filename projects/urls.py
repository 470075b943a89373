from django.urls import path

from projects.views import feasibility, gates, intake, risks, scope, tasks
from projects.views import projects as views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("my-work/", tasks.my_work, name="my-work"),
    path("proposals/", intake.proposal_list, name="proposal-list"),
    path("proposals/<uuid:proposal_id>/triage/", intake.proposal_triage, name="proposal-triage"),
    path("tasks/<uuid:task_id>/status/", tasks.task_status, name="task-status"),
    path("<uuid:project_id>/", views.project_detail, name="project-detail"),
    path("<uuid:project_id>/edit/", views.project_edit, name="project-edit"),
    path("<uuid:project_id>/audit/", views.project_audit, name="project-audit"),
    path("<uuid:project_id>/members/", views.project_member_add, name="project-member-add"),
    path(
        "<uuid:project_id>/members/<uuid:membership_id>/role/",
        views.project_member_role,
        name="project-member-role",
    ),
    path(
        "<uuid:project_id>/members/<uuid:membership_id>/remove/",
        views.project_member_remove,
        name="project-member-remove",
    ),
    path("<uuid:project_id>/risks/", risks.risk_register, name="risk-register"),
    path("<uuid:project_id>/risks/new/", risks.risk_create, name="risk-create"),
    path("<uuid:project_id>/risks/<uuid:risk_id>/", risks.risk_edit, name="risk-edit"),
    path("<uuid:project_id>/scope/", scope.scope_document, name="scope-document"),
    path("<uuid:project_id>/scope/new/", scope.scope_version_new, name="scope-version-new"),
    path("<uuid:project_id>/scope/<uuid:version_id>/", scope.scope_document, name="scope-version"),
    path(
        "<uuid:project_id>/scope/<uuid:version_id>/<slug:action>/",
        scope.scope_version_action,
        name="scope-version-action",
    ),
    path("<uuid:project_id>/feasibility/", feasibility.feasibility_list, name="feasibility-list"),
    path(
        "<uuid:project_id>/feasibility/new/", feasibility.feasibility_edit, name="feasibility-new"
    ),
    path(
        "<uuid:project_id>/feasibility/<uuid:study_id>/",
        feasibility.feasibility_edit,
        name="feasibility-edit",
    ),
    path(
        "<uuid:project_id>/feasibility/<uuid:study_id>/sign-off/",
        feasibility.feasibility_sign_off,
        name="feasibility-sign-off",
    ),
    path("<uuid:project_id>/tasks/", tasks.project_tasks, name="project-tasks"),
    path("<uuid:project_id>/gate/", gates.gate_page, name="gate"),
    path("<uuid:project_id>/gate/request/", gates.gate_request, name="gate-request"),
    path(
        "<uuid:project_id>/gate/<uuid:request_id>/<slug:decision>/",
        gates.gate_decide,
        name="gate-decide",
    ),
    path("<uuid:project_id>/move-back/", gates.move_back, name="move-back"),
]
