"""The audit-trail page: the whole organisation for admins and officers, their projects' events
for others; filters, htmx, the user's time zone, and a query count that does not grow."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permissions import SYSTEM
from audit.models import AuditEvent
from audit.writer import audit_record

pytestmark = pytest.mark.django_db

URL = "/compliance/audit/"


def actions(body: str) -> list[str]:
    return re.findall(r"<td><code>([a-z_.]+)</code></td>", body)


def test_audit_trail_by_role(
    client, org, project, admin, compliance_officer, project_member, org_member
):
    audit_record(actor=admin, action="organization.renamed", target=org)
    audit_record(actor=admin, action="project.updated", target=project, project=project)

    for user in (admin, compliance_officer):
        client.force_login(user)
        body = client.get(URL).content.decode()
        assert actions(body) == ["project.updated", "organization.renamed"]  # newest first
        assert "Every recorded action in the organisation" in body

    client.force_login(project_member(project, "viewer"))
    body = client.get(URL).content.decode()
    assert actions(body) == ["project.updated"]
    assert "You see the events of the projects you are on." in body

    client.force_login(org_member())
    body = client.get(URL).content.decode()
    assert actions(body) == []
    assert "No events." in body


def test_each_row_shows_time_actor_action_target_changes_and_hash(client, org, project, admin):
    admin.time_zone = "Asia/Tokyo"
    admin.save(update_fields=["time_zone"])
    audit_record(
        actor=admin,
        action="project.updated",
        target=project,
        project=project,
        data={"name": {"old": "Claims bot", "new": "Claims assistant"}},
    )
    event = AuditEvent.objects.get()
    client.force_login(admin)
    body = client.get(URL).content.decode()

    tokyo = event.occurred_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%H:%M:%S} JST" in body
    assert admin.display_name in body
    assert "<code>project.updated</code>" in body
    assert f'<a href="/projects/{project.pk}/">Claims assistant</a>' in body
    assert "<dt>name</dt><dd>Claims bot → Claims assistant</dd>" in body
    assert f"#{event.sequence}<br>{event.hash[:12]}" in body


def test_filter_by_action_and_actor(client, org, admin, compliance_officer):
    audit_record(actor=admin, action="organization.renamed", target=org)
    audit_record(actor=compliance_officer, action="organization.created", target=org)
    audit_record(actor=SYSTEM, action="invitation.expired", target=org, organization=org)
    client.force_login(admin)

    assert actions(client.get(f"{URL}?action=project.").content.decode()) == []
    assert actions(client.get(f"{URL}?action=organization").content.decode()) == [
        "organization.created",
        "organization.renamed",
    ]
    by_officer = client.get(f"{URL}?actor={compliance_officer.pk}").content.decode()
    assert actions(by_officer) == ["organization.created"]
    assert f'<option value="{compliance_officer.pk}" selected>' in by_officer
    assert actions(client.get(f"{URL}?actor=system").content.decode()) == ["invitation.expired"]
    both = client.get(f"{URL}?actor={admin.pk}&action=organization.").content.decode()
    assert actions(both) == ["organization.renamed"]


def test_bad_filters_show_an_error_and_the_whole_trail(client, org, admin, outsider):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(admin)
    for query in (f"actor={outsider.pk}", "actor=not-a-uuid", "action=" + "x" * 81):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert '<ul class="errorlist" role="alert">' in response.content.decode()
        assert actions(response.content.decode()) == ["organization.renamed"]


def test_htmx_filtering_returns_the_table_only(client, org, admin):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(admin)
    response = client.get(
        f"{URL}?action=organization", headers={"HX-Request": "true", "HX-Target": "audit-table"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-table"')
    assert actions(body) == ["organization.renamed"]
    assert "<html" not in body


def test_outsider_sees_nothing_of_another_organisation(client, org, admin, outsider):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(outsider)
    body = client.get(URL).content.decode()
    assert "organization.renamed" not in body
    assert "Audit trail of Globex" in body


def test_the_trail_pages_by_50_with_a_steady_query_count(client, org, admin):
    client.force_login(admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for _ in range(5):
        audit_record(actor=admin, action="organization.renamed", target=org)
    with_five = count_queries()
    for _ in range(55):
        audit_record(actor=admin, action="organization.renamed", target=org)
    assert count_queries() == with_five
    first = client.get(URL).content.decode()
    assert len(actions(first)) == 50
    assert "Page 1 of 2" in first
    assert len(actions(client.get(f"{URL}?page=2").content.decode())) == 10
