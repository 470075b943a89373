"""Use-case intake through the REST API: the inventory, proposing, and triage by role."""

import uuid

import pytest

from accounts.models import OrganizationMembership
from projects import services
from projects.models import Project, UseCaseProposal
from tests.factories import ProjectFactory
from tests.helpers import act, assert_problem, client_for, refused

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
API = "/api/v1"
PROPOSAL = {
    "title": "Contract clause finder",
    "problem": "Lawyers search contracts by hand.",
    "intended_users": "Legal team",
    "data_involved": "Supplier contracts",
    "expected_benefit": "Hours saved per review",
    "urgency": "high",
}


@pytest.fixture
def proposer(org_member):
    return org_member(OrgRole.MEMBER)


@pytest.fixture
def proposal(org, proposer):
    return services.proposal_submit(actor=proposer, organization=org, **PROPOSAL)


def _people(role, *, proposer, org_member, admin, compliance_officer, outsider):
    return {
        "proposer": proposer,
        "member": org_member(OrgRole.MEMBER) if role == "member" else None,
        "admin": admin,
        "compliance_officer": compliance_officer,
        "outsider": outsider,
        "anon": None,
    }[role]


# --- the inventory ----------------------------------------------------------------------------


def test_every_member_reads_the_inventory_filtered_by_status(
    org, other_org, proposer, org_member, admin, outsider
):
    first = services.proposal_submit(actor=proposer, organization=org, **PROPOSAL)
    second = services.proposal_submit(
        actor=proposer, organization=org, **(PROPOSAL | {"title": "Meeting summariser"})
    )
    services.proposal_submit(actor=outsider, organization=other_org, **PROPOSAL)
    client = client_for(org_member(OrgRole.MEMBER))
    url = f"{API}/organizations/{org.pk}/proposals/"

    everything = client.get(url).json()
    services.proposal_reject(actor=admin, proposal=first, reason="Covered elsewhere.")
    submitted = client.get(url, {"status": "submitted"}).json()
    rejected = client.get(url, {"status": "rejected"}).json()

    assert [row["id"] for row in everything["results"]] == [str(second.pk), str(first.pk)]
    assert everything["results"][0] == {
        "id": str(second.pk),
        "organization": str(org.pk),
        "title": "Meeting summariser",
        "problem": PROPOSAL["problem"],
        "intended_users": "Legal team",
        "data_involved": "Supplier contracts",
        "expected_benefit": "Hours saved per review",
        "urgency": "high",
        "status": "submitted",
        "submitted_by": {
            "id": str(proposer.pk),
            "email": proposer.email,
            "full_name": proposer.full_name,
        },
        "triaged_by": None,
        "triaged_at": None,
        "triage_note": "",
        "project": None,
        "created_at": everything["results"][0]["created_at"],
        "updated_at": everything["results"][0]["updated_at"],
    }
    assert [row["id"] for row in submitted["results"]] == [str(second.pk)]
    assert [row["id"] for row in rejected["results"]] == [str(first.pk)]
    body = assert_problem(client.get(url, {"status": "maybe"}), 400)
    assert list(body["errors"]) == ["status"]


def test_rejected_proposals_stay_in_the_inventory_with_their_reason(org, proposal, admin):
    services.proposal_reject(actor=admin, proposal=proposal, reason="Covered elsewhere.")
    rows = client_for(admin).get(f"{API}/organizations/{org.pk}/proposals/", {"status": "rejected"})
    [row] = rows.json()["results"]
    assert (row["status"], row["triage_note"], row["triaged_by"]["id"]) == (
        "rejected",
        "Covered elsewhere.",
        str(admin.pk),
    )


def test_another_organisations_inventory_is_404(other_org, org, proposal, outsider):
    client = client_for(outsider)
    assert_problem(client.get(f"{API}/organizations/{org.pk}/proposals/"), 404)
    refused(client, "post", f"{API}/organizations/{org.pk}/proposals/", PROPOSAL, status=404)
    assert_problem(client.get(f"{API}/organizations/{uuid.uuid4()}/proposals/"), 404)
    assert_problem(client.get(f"{API}/organizations/not-a-uuid/proposals/"), 404)
    own = client.get(f"{API}/organizations/{other_org.pk}/proposals/").json()
    assert own["results"] == []
    assert UseCaseProposal.objects.count() == 1


# --- proposing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 201),
        ("admin", 201),
        ("compliance_officer", 201),
    ],
)
def test_propose_matrix(
    org, role, status, proposer, org_member, admin, compliance_officer, outsider
):
    user = _people(
        role,
        proposer=proposer,
        org_member=org_member,
        admin=admin,
        compliance_officer=compliance_officer,
        outsider=outsider,
    )
    url = f"{API}/organizations/{org.pk}/proposals/"
    if status == 201:
        body = act(
            client_for(user),
            "post",
            url,
            PROPOSAL,
            status=201,
            events=[("use_case_proposal.submitted", user.pk)],
        )
        assert (body["status"], body["submitted_by"]["id"]) == ("submitted", str(user.pk))
    else:
        refused(client_for(user), "post", url, PROPOSAL, status=status)
        assert UseCaseProposal.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"title": ""}, ["title"]),
        ({"title": "t" * 161}, ["title"]),
        ({"problem": None}, ["problem"]),
        ({"intended_users": "u" * 2001}, ["intended_users"]),
        ({"urgency": "yesterday"}, ["urgency"]),
        ({"status": "accepted"}, ["status"]),
        ({"project": str(uuid.uuid4())}, ["project"]),
    ],
)
def test_bad_proposals_are_refused(org, proposer, change, fields):
    body = refused(
        client_for(proposer),
        "post",
        f"{API}/organizations/{org.pk}/proposals/",
        PROPOSAL | change,
        status=400,
    )
    assert sorted(body["errors"]) == fields
    assert UseCaseProposal.objects.count() == 0


def test_a_proposal_without_its_fields_names_each(org, proposer):
    body = refused(
        client_for(proposer), "post", f"{API}/organizations/{org.pk}/proposals/", {}, status=400
    )
    assert sorted(body["errors"]) == sorted(set(PROPOSAL) - {"urgency"})


# --- triage -----------------------------------------------------------------------------------

TRIAGE = [
    ("anon", 401),
    ("outsider", 404),
    ("proposer", 403),
    ("member", 403),
    ("admin", 200),
    ("compliance_officer", 200),
]


@pytest.mark.parametrize(("role", "status"), TRIAGE)
@pytest.mark.parametrize(
    ("step", "payload", "action", "new_status"),
    [
        (
            "request-info",
            {"note": "Which contracts?"},
            "use_case_proposal.info_requested",
            "info_requested",
        ),
        ("reject", {"reason": "Covered elsewhere."}, "use_case_proposal.rejected", "rejected"),
    ],
)
def test_triage_matrix(
    proposal,
    step,
    payload,
    action,
    new_status,
    role,
    status,
    proposer,
    org_member,
    admin,
    compliance_officer,
    outsider,
):
    user = _people(
        role,
        proposer=proposer,
        org_member=org_member,
        admin=admin,
        compliance_officer=compliance_officer,
        outsider=outsider,
    )
    url = f"{API}/proposals/{proposal.pk}/{step}/"
    if status == 200:
        body = act(client_for(user), "post", url, payload, status=200, events=[(action, user.pk)])
        assert (body["status"], body["triaged_by"]["id"]) == (new_status, str(user.pk))
        assert body["triage_note"] == next(iter(payload.values()))
    else:
        refused(client_for(user), "post", url, payload, status=status)
        assert UseCaseProposal.objects.get().status == "submitted"


@pytest.mark.parametrize(("role", "status"), [(r, 201 if s == 200 else s) for r, s in TRIAGE])
def test_accept_matrix(
    proposal, role, status, proposer, org_member, admin, compliance_officer, outsider
):
    user = _people(
        role,
        proposer=proposer,
        org_member=org_member,
        admin=admin,
        compliance_officer=compliance_officer,
        outsider=outsider,
    )
    url = f"{API}/proposals/{proposal.pk}/accept/"
    if status == 201:
        body = act(
            client_for(user),
            "post",
            url,
            status=201,
            events=[
                ("project.created", proposer.pk),
                ("project_membership.created", proposer.pk),
                ("use_case_proposal.accepted", user.pk),
            ],
        )
        project = Project.objects.get()
        assert (body["id"], body["name"], body["owner"]["id"]) == (
            str(project.pk),
            "Contract clause finder",
            str(proposer.pk),
        )
        assert UseCaseProposal.objects.get().project == project
    else:
        refused(client_for(user), "post", url, status=status)
        assert Project.objects.count() == 0
        assert UseCaseProposal.objects.get().status == "submitted"


def test_accept_with_another_manager_and_name(proposal, org_member, admin):
    lead = org_member(OrgRole.MEMBER)
    body = act(
        client_for(admin),
        "post",
        f"{API}/proposals/{proposal.pk}/accept/",
        {"name": "Clause finder", "manager": str(lead.pk), "note": "Supplier contracts first."},
        status=201,
        events=[
            ("project.created", lead.pk),
            ("project_membership.created", lead.pk),
            ("use_case_proposal.accepted", admin.pk),
        ],
    )
    assert (body["name"], body["owner"]["id"]) == ("Clause finder", str(lead.pk))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.triage_note) == ("accepted", "Supplier contracts first.")


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"manager": "OUTSIDER"},
            {"manager": ["The manager must be a member of the organisation."]},
        ),
        ({"manager": "RANDOM"}, {"manager": ["The manager must be a member of the organisation."]}),
        ({"manager": "nobody"}, {"manager": ["Must be a valid UUID."]}),
        (
            {"name": "Taken"},
            {"name": ["A project with this name already exists in the organisation."]},
        ),
        ({"name": "n" * 161}, {"name": ["Ensure this field has no more than 160 characters."]}),
        ({"phase": "select"}, {"phase": ["This field cannot be set here."]}),
    ],
)
def test_bad_accept_input_creates_nothing(org, proposal, admin, outsider, payload, errors):
    ProjectFactory(organization=org, owner=admin, name="Taken")
    replace = {"OUTSIDER": str(outsider.pk), "RANDOM": str(uuid.uuid4())}
    payload = {key: replace.get(value, value) for key, value in payload.items()}

    body = refused(
        client_for(admin), "post", f"{API}/proposals/{proposal.pk}/accept/", payload, status=400
    )

    assert body["errors"] == errors
    assert Project.objects.count() == 1
    assert UseCaseProposal.objects.get().status == "submitted"


def test_a_decided_proposal_is_409_and_blank_reasons_are_400(proposal, admin):
    client = client_for(admin)
    url = f"{API}/proposals/{proposal.pk}"
    assert list(
        refused(client, "post", f"{url}/reject/", {"reason": " "}, status=400)["errors"]
    ) == ["reason"]
    assert list(refused(client, "post", f"{url}/request-info/", {}, status=400)["errors"]) == [
        "note"
    ]
    act(
        client,
        "post",
        f"{url}/reject/",
        {"reason": "Covered elsewhere."},
        status=200,
        events=[("use_case_proposal.rejected", admin.pk)],
    )
    for step, payload in (("accept", {}), ("reject", {"reason": "Again."})):
        body = refused(client, "post", f"{url}/{step}/", payload, status=409)
        assert (body["code"], body["detail"]) == (
            "proposal_decided",
            "This proposal has already been decided.",
        )
    assert Project.objects.count() == 0


def test_resubmit_by_the_proposer_after_a_question(proposal, proposer, org_member, admin):
    url = f"{API}/proposals/{proposal.pk}/resubmit/"
    early = refused(client_for(proposer), "post", url, {"title": "Sooner"}, status=409)
    assert early["code"] == "proposal_decided"
    services.proposal_request_info(actor=admin, proposal=proposal, note="Which contracts?")
    refused(client_for(org_member(OrgRole.MEMBER)), "post", url, {"title": "Mine"}, status=403)
    refused(client_for(proposer), "post", url, {"urgency": "soon"}, status=400)

    body = act(
        client_for(proposer),
        "post",
        url,
        {"data_involved": "Supplier contracts and NDAs"},
        status=200,
        events=[("use_case_proposal.resubmitted", proposer.pk)],
    )

    assert (body["status"], body["data_involved"], body["title"]) == (
        "submitted",
        "Supplier contracts and NDAs",
        "Contract clause finder",
    )


def test_proposals_query_count_does_not_grow(org, proposer, admin, django_assert_num_queries):
    client = client_for(proposer)
    url = f"{API}/organizations/{org.pk}/proposals/"
    for n in range(5):
        proposal = services.proposal_submit(
            actor=proposer, organization=org, **(PROPOSAL | {"title": f"Idea {n}"})
        )
        services.proposal_reject(actor=admin, proposal=proposal, reason="No.")
    with django_assert_num_queries(6):  # session, user, organisation, roles, count, page
        assert client.get(url).json()["count"] == 5
    for n in range(5, 50):
        proposal = services.proposal_submit(
            actor=proposer, organization=org, **(PROPOSAL | {"title": f"Idea {n}"})
        )
        services.proposal_reject(actor=admin, proposal=proposal, reason="No.")
    with django_assert_num_queries(6):
        assert client.get(url).json()["count"] == 50
