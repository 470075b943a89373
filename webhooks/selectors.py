"""Reading webhook endpoints and their delivery logs: administrators of the organisation only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization, User
from accounts.permissions import Perm, can
from accounts.selectors import visible_object_get
from webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


def webhook_endpoint_list(*, user: User, organization: Organization) -> QuerySet[WebhookEndpoint]:
    """The organisation's endpoints, newest first; nothing for anyone but its administrators."""
    if not can(user, Perm.ORG_MANAGE, organization):
        return WebhookEndpoint.objects.none()
    return (
        WebhookEndpoint.objects.filter(organization=organization)
        .select_related("created_by")
        .order_by("-created_at")
    )


def webhook_endpoint_get(*, user: User, organization: Organization, id: Any) -> WebhookEndpoint:
    """One endpoint of the organisation (404 otherwise) that `user` may manage."""
    return visible_object_get(
        user=user,
        model=WebhookEndpoint,
        id=id,
        perm=Perm.ORG_MANAGE,
        queryset=WebhookEndpoint.objects.filter(organization=organization).select_related(
            "created_by", "organization"
        ),
    )


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Every logged attempt of an endpoint the caller already fetched, newest first."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-attempt")
