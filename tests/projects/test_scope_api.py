"""The Scope phase through the REST API: a proposal walked to the Select phase, every action
audited; the gate refused, changing nothing, for each unmet criterion."""

import pytest

from accounts.models import OrganizationMembership
from audit.verify import verify_chain
from projects import services
from projects.models import GateRequest, Project
from tests.helpers import PROBLEM, act, client_for, refused
from tests.projects.scope_api_helpers import COMPLIANCE_CRITERION, CRITERIA
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
API = "/api/v1"
GO_STUDY = {
    "technology_rating": "feasible",
    "data_rating": "with_effort",
    "legal_rating": "feasible",
    "budget_rating": "feasible",
    "verdict": "go",
    "currency": "eur",
    "estimated_cost": "120000.00",
    "budget_available": "150000.00",
}


def _met(key: str) -> dict:
    return CRITERIA[key] | {"met": True, "detail": ""}


# --- the whole journey ------------------------------------------------------------------------


def test_a_proposal_reaches_select_through_the_api_alone(
    org, org_member, admin, compliance_officer
):
    proposer = org_member(OrgRole.MEMBER)
    reviewer = org_member(OrgRole.MEMBER)
    analyst = org_member(OrgRole.MEMBER)
    as_proposer, as_reviewer = client_for(proposer), client_for(reviewer)
    as_analyst, as_officer = client_for(analyst), client_for(compliance_officer)

    # Intake: proposed, questioned, completed, accepted into Scope with the proposer managing.
    proposal = act(
        as_proposer,
        "post",
        f"{API}/organizations/{org.pk}/proposals/",
        {
            "title": "Claims triage",
            "problem": "Claims wait days for triage.",
            "intended_users": "Claim handlers",
            "data_involved": "Claims",
            "expected_benefit": "Faster answers",
        },
        status=201,
        events=[("use_case_proposal.submitted", proposer.pk)],
    )
    assert (proposal["status"], proposal["urgency"]) == ("submitted", "medium")
    url = f"{API}/proposals/{proposal['id']}"
    act(
        as_officer,
        "post",
        f"{url}/request-info/",
        {"note": "Which claims?"},
        status=200,
        events=[("use_case_proposal.info_requested", compliance_officer.pk)],
    )
    resubmitted = act(
        as_proposer,
        "post",
        f"{url}/resubmit/",
        {"data_involved": "Home insurance claims"},
        status=200,
        events=[("use_case_proposal.resubmitted", proposer.pk)],
    )
    assert (resubmitted["status"], resubmitted["data_involved"]) == (
        "submitted",
        "Home insurance claims",
    )
    created = act(
        as_officer,
        "post",
        f"{url}/accept/",
        {"note": "Go ahead."},
        status=201,
        events=[
            ("project.created", proposer.pk),
            ("project_membership.created", proposer.pk),
            ("use_case_proposal.accepted", compliance_officer.pk),
        ],
    )
    assert (created["name"], created["phase"], created["next_phase"], created["owner"]["id"]) == (
        "Claims triage",
        "scope",
        "select",
        str(proposer.pk),
    )
    assert created["problem_statement"] == "Claims wait days for triage."
    project = Project.objects.get(pk=created["id"])
    base = f"{API}/projects/{project.pk}"
    as_manager = as_proposer
    for person, role in ((reviewer, "reviewer"), (analyst, "contributor")):
        act(
            as_manager,
            "post",
            f"{base}/members/",
            {"user": str(person.pk), "role": role},
            status=201,
            events=[("project_membership.created", proposer.pk)],
        )

    # Scope document: written and submitted by the manager, approved by someone else.
    version = act(
        as_manager,
        "post",
        f"{base}/scope/versions/",
        {
            "goals": "Cut claims triage time by half.",
            "timeline_start": "2027-01-04",
            "timeline_end": "2027-06-30",
            "milestones": [
                {"title": "Pilot", "due_date": "2027-03-01"},
                {"title": "Go-live", "due_date": "2027-06-01"},
            ],
            "success_criteria": [
                {"metric": "Median triage time", "comparison": "lte", "target": 4, "unit": "h"}
            ],
        },
        status=201,
        events=[("scope_version.created", proposer.pk)],
    )
    assert (version["number"], version["status"]) == (1, "draft")
    assert [m["title"] for m in version["milestones"]] == ["Pilot", "Go-live"]
    assert version["success_criteria"][0]["target"] == "4.0000"
    versions = f"{base}/scope/versions/{version['id']}"
    act(
        as_manager,
        "post",
        f"{versions}/submit/",
        status=200,
        events=[("scope_version.submitted", proposer.pk)],
    )
    approved = act(
        as_reviewer,
        "post",
        f"{versions}/approve/",
        {"comment": "Clear."},
        status=200,
        events=[("scope_version.approved", reviewer.pk)],
    )
    assert (approved["status"], approved["reviewed_by"]["id"]) == ("approved", str(reviewer.pk))
    assert [(c["decision"], c["body"]) for c in approved["comments"]] == [("approved", "Clear.")]

    # No stakeholders API yet: the held workshop is recorded through its services.
    held_workshop(project, proposer)

    # Feasibility: drafted by a contributor, completed, signed off by the manager.
    study = act(
        as_analyst,
        "post",
        f"{base}/feasibility-studies/",
        GO_STUDY | {"verdict": "pending"},
        status=201,
        events=[("feasibility_study.created", analyst.pk)],
    )
    assert (study["currency"], study["budget_gap"], study["version"]) == ("EUR", "30000.00", 1)
    studies = f"{base}/feasibility-studies/{study['id']}"
    act(
        as_analyst,
        "patch",
        f"{studies}/",
        {"version": 1, "verdict": "go"},
        status=200,
        events=[("feasibility_study.updated", analyst.pk)],
    )
    signed = act(
        as_manager,
        "post",
        f"{studies}/sign-off/",
        status=200,
        events=[("feasibility_study.signed_off", proposer.pk)],
    )
    assert (signed["signed_off_by"]["id"], signed["version"]) == (str(proposer.pk), 3)

    # Risks: one from the library, scored high without an owner, then mitigated.
    library = client_for(analyst).get(f"{API}/risk-library/").json()
    assert library["count"] == 22
    risk = act(
        as_analyst,
        "post",
        f"{base}/risks/",
        {"library_ref": "owasp-llm:LLM01", "likelihood": 4, "impact": 4},
        status=201,
        events=[("risk.created", analyst.pk)],
    )
    assert (risk["code"], risk["score"], risk["is_high"], risk["owner"]) == ("R-1", 16, True, None)
    gate = as_manager.get(f"{base}/gate/").json()
    assert [c["key"] for c in gate["criteria"] if not c["met"]] == ["high_risks_mitigated"]
    assert gate["all_met"] is False
    act(
        as_analyst,
        "patch",
        f"{base}/risks/{risk['id']}/",
        {"version": 1, "owner": str(proposer.pk), "status": "mitigating"},
        status=200,
        events=[("risk.updated", analyst.pk)],
    )

    # The gate: every criterion met, requested, signed by the manager and compliance. The
    # project has one manager, so the organisation lets the requester sign as manager.
    act(
        client_for(admin),
        "patch",
        f"{API}/organizations/{org.pk}/",
        {"allow_gate_requester_signoff": True},
        status=200,
        events=[("organization.settings_changed", admin.pk)],
    )
    gate = as_manager.get(f"{base}/gate/").json()
    assert gate["criteria"] == [*(_met(key) for key in CRITERIA), COMPLIANCE_CRITERION]
    assert (gate["phase"], gate["next_phase"], gate["all_met"]) == ("scope", "select", True)
    request = act(
        as_manager,
        "post",
        f"{base}/gate/request/",
        {"note": "Ready."},
        status=201,
        events=[("gate_request.created", proposer.pk)],
    )
    assert (request["status"], request["from_phase"], request["to_phase"]) == (
        "pending",
        "scope",
        "select",
    )
    gate = as_officer.get(f"{base}/gate/").json()
    assert gate["pending_request"]["id"] == request["id"]
    assert gate["can_sign"] == {"manager": False, "compliance": True}
    act(
        as_manager,
        "post",
        f"{API}/gate-requests/{request['id']}/approve/",
        {"capacity": "manager"},
        status=200,
        events=[("gate_request.approved", proposer.pk)],
    )
    passed = act(
        as_officer,
        "post",
        f"{API}/gate-requests/{request['id']}/approve/",
        {"capacity": "compliance", "comment": "DPIA on file."},
        status=200,
        events=[
            ("gate_request.approved", compliance_officer.pk),
            ("project.phase_changed", compliance_officer.pk),
        ],
    )

    assert passed["status"] == "approved"
    assert [(a["capacity"], a["approver"]["id"]) for a in passed["approvals"]] == [
        ("manager", str(proposer.pk)),
        ("compliance", str(compliance_officer.pk)),
    ]
    assert [c["met"] for c in passed["criteria_at_decision"]] == [True] * 6
    now = as_manager.get(f"{base}/").json()
    assert (now["phase"], now["next_phase"]) == ("select", "adapt")
    history = as_manager.get(f"{base}/phase-history/").json()["results"]
    assert [
        (h["from_phase"], h["to_phase"], h["direction"], h["gate_request"]) for h in history
    ] == [("scope", "select", "forward", request["id"])]
    assert verify_chain(str(org.pk)).ok


# --- each unmet criterion blocks the request --------------------------------------------------


@pytest.mark.parametrize("missing", list(CRITERIA))
def test_each_unmet_criterion_is_a_409_listing_exactly_it(
    project, manager, project_member, missing
):
    if missing != "scope_document_approved":
        approved_scope(project, manager, reviewer_for(project, project_member))
    if missing != "workshop_held":
        held_workshop(project, manager)
    if missing != "feasibility_go":
        go_feasibility(project, manager)
    if missing != "risks_scored":
        assessed_risk(project, manager)
    if missing == "high_risks_mitigated":
        services.risk_create(
            actor=manager,
            project=project,
            title="Hallucinated policy terms",
            category="technical",
            likelihood=5,
            impact=4,
        )
    before = (GateRequest.objects.count(), Project.objects.get(pk=project.pk).phase)

    body = refused(
        client_for(manager), "post", f"{API}/projects/{project.pk}/gate/request/", status=409
    )

    assert (body["code"], body["detail"]) == (
        "gate_criteria_unmet",
        "The gate's criteria are not all met.",
    )
    assert body["errors"] == [CRITERIA[missing]]
    assert (GateRequest.objects.count(), Project.objects.get(pk=project.pk).phase) == before
    status = client_for(manager).get(f"{API}/projects/{project.pk}/gate/").json()
    assert [c for c in status["criteria"] if not c["met"]] == [CRITERIA[missing]]


def test_a_second_request_while_one_is_pending_is_409(ready_project, manager):
    client = client_for(manager)
    url = f"{API}/projects/{ready_project.pk}/gate/request/"
    act(client, "post", url, status=201, events=[("gate_request.created", manager.pk)])
    body = refused(client, "post", url, status=409)
    assert body["code"] == "gate_pending"
    assert GateRequest.objects.count() == 1


# --- the schema -------------------------------------------------------------------------------

P, V = "/api/v1/projects/{project_id}", "/api/v1/projects/{project_id}/scope/versions/{id}"
SCOPE_PATHS = {
    "/api/v1/organizations/{organization_id}/proposals/",
    *(
        f"/api/v1/proposals/{{id}}/{a}"
        for a in ("", "request-info/", "resubmit/", "accept/", "reject/")
    ),
    f"{P}/scope/versions/",
    *(f"{V}/{a}" for a in ("", "submit/", "approve/", "request-changes/", "comments/", "diff/")),
    *(f"{P}/feasibility-studies/{a}" for a in ("", "{id}/", "{id}/sign-off/")),
    *(f"{P}/risks/{a}" for a in ("", "{id}/", "heat-map/")),
    "/api/v1/risk-library/",
    f"{P}/tasks/",
    "/api/v1/tasks/{id}/",
    "/api/v1/me/tasks/",
    f"{P}/gate/",
    f"{P}/gate/request/",
    *(f"/api/v1/gate-requests/{{id}}/{a}" for a in ("", "approve/", "reject/", "withdraw/")),
    f"{P}/move-back/",
    f"{P}/phase-history/",
}


def test_the_schema_documents_every_scope_operation(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        if path in SCOPE_PATHS
        for method, operation in methods.items()
    ]

    assert (len(SCOPE_PATHS), len(operations)) == (31, 39)
    for path, method, operation in operations:
        responses = operation["responses"]
        for code in ("401", "404", "429"):
            assert responses[code]["content"][PROBLEM]["schema"] == problem, (path, method, code)
        if method in ("post", "patch"):
            assert {"400", "403", "409"} <= set(responses) or path.endswith("/diff/"), (
                path,
                method,
            )
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
            assert components[ref]["additionalProperties"] is False, ref
    for name in ("PatchedRiskUpdateRequest", "PatchedFeasibilityStudyUpdateRequest"):
        assert components[name]["required"] == ["version"]
    for path, method in (
        ("/api/v1/projects/{project_id}/scope/versions/", "post"),
        ("/api/v1/projects/{project_id}/risks/", "post"),
        ("/api/v1/projects/{project_id}/gate/request/", "post"),
        ("/api/v1/gate-requests/{id}/approve/", "post"),
    ):
        operation = schema["paths"][path][method]
        assert operation["requestBody"]["content"]["application/json"]["examples"], path
        assert any(
            "examples" in response.get("content", {}).get("application/json", {})
            for response in operation["responses"].values()
        ), path


def test_options_describes_the_endpoint_instead_of_failing(project, manager):
    client = client_for(manager)
    for path in (
        f"{API}/projects/{project.pk}/risks/",
        f"{API}/projects/{project.pk}/scope/versions/",
        f"{API}/projects/{project.pk}/gate/request/",
        f"{API}/projects/",
    ):
        response = client.options(path)
        assert response.status_code == 200, path
        assert set(response.json()) == {"name", "description", "renders", "parses"}
