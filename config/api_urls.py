"""Every REST resource under /api/v1/, one router per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("stakeholders.api.urls")),
    path("", include("models_registry.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("inbox.api")),
    path("", include("webhooks.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("reports.api.urls")),
]
