from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("organizations/<uuid:org_id>/webhooks/", views.webhook_list, name="endpoint-list"),
    path(
        "organizations/<uuid:org_id>/webhooks/<uuid:endpoint_id>/",
        views.webhook_detail,
        name="endpoint-detail",
    ),
    path(
        "organizations/<uuid:org_id>/webhooks/<uuid:endpoint_id>/test/",
        views.webhook_test,
        name="endpoint-test",
    ),
    path(
        "organizations/<uuid:org_id>/webhooks/<uuid:endpoint_id>/deactivate/",
        views.webhook_deactivate,
        name="endpoint-deactivate",
    ),
    path(
        "organizations/<uuid:org_id>/webhooks/<uuid:endpoint_id>/delete/",
        views.webhook_delete,
        name="endpoint-delete",
    ),
    path(
        "organizations/<uuid:org_id>/dead-letters/",
        views.dead_letter_list,
        name="dead-letter-list",
    ),
    path(
        "organizations/<uuid:org_id>/dead-letters/<uuid:message_id>/retry/",
        views.dead_letter_retry,
        name="dead-letter-retry",
    ),
    path(
        "organizations/<uuid:org_id>/dead-letters/<uuid:message_id>/discard/",
        views.dead_letter_discard,
        name="dead-letter-discard",
    ),
    path("operations/task-runs/", views.task_run_list, name="task-run-list"),
]
