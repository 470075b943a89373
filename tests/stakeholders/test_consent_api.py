"""The consent API: an organisation's versioned terms, a stakeholder's consent records."""

import hashlib

import pytest

from accounts.models import OrganizationMembership
from stakeholders import links, services
from stakeholders.models import ConsentPolicy
from tests.stakeholders.helpers import answers_by_position

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
PROBLEM = "application/problem+json"


def _policies(org):
    return f"/api/v1/organizations/{org.pk}/consent-policies/"


def test_administrators_and_officers_publish_and_members_read(
    token_client, org, admin, compliance_officer, org_member, outsider
):
    body = {"purpose": "Feedback answers", "text": "We use your answers.\nFor two years."}

    created = token_client(admin).post(_policies(org), body, format="json")

    assert created.status_code == 201
    assert created.json()["version"] == 1
    assert created.json()["required_on_feedback"] is True
    assert created.json()["text_sha256"] == hashlib.sha256(body["text"].encode()).hexdigest()
    again = token_client(compliance_officer).post(_policies(org), body, format="json")
    assert (again.status_code, again.json()["id"]) == (200, created.json()["id"])
    changed = {**body, "required_on_feedback": False}
    assert (
        token_client(compliance_officer)
        .post(_policies(org), changed, format="json")
        .json()["version"]
        == 2
    )

    member = token_client(org_member(OrgRole.MEMBER))
    listed = member.get(_policies(org))
    assert listed.status_code == 200
    assert [p["version"] for p in listed.json()["results"]] == [2, 1]
    refused = member.post(_policies(org), body, format="json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    stranger = token_client(outsider)
    assert stranger.get(_policies(org)).status_code == 404
    assert stranger.post(_policies(org), body, format="json").status_code == 404
    assert ConsentPolicy.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"purpose": "", "text": "T"},
        {"purpose": "P", "text": "T", "extra": 1},
        {"purpose": "P", "text": "T", "required_on_feedback": "perhaps"},
        {"purpose": ["P"], "text": "T"},
        {"purpose": "P", "text": "x" * 10_001},
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(token_client, org, admin, body):
    response = token_client(admin).post(_policies(org), body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert not ConsentPolicy.objects.exists()


@pytest.fixture
def records(open_round, admin, org):
    """Dana consented to version 1 in the round, then withdrew; Lee consented to version 2."""
    feedback_round, invites = open_round
    answers = answers_by_position(feedback_round, q1="4", q2="Privacy")
    for version, name in ((1, "Dana Claims"), (2, "Lee Legal")):
        services.consent_policy_publish(
            actor=admin,
            organization=org,
            purpose="Feedback answers",
            text=f"Terms {version}.",
            required_on_feedback=True,
        )
        services.feedback_submit(
            token=links.make_token(invites[name]),
            answers=answers,
            consent=True,
            consent_version=version,
        )
    dana = invites["Dana Claims"].stakeholder
    services.consent_withdraw(token=links.make_withdrawal_token(dana))
    return feedback_round, dana, invites["Lee Legal"].stakeholder


def _records(person, query=""):
    return f"/api/v1/stakeholders/{person.pk}/consent-records/{query}"


def test_a_stakeholders_records_are_listed_with_their_filters(
    token_client, records, org_member, outsider
):
    feedback_round, dana, lee = records
    client = token_client(org_member(OrgRole.MEMBER))

    listed = client.get(_records(dana))

    assert listed.status_code == 200
    [record] = listed.json()["results"]
    assert record["stakeholder"] == str(dana.pk)
    assert record["policy_version"] == 1
    assert record["text_sha256"] == hashlib.sha256(b"Terms 1.").hexdigest()
    assert record["feedback_round"] == str(feedback_round.pk)
    assert (record["withdrawn_via"], record["is_active"]) == ("link", False)
    assert record["withdrawn_at"] is not None
    assert client.get(_records(dana, "?active=true")).json()["results"] == []
    assert len(client.get(_records(dana, "?active=false")).json()["results"]) == 1
    assert len(client.get(_records(lee, "?active=true&policy_version=2")).json()["results"]) == 1
    assert client.get(_records(lee, "?policy_version=1")).json()["results"] == []
    assert len(client.get(_records(lee, f"?round={feedback_round.pk}")).json()["results"]) == 1
    assert client.get(_records(lee, "?given_before=2000-01-01T00:00:00Z")).json()["results"] == []

    for bad in ("?active=perhaps", "?policy_version=0", "?round=nope", "?given_after=today"):
        response = client.get(_records(lee, bad))
        assert response.status_code == 400, bad
        assert response["Content-Type"] == PROBLEM
    assert token_client(outsider).get(_records(dana)).status_code == 404
    assert client.post(_records(dana), {}, format="json").status_code == 405


def test_the_records_list_is_four_queries(token_client, records, admin, django_assert_num_queries):
    _round, dana, _lee = records
    client = token_client(admin)
    client.get(_records(dana))  # warm: the token's last use
    # The token, the stakeholder, the count and the page (with its policies and rounds); the
    # matrix holds it to the same count for 2 records as for 12.
    with django_assert_num_queries(4):
        client.get(_records(dana))


def _withdraw(person):
    return f"/api/v1/stakeholders/{person.pk}/consent-records/withdraw/"


def test_a_withdrawal_by_request_withdraws_the_active_records(token_client, records, admin):
    _round, dana, lee = records
    client = token_client(admin)

    withdrawn = client.post(_withdraw(lee), {"note": "By email, 3 December"}, format="json")
    again = client.post(_withdraw(lee), {}, format="json")
    already = client.post(_withdraw(dana), format="json")

    assert withdrawn.status_code == 200, withdrawn.json()
    [record] = withdrawn.json()
    assert (record["stakeholder"], record["withdrawn_via"]) == (str(lee.pk), "request")
    assert record["is_active"] is False
    assert client.get(_records(lee, "?active=true")).json()["results"] == []
    assert (again.status_code, again.json()) == (200, [])
    # Dana withdrew through her link: her record keeps saying so.
    assert (already.status_code, already.json()) == (200, [])
    assert client.get(_records(dana)).json()["results"][0]["withdrawn_via"] == "link"


def test_a_withdrawal_by_request_refuses_bad_input_members_and_strangers(
    token_client, records, org_member, outsider, admin
):
    _round, _dana, lee = records
    url = _withdraw(lee)

    long_note = token_client(admin).post(url, {"note": "x" * 2001}, format="json")
    unknown = token_client(admin).post(url, {"via": "link"}, format="json")
    member = token_client(org_member(OrgRole.MEMBER)).post(url, {}, format="json")
    stranger = token_client(outsider).post(url, {}, format="json")

    assert (long_note.status_code, long_note["Content-Type"]) == (400, PROBLEM)
    assert "note" in long_note.json()["errors"]
    assert "via" in unknown.json()["errors"]
    assert (member.status_code, member["Content-Type"]) == (403, PROBLEM)
    assert (stranger.status_code, stranger["Content-Type"]) == (404, PROBLEM)
    active = token_client(admin).get(_records(lee, "?active=true")).json()["results"]
    assert len(active) == 1
