"""The webhooks pages of an organisation's settings."""

import pytest
from django.test import Client
from django.urls import reverse

from outbox.models import OutboxMessage
from tests.webhooks.support import endpoint_for
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_create_shows_the_secret_once_then_never(admin, org):
    client = _client(admin)
    url = reverse("webhooks:endpoint-list", args=[org.pk])

    response = client.post(
        url, {"url": "https://grc.example.com/hook", "events": ["gate.approved", "gate.rejected"]}
    )

    endpoint = WebhookEndpoint.objects.get()
    detail = reverse("webhooks:endpoint-detail", args=[org.pk, endpoint.pk])
    assert response.status_code == 302
    assert response["Location"] == detail
    first = client.get(detail)
    assert endpoint.secret in first.content.decode()
    assert first["Cache-Control"] == "no-store"
    assert endpoint.events == ["gate.approved", "gate.rejected"]
    again = client.get(detail)
    assert endpoint.secret not in again.content.decode()
    assert "gate.approved, gate.rejected" in again.content.decode()
    listing = client.get(url).content.decode()
    assert "https://grc.example.com/hook" in listing
    assert endpoint.secret not in listing


def test_an_invalid_form_rerenders_in_place(admin, org):
    response = _client(admin).post(
        reverse("webhooks:endpoint-list", args=[org.pk]),
        {"url": "http://grc.example.com/hook"},
        headers={"HX-Request": "true", "HX-Target": "endpoint-form"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<form id="endpoint-form"' in html
    assert "<html" not in html
    assert "Use an https:// URL." in html
    assert "This field is required." in html
    assert not WebhookEndpoint.objects.exists()


def test_the_send_test_event_button_queues_a_ping(admin, org):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    client = _client(admin)
    detail = reverse("webhooks:endpoint-detail", args=[org.pk, endpoint.pk])
    assert "Send test event" in client.get(detail).content.decode()

    response = client.post(reverse("webhooks:endpoint-test", args=[org.pk, endpoint.pk]))

    assert response.status_code == 302
    [message] = OutboxMessage.objects.all()
    assert message.payload["endpoint_id"] == str(endpoint.pk)
    assert message.payload["document"]["event"] == "ping"


def test_deactivate_then_delete(admin, org):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    client = _client(admin)

    client.post(reverse("webhooks:endpoint-deactivate", args=[org.pk, endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    client.post(reverse("webhooks:endpoint-test", args=[org.pk, endpoint.pk]))
    assert not OutboxMessage.objects.exists()  # an inactive endpoint is sent nothing
    response = client.post(reverse("webhooks:endpoint-delete", args=[org.pk, endpoint.pk]))

    assert response["Location"] == reverse("webhooks:endpoint-list", args=[org.pk])
    assert not WebhookEndpoint.objects.exists()


def test_members_get_403_and_other_organisations_404(admin, org, org_member, outsider):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    member, stranger = _client(org_member()), _client(outsider)
    pages = [
        reverse("webhooks:endpoint-list", args=[org.pk]),
        reverse("webhooks:endpoint-detail", args=[org.pk, endpoint.pk]),
    ]
    for page in pages:
        assert member.get(page).status_code == 403
        assert stranger.get(page).status_code == 404
    test = reverse("webhooks:endpoint-test", args=[org.pk, endpoint.pk])
    assert member.post(test).status_code == 403
    assert stranger.post(test).status_code == 404
    assert not OutboxMessage.objects.exists()
