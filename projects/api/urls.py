"""Routes of the projects API under /api/v1/ (every path ends with a slash)."""

from rest_framework.routers import SimpleRouter

from projects.api.views import ProjectMemberViewSet, ProjectViewSet

app_name = "projects-api"

router = SimpleRouter(trailing_slash=True)
router.register("projects", ProjectViewSet, basename="project")
router.register(
    r"projects/(?P<project_id>[^/]+)/members", ProjectMemberViewSet, basename="project-member"
)

urlpatterns = router.urls
