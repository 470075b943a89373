"""Routes of the projects API under /api/v1/ (every path ends with a slash)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from projects.api.feasibility import FeasibilityStudyViewSet
from projects.api.gates import GateRequestViewSet, PhaseHistoryViewSet, ProjectGateViewSet
from projects.api.intake import OrganizationProposalViewSet, ProposalViewSet
from projects.api.projects import ProjectMemberViewSet, ProjectViewSet
from projects.api.risks import RiskLibraryViewSet, RiskViewSet
from projects.api.scope import ScopeVersionViewSet
from projects.api.tasks import MyTaskViewSet, ProjectTaskViewSet, TaskViewSet

app_name = "projects-api"

PROJECT = r"projects/(?P<project_id>[^/]+)"

router = SimpleRouter(trailing_slash=True)
router.register("projects", ProjectViewSet, basename="project")
router.register(f"{PROJECT}/members", ProjectMemberViewSet, basename="project-member")
router.register(
    r"organizations/(?P<organization_id>[^/]+)/proposals",
    OrganizationProposalViewSet,
    basename="organization-proposal",
)
router.register("proposals", ProposalViewSet, basename="proposal")
router.register(f"{PROJECT}/scope/versions", ScopeVersionViewSet, basename="scope-version")
router.register(
    f"{PROJECT}/feasibility-studies", FeasibilityStudyViewSet, basename="feasibility-study"
)
router.register(f"{PROJECT}/risks", RiskViewSet, basename="risk")
router.register("risk-library", RiskLibraryViewSet, basename="risk-library")
router.register(f"{PROJECT}/tasks", ProjectTaskViewSet, basename="project-task")
router.register("tasks", TaskViewSet, basename="task")
router.register("me/tasks", MyTaskViewSet, basename="my-task")
router.register("gate-requests", GateRequestViewSet, basename="gate-request")
router.register(f"{PROJECT}/phase-history", PhaseHistoryViewSet, basename="phase-history")

# The project's next gate: one object per project, so plain routes rather than a router's
# list/detail pair.
lifecycle = [
    path(
        "projects/<str:project_id>/gate/",
        ProjectGateViewSet.as_view({"get": "retrieve"}),
        name="project-gate",
    ),
    path(
        "projects/<str:project_id>/gate/request/",
        ProjectGateViewSet.as_view({"post": "request_gate"}),
        name="project-gate-request",
    ),
    path(
        "projects/<str:project_id>/move-back/",
        ProjectGateViewSet.as_view({"post": "move_back"}),
        name="project-move-back",
    ),
]

urlpatterns = [*router.urls, *lifecycle]
