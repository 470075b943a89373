"""Routes of the notifications API under /api/v1/ (paths end with a slash, as everywhere)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api.views import NotificationPreferencesViewSet, NotificationViewSet

app_name = "notifications-api"

router = SimpleRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    # Before the router: its detail route would take "preferences" for an id.
    path(
        "notifications/preferences/",
        NotificationPreferencesViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="preferences",
    ),
    *router.urls,
]
