from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects:project-list"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("projects/", include("projects.urls")),
    path("", include("stakeholders.urls")),
    path("compliance/", include("compliance.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: our CSP forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
