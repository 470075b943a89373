"""Writes made in the Django admin are on the audit trail too."""

import pytest

from audit.models import AuditEvent
from projects.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client, staff


def test_admin_change_is_audited_with_origin_admin(staff_client, project):
    client, staff = staff_client

    response = client.post(
        f"/admin/projects/project/{project.pk}/change/",
        {
            "organization": project.organization_id,
            "name": "Renamed by staff",
            "description": project.description,
            "phase": project.phase,
            "status": "on_hold",
            "owner": project.owner_id,
            "risk_tier": project.risk_tier,
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="record.changed_in_admin")
    assert (event.actor, event.project_id, event.origin) == (staff, project.pk, "admin")
    assert event.target_type == "projects.project"
    assert event.data == {
        "fields": ["name", "status"],
        "new": {"name": "Renamed by staff", "status": "on_hold"},
    }
    assert Project.objects.get(pk=project.pk).name == "Renamed by staff"


def test_admin_delete_is_audited(staff_client, project):
    client, staff = staff_client
    membership = project.memberships.get()

    response = client.post(
        f"/admin/accounts/projectmembership/{membership.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="record.deleted_in_admin")
    assert event.target_type == "accounts.projectmembership"
    assert (event.actor, event.target_id, event.project_id) == (
        staff,
        str(membership.pk),
        project.pk,
    )


def test_admin_cannot_edit_or_delete_audit_events(staff_client, org, admin):
    client, _ = staff_client
    from audit.writer import audit_record

    event = audit_record(actor=admin, action="organization.renamed", target=org)

    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "organization.renamed"
