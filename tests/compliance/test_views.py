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
    return re.findall(r'<code class="audit-action">([a-z_.]+)</code>', body)


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
    assert '<code class="audit-action">project.updated</code>' in body
    assert f'<a href="/projects/{project.pk}/">Claims assistant</a>' in body
    assert "<dt>name</dt><dd>Claims bot → Claims assistant</dd>" in body
    # one line per event, the details on demand; identifiers shortened, the full value in the
    # title and in a copy-friendly element
    assert body.count("<details>") == 1
    assert f'<span class="mono">#{event.sequence}</span>' in body
    assert f'<span class="mono" title="{project.pk}">{str(project.pk)[:8]}…</span>' in body
    assert f'<code class="copy" title="{event.hash}">{event.hash}</code>' in body
    assert f'<code class="copy" title="{event.id}">{event.id}</code>' in body


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
    assert body.lstrip().startswith('<div id="audit-table" class="audit-trail">')
    assert actions(body) == ["organization.renamed"]
    assert "<html" not in body


def test_outsider_sees_nothing_of_another_organisation(client, org, admin, outsider):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(outsider)
    body = client.get(URL).content.decode()
    assert "organization.renamed" not in body
    assert "Audit trail of Globex" in body


def test_the_trail_pages_by_keyset_with_a_steady_query_count(
    client, org, admin, django_assert_num_queries
):
    client.force_login(admin)

    def count_queries(url: str = URL) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(5):
        audit_record(actor=admin, action="organization.renamed", target=org)
    with_five = count_queries()
    for _ in range(55):
        audit_record(actor=admin, action="organization.renamed", target=org)
    assert count_queries() == with_five
    with django_assert_num_queries(with_five):
        first = client.get(URL).content.decode()
    sequences = [int(n) for n in re.findall(r'<span class="mono">#(\d+)</span>', first)]
    assert sequences == list(range(60, 10, -1))  # newest first, 50 of them
    assert 'href="?before=11"' in first
    assert "Newer" not in first
    # no OFFSET and no COUNT over the trail: a keyset range on the chain's sequence
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"{URL}?before=11").content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"])
    assert "OFFSET" not in sql
    assert 'COUNT(*) FROM "audit_auditevent"' not in sql
    assert [int(n) for n in re.findall(r'<span class="mono">#(\d+)</span>', second)] == list(
        range(10, 0, -1)
    )
    assert 'href="?after=10"' in second
    assert "Older" not in second
    assert count_queries(f"{URL}?before=11") == with_five
    back = client.get(f"{URL}?after=10").content.decode()
    assert re.findall(r'<span class="mono">#(\d+)</span>', back)[0] == "60"
    assert 'href="?before=11"' in back


def test_filters_by_project_object_type_and_date_range(client, org, project, admin, settings):
    from datetime import timedelta

    from django.utils import timezone

    audit_record(actor=admin, action="organization.renamed", target=org)
    audit_record(actor=admin, action="project.updated", target=project, project=project)
    audit_record(actor=admin, action="project.updated", target=project, project=project)
    client.force_login(admin)
    assert actions(client.get(f"{URL}?project={project.pk}").content.decode()) == [
        "project.updated",
        "project.updated",
    ]
    assert actions(client.get(f"{URL}?target_type=accounts.organization").content.decode()) == [
        "organization.renamed"
    ]
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    yesterday = today - timedelta(days=1)
    assert len(actions(client.get(f"{URL}?start={today}&end={today}").content.decode())) == 3
    assert actions(client.get(f"{URL}?start={tomorrow}").content.decode()) == []
    assert actions(client.get(f"{URL}?end={yesterday}").content.decode()) == []


def test_a_range_ending_before_it_starts_is_an_error_and_filters_nothing(client, org, admin):
    audit_record(actor=admin, action="organization.renamed", target=org)
    client.force_login(admin)
    body = client.get(f"{URL}?start=2026-05-02&end=2026-05-01").content.decode()
    assert "“To” must be on or after “From”" in body
    assert actions(body) == ["organization.renamed"]
    for query in ("start=yesterday", "project=not-a-project", "before=abc"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert actions(response.content.decode()) == ["organization.renamed"], query


def test_the_chain_status_names_the_latest_signed_checkpoint(
    client, org, admin, project_member, project
):
    from audit.checkpoints import checkpoints_write

    client.force_login(admin)
    audit_record(actor=admin, action="organization.renamed", target=org)
    assert "No signed checkpoint yet: the chain has 1 event." in client.get(URL).content.decode()
    audit_record(actor=admin, action="organization.renamed", target=org)
    assert [c.sequence for c in checkpoints_write() if c.chain == str(org.pk)] == [2]
    audit_record(actor=admin, action="organization.renamed", target=org)
    body = client.get(URL).content.decode()
    assert "Chain signed up to <strong>#2</strong>" in body
    assert 'signed checkpoint <span class="ok" aria-label="signature verifies">✓</span>' in body
    assert "1 event since, up to #3." in body
    viewer = project_member(project, "viewer")
    client.force_login(viewer)
    assert 'id="chain-status"' not in client.get(URL).content.decode()
