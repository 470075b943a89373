"""Routes of the webhooks API under /api/v1/."""

from rest_framework.routers import SimpleRouter

from webhooks.api.dead_letters import DeadLetterViewSet
from webhooks.api.task_runs import TaskRunViewSet
from webhooks.api.views import WebhookEndpointViewSet

app_name = "webhooks-api"

router = SimpleRouter(trailing_slash=True)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/webhooks",
    WebhookEndpointViewSet,
    basename="webhook",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/dead-letters",
    DeadLetterViewSet,
    basename="dead-letter",
)
router.register(r"task-runs", TaskRunViewSet, basename="task-run")

urlpatterns = router.urls
