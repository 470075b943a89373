"""Routes of the models registry API under /api/v1/ (every path ends with a slash)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from models_registry.api.adapt import (
    DatasetViewSet,
    FineTuneRunViewSet,
    ModelVersionViewSet,
    PromptTemplateViewSet,
)
from models_registry.api.catalogue import CatalogueModelViewSet, ExchangeRateViewSet
from models_registry.api.currency import OrganizationCurrencyViewSet
from models_registry.api.decisions import DecisionRecordViewSet
from models_registry.api.evaluations import BiasCheckViewSet, EvaluationViewSet
from models_registry.api.experiments import ABTestViewSet
from models_registry.api.feedback import HumanFeedbackViewSet, UserTestViewSet
from models_registry.api.imports import EvaluationFileImportViewSet, MlflowImportViewSet
from models_registry.api.modifications import ModificationFlagViewSet
from models_registry.api.operate import (
    DeploymentViewSet,
    IncidentViewSet,
    MonitoringViewSet,
    PostMarketPlanViewSet,
)
from models_registry.api.optimisation import OptimisationViewSet
from models_registry.api.selection import (
    SelectionCandidateViewSet,
    SelectionCriterionViewSet,
    SelectionViewSet,
)
from models_registry.api.vendors import VendorAssessmentViewSet, VendorViewSet

app_name = "models-registry-api"

ORG = r"organizations/(?P<organization_id>[^/]+)"
SELECTION = r"projects/(?P<project_id>[^/]+)/selection"
ADAPT = r"projects/(?P<project_id>[^/]+)/adapt"
OPERATE = r"projects/(?P<project_id>[^/]+)/operate"

router = SimpleRouter(trailing_slash=True)
# the organisation's catalogue and its vendors
router.register(f"{ORG}/catalogue-models", CatalogueModelViewSet, basename="catalogue-model")
router.register(f"{ORG}/vendors", VendorViewSet, basename="vendor")
router.register(
    rf"{ORG}/vendors/(?P<vendor_id>[^/]+)/assessments",
    VendorAssessmentViewSet,
    basename="vendor-assessment",
)
router.register(f"{ORG}/exchange-rates", ExchangeRateViewSet, basename="exchange-rate")
# a project's selection
router.register(f"{SELECTION}/criteria", SelectionCriterionViewSet, basename="criterion")
router.register(f"{SELECTION}/candidates", SelectionCandidateViewSet, basename="candidate")
router.register(f"{SELECTION}/decisions", DecisionRecordViewSet, basename="decision")
# a project's Adapt & align record
router.register(f"{ADAPT}/model-versions", ModelVersionViewSet, basename="model-version")
router.register(f"{ADAPT}/prompts", PromptTemplateViewSet, basename="prompt")
router.register(f"{ADAPT}/datasets", DatasetViewSet, basename="dataset")
router.register(f"{ADAPT}/fine-tune-runs", FineTuneRunViewSet, basename="fine-tune-run")
router.register(f"{ADAPT}/evaluations", EvaluationViewSet, basename="evaluation")
router.register(f"{ADAPT}/bias-checks", BiasCheckViewSet, basename="bias-check")
router.register(f"{ADAPT}/feedback", HumanFeedbackViewSet, basename="human-feedback")
router.register(f"{ADAPT}/user-tests", UserTestViewSet, basename="user-test")
# a project's Integrate & operate record
router.register(f"{OPERATE}/deployments", DeploymentViewSet, basename="deployment")
router.register(f"{OPERATE}/incidents", IncidentViewSet, basename="incident")
router.register(f"{OPERATE}/optimisations", OptimisationViewSet, basename="optimisation")
router.register(f"{OPERATE}/modifications", ModificationFlagViewSet, basename="modification-flag")
router.register(
    r"projects/(?P<project_id>[^/]+)/operate/ab-tests", ABTestViewSet, basename="ab-test"
)

# One object per project: plain routes rather than a router's list/detail pair.
S = "projects/<str:project_id>/selection"
selection = [
    path(
        f"{S}/workload/",
        SelectionViewSet.as_view({"get": "workload", "patch": "workload_update"}),
        name="workload",
    ),
    path(f"{S}/sheets/", SelectionViewSet.as_view({"get": "sheets"}), name="sheets"),
    path(f"{S}/matrix/", SelectionViewSet.as_view({"get": "matrix"}), name="matrix"),
    path(
        f"{S}/my-sheet/",
        SelectionViewSet.as_view({"get": "my_sheet", "post": "score"}),
        name="my-sheet",
    ),
    path(
        f"{S}/my-sheet/submit/",
        SelectionViewSet.as_view({"post": "submit"}),
        name="my-sheet-submit",
    ),
    path(
        f"{S}/my-sheet/abstain/",
        SelectionViewSet.as_view({"post": "abstain"}),
        name="my-sheet-abstain",
    ),
]

# The organisation's cost currency: one value, read and replaced whole.
organization = [
    path(
        "organizations/<str:organization_id>/currency/",
        OrganizationCurrencyViewSet.as_view({"get": "currency", "put": "currency_update"}),
        name="organization-currency",
    )
]

adapt = [
    path(
        "projects/<str:project_id>/adapt/criteria/",
        EvaluationViewSet.as_view({"get": "criteria"}),
        name="adapt-criteria",
    )
]


# Evaluations imported from where they live: lm-evaluation-harness, Inspect AI, MLflow.
IMPORTS = "projects/<str:project_id>/adapt/imports"
imports = [
    path(
        f"{IMPORTS}/lm-eval/",
        EvaluationFileImportViewSet.as_view({"post": "lm_eval"}),
        name="import-lm-eval",
    ),
    path(
        f"{IMPORTS}/inspect/",
        EvaluationFileImportViewSet.as_view({"post": "inspect"}),
        name="import-inspect",
    ),
    path(
        f"{IMPORTS}/mlflow/", MlflowImportViewSet.as_view({"post": "mlflow"}), name="import-mlflow"
    ),
]

urlpatterns = [*router.urls, *organization, *selection, *adapt, *imports]

# A deployment's monitoring: thresholds, and points pushed by the production system.
D = "projects/<str:project_id>/operate/deployments/<str:pk>"
operate = [
    path(
        f"{D}/thresholds/",
        MonitoringViewSet.as_view({"get": "thresholds", "post": "threshold_set"}),
        name="deployment-thresholds",
    ),
    path(f"{D}/points/", MonitoringViewSet.as_view({"post": "points"}), name="deployment-points"),
]
PM = "projects/<str:project_id>/operate/post-market-plan"
operate += [
    path(
        f"{PM}/",
        PostMarketPlanViewSet.as_view({"get": "plan", "put": "plan_set"}),
        name="post-market-plan",
    ),
    path(
        f"{PM}/reviews/",
        PostMarketPlanViewSet.as_view({"post": "review"}),
        name="post-market-reviews",
    ),
]
urlpatterns += operate
