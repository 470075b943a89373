"""The audit-trail page: the whole organisation for admins and officers, less for others."""

import pytest

from audit.writer import audit_record

pytestmark = pytest.mark.django_db


def test_audit_trail_by_role(
    client, org, project, admin, compliance_officer, project_member, org_member
):
    audit_record(actor=admin, action="organization.renamed", target=org)
    audit_record(actor=admin, action="project.updated", target=project, project=project)

    for user in (admin, compliance_officer):
        client.force_login(user)
        body = client.get("/compliance/audit/").content.decode()
        assert "organization.renamed" in body
        assert "project.updated" in body

    client.force_login(project_member(project, "viewer"))
    body = client.get("/compliance/audit/").content.decode()
    assert "project.updated" in body
    assert "organization.renamed" not in body

    client.force_login(org_member())
    body = client.get("/compliance/audit/").content.decode()
    assert "project.updated" not in body
    assert "No events." in body


def test_filter_by_action(client, org, admin):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(admin)
    assert (
        "organization.renamed"
        not in client.get("/compliance/audit/?action=project.").content.decode()
    )
    assert (
        "organization.renamed"
        in client.get("/compliance/audit/?action=organization").content.decode()
    )


def test_outsider_sees_nothing_of_another_organisation(client, org, admin, outsider):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(outsider)
    assert "organization.renamed" not in client.get("/compliance/audit/").content.decode()
