from django.urls import path

from reports import views

app_name = "reports"

ORG = "organizations/<uuid:org_id>/reports/"

urlpatterns = [
    path(ORG, views.report_list, name="report-list"),
    path(f"{ORG}<uuid:report_id>/", views.report_detail, name="report-detail"),
    path(
        f"{ORG}<uuid:report_id>/<str:kind>/",
        views.report_file_download,
        name="report-download",
    ),
    path(
        f"{ORG}schedules/<uuid:schedule_id>/generate/",
        views.schedule_generate,
        name="schedule-generate",
    ),
    path(
        f"{ORG}schedules/<uuid:schedule_id>/toggle/",
        views.schedule_toggle,
        name="schedule-toggle",
    ),
]
