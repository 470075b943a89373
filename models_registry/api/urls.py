"""Routes of the models_registry API under /api/v1/ (every path ends with a slash)."""

from rest_framework.routers import SimpleRouter

from models_registry.api.catalogue import CatalogueModelViewSet, ExchangeRateViewSet
from models_registry.api.vendors import VendorAssessmentViewSet, VendorViewSet

app_name = "models_registry-api"

ORG = r"organizations/(?P<organization_id>[^/]+)"

router = SimpleRouter(trailing_slash=True)
router.register(f"{ORG}/catalogue-models", CatalogueModelViewSet, basename="catalogue-model")
router.register(f"{ORG}/vendors", VendorViewSet, basename="vendor")
router.register(
    rf"{ORG}/vendors/(?P<vendor_id>[^/]+)/assessments",
    VendorAssessmentViewSet,
    basename="vendor-assessment",
)
router.register(f"{ORG}/exchange-rates", ExchangeRateViewSet, basename="exchange-rate")

urlpatterns = router.urls
