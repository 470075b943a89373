"""Routes of the compliance API under /api/v1/ (every path ends with a slash)."""

from rest_framework.routers import SimpleRouter

from compliance.api.audit_checkpoints import AuditCheckpointViewSet
from compliance.api.audit_events import AuditEventViewSet
from compliance.api.audit_exports import AuditExportViewSet
from compliance.api.bias_audits import BiasAuditViewSet
from compliance.api.catalogue import FollowedFrameworkViewSet, FrameworkViewSet, RequirementViewSet
from compliance.api.checks import (
    ClassificationViewSet,
    ComplianceCheckViewSet,
    QuestionnaireViewSet,
)
from compliance.api.dpia import DpiaVersionViewSet
from compliance.api.evidence import EvidenceViewSet, TrainingRecordViewSet
from compliance.api.privacy_inventory import PrivacyInventoryViewSet
from compliance.api.retention import RetentionRuleViewSet
from compliance.api.subject_requests import SubjectRequestViewSet
from compliance.api.transparency import FactSheetPublicationViewSet, TransparencyViewSet

app_name = "compliance-api"

PROJECT = r"projects/(?P<project_id>[^/]+)"

router = SimpleRouter(trailing_slash=True)
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("audit-checkpoints", AuditCheckpointViewSet, basename="audit-checkpoint")
router.register("audit-exports", AuditExportViewSet, basename="audit-export")
router.register(
    "classification-questionnaire", QuestionnaireViewSet, basename="classification-questionnaire"
)
router.register(f"{PROJECT}/classifications", ClassificationViewSet, basename="classification")
router.register(f"{PROJECT}/compliance-checks", ComplianceCheckViewSet, basename="compliance-check")

router.register(f"{PROJECT}/evidence", EvidenceViewSet, basename="evidence")
router.register(f"{PROJECT}/bias-audits", BiasAuditViewSet, basename="bias-audit")
# privacy: the data inventory and the DPIA
router.register(
    f"{PROJECT}/privacy/inventory", PrivacyInventoryViewSet, basename="privacy-inventory"
)
router.register(f"{PROJECT}/privacy/dpia-versions", DpiaVersionViewSet, basename="dpia-version")
router.register(f"{PROJECT}/transparency", TransparencyViewSet, basename="transparency")
router.register(
    f"{PROJECT}/fact-sheet-publications",
    FactSheetPublicationViewSet,
    basename="fact-sheet-publication",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/training-records",
    TrainingRecordViewSet,
    basename="training-record",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/subject-requests",
    SubjectRequestViewSet,
    basename="subject-request",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/retention-rules",
    RetentionRuleViewSet,
    basename="retention-rule",
)

# the framework catalogue, and the frameworks an organisation follows
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("requirements", RequirementViewSet, basename="requirement")
router.register(
    r"organizations/(?P<organization_id>[^/]+)/frameworks",
    FollowedFrameworkViewSet,
    basename="followed-framework",
)


urlpatterns = router.urls
