"""Which events make deliveries, to whom, and what they carry: never the secret."""

import json

import pytest
from django.db import transaction

from audit.models import AuditEvent
from models_registry.models import Incident
from models_registry.services.operate import incident_open
from models_registry.signals import incident_opened
from outbox.models import OutboxMessage
from projects import services as project_services
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)
from tests.webhooks.support import endpoint_for
from webhooks.services import webhook_endpoint_deactivate, webhook_endpoint_test

pytestmark = pytest.mark.django_db


def _incident(project, manager) -> Incident:
    """An incident opened by hand, which announces itself; announced once more, as a retried
    write might, it is still one event per endpoint."""
    incident = incident_open(actor=manager, project=project, title="Errors", severity="high")
    with transaction.atomic():
        incident_opened.send(sender=Incident, incident=incident, actor=manager)
    return incident


def _messages():
    return {
        m.payload["endpoint_id"]: m for m in OutboxMessage.objects.filter(kind="webhooks.delivery")
    }


def test_an_opened_incident_goes_to_each_subscribed_active_endpoint_of_its_organisation(
    project, manager, admin, org, other_org, outsider
):
    subscribed, _ = endpoint_for(admin, org, "https://a.example.com/h")
    both, _ = endpoint_for(
        admin, org, "https://b.example.com/h", ["gate.approved", "incident.opened"]
    )
    endpoint_for(admin, org, "https://c.example.com/h", ["gate.approved"])  # not subscribed
    inactive, _ = endpoint_for(admin, org, "https://d.example.com/h")
    webhook_endpoint_deactivate(actor=admin, endpoint=inactive)
    endpoint_for(outsider, other_org, "https://e.example.com/h")  # another organisation

    incident = _incident(project, manager)

    messages = _messages()
    assert set(messages) == {str(subscribed.pk), str(both.pk)}
    documents = [m.payload["document"] for m in messages.values()]
    assert {d["id"] for d in documents} == {documents[0]["id"]}  # one event, one id
    assert documents[0]["event"] == "incident.opened"
    assert documents[0]["organization_id"] == str(org.pk)
    assert documents[0]["data"] == {
        "incident_id": str(incident.pk),
        "project_id": str(project.pk),
        "severity": "high",
        "source": "manual",
        "deployment_id": None,
    }
    assert all(
        m.key == f"webhook:{m.payload['endpoint_id']}:{documents[0]['id']}"
        for m in messages.values()
    )


def test_a_rejected_gate_is_announced(
    project, manager, admin, org, project_member, compliance_officer
):
    endpoint, _ = endpoint_for(admin, org, "https://a.example.com/h", ["gate.rejected"])
    endpoint_for(admin, org, "https://b.example.com/h", ["gate.approved"])
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    requester = project_member(project, "manager")
    request = project_services.gate_request(actor=requester, project=project)

    project_services.gate_reject(
        actor=compliance_officer, request=request, capacity="compliance", comment="Not yet."
    )

    [message] = _messages().values()
    assert message.payload["endpoint_id"] == str(endpoint.pk)
    assert message.payload["document"]["event"] == "gate.rejected"
    assert message.payload["document"]["data"] == {
        "gate_request_id": str(request.pk),
        "project_id": str(project.pk),
        "from_phase": "scope",
        "to_phase": "select",
    }


def test_the_secret_is_in_no_audit_event_and_no_outbox_payload(project, manager, admin, org):
    endpoint, secret = endpoint_for(admin, org, "https://a.example.com/h")
    with transaction.atomic():
        webhook_endpoint_test(actor=admin, endpoint=endpoint)
    _incident(project, manager)

    assert OutboxMessage.objects.filter(kind="webhooks.delivery").count() == 2
    for message in OutboxMessage.objects.all():
        assert secret not in json.dumps(message.payload)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhook_endpoint.created", "webhook_endpoint.tested"} <= actions
    for event in AuditEvent.objects.all():
        assert secret not in json.dumps(event.data)
    assert len(secret) > 40
    assert secret.startswith("whsec_")


def test_a_flagged_modification_is_announced(project, manager, admin, org):
    from models_registry import services as registry_services
    from models_registry.models import ModificationFlag
    from projects.models import Project
    from tests.models_registry.adapt_support import base_version

    endpoint_for(admin, org, "https://a.example.com/h", ["modification.flagged"])
    v1 = base_version(project, manager)
    Project.objects.filter(pk=project.pk).update(phase="operate")
    project.refresh_from_db()

    registry_services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="v2 LoRA"
    )

    flag = ModificationFlag.objects.get()
    [message] = _messages().values()
    assert message.payload["document"]["event"] == "modification.flagged"
    assert message.payload["document"]["data"] == {
        "flag_id": str(flag.pk),
        "project_id": str(project.pk),
        "kind": "fine_tune",
        "phase": "operate",
    }


def test_an_approved_gate_is_announced_once_when_it_passes(
    project, manager, admin, org, project_member, compliance_officer
):
    approved, _ = endpoint_for(admin, org, "https://a.example.com/h", ["gate.approved"])
    endpoint_for(admin, org, "https://b.example.com/h", ["gate.rejected"])
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    requester = project_member(project, "manager")
    request = project_services.gate_request(actor=requester, project=project)

    project_services.gate_approve(actor=manager, request=request, capacity="manager")
    assert _messages() == {}  # one sign-off does not pass the gate
    project_services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")

    [message] = _messages().values()
    assert message.payload["endpoint_id"] == str(approved.pk)
    assert message.payload["document"]["event"] == "gate.approved"
    assert message.payload["document"]["data"]["gate_request_id"] == str(request.pk)
    assert message.payload["document"]["data"]["to_phase"] == "select"
