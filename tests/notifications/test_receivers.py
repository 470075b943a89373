"""The receivers tell the right people, once, inside the transaction of the change."""

import pytest
from django.db import transaction

from models_registry.models import Incident, ModificationFlag
from models_registry.signals import incident_opened, modification_flagged
from notifications.models import Notification
from outbox.models import OutboxMessage
from projects import services as project_services
from projects.models import GateRequest
from projects.signals import gate_decided, gate_requested

pytestmark = pytest.mark.django_db


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def _emails(*users):
    return sorted(user.email for user in users)


def test_an_incident_tells_each_manager_once_even_when_announced_twice(
    incident, manager, second_manager, compliance_officer, project, project_member
):
    project_member(project, "viewer")
    for _ in range(2):
        with transaction.atomic():
            incident_opened.send(sender=Incident, incident=incident)

    assert _told("incident.opened") == _emails(manager, second_manager)
    notification = Notification.objects.get(recipient=manager)
    assert notification.title == "Incident opened: latency_p95_ms above 500"
    assert notification.body == "Severity High on Claims assistant."
    assert notification.link == f"/projects/{project.pk}/operate/incidents/{incident.pk}/"
    assert notification.project == project
    assert notification.organization == project.organization
    emails = OutboxMessage.objects.filter(kind="notifications.email")
    assert sorted(emails.values_list("key", flat=True)) == sorted(
        f"notification-email:{n.pk}" for n in Notification.objects.all()
    )


def test_a_modification_flag_tells_the_compliance_officers_only(
    flag, manager, compliance_officer, org_member, admin
):
    other_officer = org_member("compliance_officer")
    for _ in range(2):
        with transaction.atomic():
            modification_flagged.send(sender=ModificationFlag, flag=flag, actor=manager)

    assert _told("modification.flagged") == _emails(compliance_officer, other_officer)
    notification = Notification.objects.get(recipient=compliance_officer)
    assert notification.title == "Possible substantial modification: Claims assistant"
    assert notification.body == "claims-v2: fine-tuning"
    # The default of this kind is the digest: no email at once.
    assert notification.channel == "digest"
    assert not OutboxMessage.objects.filter(kind="notifications.email").exists()


def test_a_gate_request_tells_who_can_sign_but_not_the_requester(
    ready_project, manager, second_manager, compliance_officer, admin
):
    request = project_services.gate_request(actor=manager, project=ready_project)

    assert _told("gate.requested") == _emails(second_manager, compliance_officer)
    notification = Notification.objects.get(recipient=compliance_officer)
    assert notification.title == "Gate sign-off requested: Claims assistant → Select"
    assert notification.link == f"/projects/{ready_project.pk}/gate/"

    with transaction.atomic():  # the same request announced again: nobody is told twice
        gate_requested.send(sender=GateRequest, request=request, actor=manager)
    assert Notification.objects.filter(kind="gate.requested").count() == 2


def test_a_refused_gate_request_tells_nobody(project, manager, compliance_officer):
    with pytest.raises(Exception, match="criteria"):
        project_services.gate_request(actor=manager, project=project)
    assert not Notification.objects.exists()


def test_an_approved_gate_tells_the_requester_once(
    ready_project, admin, manager, compliance_officer
):
    request = project_services.gate_request(actor=admin, project=ready_project)
    project_services.gate_approve(actor=manager, request=request, capacity="manager")
    assert _told("gate.decided") == []  # one sign-off decides nothing yet
    project_services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")
    request.refresh_from_db()
    with transaction.atomic():
        gate_decided.send(
            sender=GateRequest,
            request=request,
            project=request.project,
            status="approved",
            actor=compliance_officer,
        )

    assert _told("gate.decided") == [admin.email]
    assert Notification.objects.get(kind="gate.decided").title == (
        "Gate approved: Claims assistant → Select"
    )


def test_a_rejected_gate_tells_the_requester(ready_project, admin, compliance_officer):
    request = project_services.gate_request(actor=admin, project=ready_project)
    project_services.gate_reject(
        actor=compliance_officer, request=request, capacity="compliance", comment="Not yet."
    )
    notification = Notification.objects.get(kind="gate.decided")
    assert (notification.recipient, notification.title) == (
        admin,
        "Gate rejected: Claims assistant → Select",
    )


def test_an_incident_opened_by_hand_tells_the_other_managers_not_the_one_who_opened_it(
    project, manager, second_manager
):
    from models_registry.services import incident_open

    incident_open(actor=manager, project=project, title="Wrong routing", severity="medium")

    assert _told("incident.opened") == _emails(second_manager)
