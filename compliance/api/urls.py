"""Routes of the compliance API under /api/v1/ (every path ends with a slash)."""

from rest_framework.routers import SimpleRouter

from compliance.api.audit_events import AuditEventViewSet

app_name = "compliance-api"

router = SimpleRouter(trailing_slash=True)
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
