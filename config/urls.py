from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from audit import views as audit_views
from compliance import urls as compliance_urls
from core.api import errors
from core.api.errors import api_not_found
from core.health import healthz
from projects.views import dashboard as dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="home"),
    path("healthz", healthz, name="healthz"),
    path(".well-known/charter-audit-key.json", audit_views.public_key, name="audit-public-key"),
    path("", include("accounts.urls")),
    path("projects/", include("projects.urls")),
    path("", include("stakeholders.urls")),
    path("", include("models_registry.urls")),
    path("compliance/", include("compliance.urls")),
    # Published fact sheets: public, read-only, under an opaque id.
    path("transparency/", include((compliance_urls.public_urlpatterns, "compliance-public"))),
    path("inbox/", include("inbox.urls")),
    path("", include("webhooks.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("reports.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: our CSP forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Last of the API routes: anything else under /api/ is a problem+json 404.
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("admin/", admin.site.urls),
]

# Django's own error answers (before any view runs) are problem+json under /api/.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler500 = errors.server_error
