"""Routes of the stakeholders API under /api/v1/ (every path ends with a slash, except the
CSV file `results.csv`)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from stakeholders.api.consent import (
    OrganizationConsentPolicyViewSet,
    StakeholderConsentRecordViewSet,
)
from stakeholders.api.feedback import (
    FeedbackInviteViewSet,
    FeedbackRoundViewSet,
    ProjectFeedbackRoundViewSet,
)
from stakeholders.api.feedback_results import CSV_RENDERERS, FeedbackTrendViewSet
from stakeholders.api.intake import (
    IntakeFeedbackView,
    IntakeKeyViewSet,
    ProductFeedbackViewSet,
    ProjectIntakeKeyViewSet,
)
from stakeholders.api.registry import (
    OrganizationStakeholderViewSet,
    ProjectStakeholderViewSet,
    StakeholderViewSet,
)
from stakeholders.api.workshops import ProjectWorkshopViewSet, WorkshopViewSet

app_name = "stakeholders-api"

PROJECT = r"projects/(?P<project_id>[^/]+)"

router = SimpleRouter(trailing_slash=True)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/stakeholders",
    OrganizationStakeholderViewSet,
    basename="organization-stakeholder",
)
router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
router.register(
    r"organizations/(?P<organization_id>[^/]+)/consent-policies",
    OrganizationConsentPolicyViewSet,
    basename="organization-consent-policy",
)
router.register(
    r"stakeholders/(?P<stakeholder_id>[^/]+)/consent-records",
    StakeholderConsentRecordViewSet,
    basename="stakeholder-consent-record",
)
router.register(
    f"{PROJECT}/stakeholders", ProjectStakeholderViewSet, basename="project-stakeholder"
)
router.register(f"{PROJECT}/workshops", ProjectWorkshopViewSet, basename="project-workshop")
router.register("workshops", WorkshopViewSet, basename="workshop")
router.register(
    f"{PROJECT}/feedback-rounds", ProjectFeedbackRoundViewSet, basename="project-feedback-round"
)
router.register("feedback-rounds", FeedbackRoundViewSet, basename="feedback-round")
router.register("feedback-invites", FeedbackInviteViewSet, basename="feedback-invite")
router.register(f"{PROJECT}/feedback-trend", FeedbackTrendViewSet, basename="feedback-trend")
router.register(f"{PROJECT}/intake-keys", ProjectIntakeKeyViewSet, basename="project-intake-key")
router.register("intake-keys", IntakeKeyViewSet, basename="intake-key")
router.register(
    f"{PROJECT}/product-feedback", ProductFeedbackViewSet, basename="project-product-feedback"
)

urlpatterns = [
    path("intake/feedback/", IntakeFeedbackView.as_view(), name="intake-feedback"),
    # A file name, so no trailing slash.
    re_path(
        r"^feedback-rounds/(?P<pk>[^/]+)/results\.csv$",
        FeedbackRoundViewSet.as_view(
            {"get": "results_csv"}, detail=True, renderer_classes=CSV_RENDERERS
        ),
        name="feedback-round-results-csv",
    ),
    *router.urls,
]
