"""Routes of the reports API under /api/v1/."""

from rest_framework.routers import SimpleRouter

from reports.api.views import ReportScheduleViewSet, ReportViewSet

app_name = "reports-api"

router = SimpleRouter(trailing_slash=True)
router.register("reports", ReportViewSet, basename="report")
router.register("report-schedules", ReportScheduleViewSet, basename="report-schedule")

urlpatterns = router.urls
