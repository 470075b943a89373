"""The API of data-subject requests and retention periods: 201, 400, 403, 404, 409."""

import pytest

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from compliance.models import DataSubjectRequest, RetentionRule
from compliance.services.subject_requests import UNKNOWN_SUBJECT
from stakeholders import services as stakeholder_services
from stakeholders.models import Stakeholder

OrgRole = OrganizationMembership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def stakeholder(org, admin):
    return stakeholder_services.stakeholder_create(
        actor=admin, organization=org, name="Ada Subject", email="ada@subject.test"
    )


def _base(org):
    return f"/api/v1/organizations/{org.pk}/subject-requests/"


def _create(client, org, subject, kind="erasure", subject_type="stakeholder"):
    return client.post(
        _base(org),
        {"kind": kind, "subject_type": subject_type, "subject_id": str(subject.pk)},
        format="json",
    )


def test_a_compliance_officer_records_and_erases_and_the_second_erasure_is_the_same(
    org, compliance_officer, stakeholder, token_client
):
    client = token_client(compliance_officer)
    created = _create(client, org, stakeholder)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["subject_id"] == str(stakeholder.pk)
    assert body["status"] == "received"
    url = f"{_base(org)}{body['id']}/erase/"

    unconfirmed = client.post(url, {"confirm": False}, format="json")
    assert unconfirmed.status_code == 400
    assert "confirm" in unconfirmed.json()["errors"]
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400

    erased = client.post(url, {"confirm": True}, format="json")
    assert erased.status_code == 200
    assert erased.json()["status"] == "completed"
    again = client.post(url, {"confirm": True}, format="json")
    assert again.status_code == 200
    assert again.json() == erased.json()
    assert AuditEvent.objects.filter(action="subject_data.erased").count() == 1
    assert Stakeholder.objects.get(pk=stakeholder.pk).name == "Erased stakeholder"


def test_an_unknown_subject_is_a_field_error_that_names_nobody(
    org, other_org, compliance_officer, outsider, token_client
):
    theirs = stakeholder_services.stakeholder_create(
        actor=outsider, organization=other_org, name="Other Person", email="other@else.test"
    )
    response = _create(token_client(compliance_officer), org, theirs, kind="access")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"subject_id": [UNKNOWN_SUBJECT]}
    assert "Other" not in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_another_organisations_request_is_404_and_a_member_is_403(
    org, compliance_officer, stakeholder, outsider, org_member, token_client
):
    created = _create(token_client(compliance_officer), org, stakeholder).json()
    detail = f"{_base(org)}{created['id']}/"
    assert token_client(outsider).get(detail).status_code == 404
    assert token_client(outsider).post(f"{detail}erase/", {"confirm": True}).status_code == 404
    member = token_client(org_member(OrgRole.MEMBER))
    assert member.get(detail).status_code == 403
    assert member.get(_base(org)).status_code == 403
    assert member.post(f"{detail}erase/", {"confirm": True}, format="json").status_code == 403
    assert DataSubjectRequest.objects.get().status == "received"


def test_closed_requests_and_second_extensions_are_409(
    org, compliance_officer, stakeholder, token_client
):
    client = token_client(compliance_officer)
    created = _create(client, org, stakeholder, kind="access").json()
    detail = f"{_base(org)}{created['id']}/"
    extend = {"months": 2, "reason": "Several systems"}
    assert client.post(f"{detail}extend/", extend, format="json").status_code == 200
    second = client.post(f"{detail}extend/", extend, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "already_extended"
    assert client.post(f"{detail}complete/", format="json").status_code == 200
    refused = client.post(f"{detail}refuse/", {"reason": "Too late"}, format="json")
    assert refused.status_code == 409


def test_the_only_administrator_is_refused_with_the_reason(
    org, admin, compliance_officer, token_client
):
    client = token_client(compliance_officer)
    created = _create(client, org, admin, subject_type="user").json()
    response = client.post(f"{_base(org)}{created['id']}/erase/", {"confirm": True}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "only_administrator"
    assert "only administrator" in response.json()["detail"]


def test_the_list_filters_open_overdue_and_kind(
    org, compliance_officer, stakeholder, token_client, django_assert_num_queries
):
    client = token_client(compliance_officer)
    _create(client, org, stakeholder, kind="access")
    _create(client, org, stakeholder, kind="objection")
    assert [r["kind"] for r in client.get(_base(org) + "?kind=access").json()["results"]] == [
        "access"
    ]
    assert client.get(_base(org) + "?overdue=true").json()["count"] == 0
    assert client.get(_base(org) + "?open=true").json()["count"] == 2
    assert client.get(_base(org) + "?kind=nonsense").status_code == 400


def test_the_export_answers_the_subjects_data_as_json(
    org, compliance_officer, stakeholder, token_client
):
    client = token_client(compliance_officer)
    created = _create(client, org, stakeholder, kind="access").json()
    data = client.get(f"{_base(org)}{created['id']}/export/").json()
    rows = {record["model"]: record["rows"] for record in data["records"]}
    assert rows["stakeholders.stakeholder"][0]["email"] == "ada@subject.test"


def test_retention_rules_are_set_refused_when_not_positive_and_erased_on_confirmation(
    org, compliance_officer, token_client
):
    client = token_client(compliance_officer)
    base = f"/api/v1/organizations/{org.pk}/retention-rules/"
    for days in (0, -3):
        refused = client.post(
            base, {"record_type": "feedback_answers", "days": days}, format="json"
        )
        assert refused.status_code == 400
        assert "days" in refused.json()["errors"]
    unknown = client.post(base, {"record_type": "everything", "days": 3}, format="json")
    assert unknown.status_code == 400
    created = client.post(base, {"record_type": "feedback_answers", "days": 30}, format="json")
    assert created.status_code == 201
    assert created.json()["due"] == 0
    rule_url = f"{base}{created.json()['id']}/"
    assert client.post(f"{rule_url}erase/", {"confirm": True}, format="json").json() == {
        "erased": 0
    }
    assert client.delete(rule_url).status_code == 204
    assert not RetentionRule.objects.exists()
