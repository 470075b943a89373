from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
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
]
