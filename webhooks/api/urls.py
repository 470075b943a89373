"""Routes of the webhooks API under /api/v1/."""

from rest_framework.routers import SimpleRouter

from webhooks.api.views import WebhookEndpointViewSet

app_name = "webhooks-api"

router = SimpleRouter(trailing_slash=True)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/webhooks",
    WebhookEndpointViewSet,
    basename="webhook",
)

urlpatterns = router.urls
