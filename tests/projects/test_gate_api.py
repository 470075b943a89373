"""Lifecycle gates through the REST API: the gate page, sign-offs by capacity, refusals,
withdrawal, moving back with a reason, and the gate status query budget."""

from datetime import date

import pytest

from accounts.models import OrganizationMembership
from accounts.permissions import REQUESTER_SIGNS
from projects import services
from projects.models import GateApproval, GateRequest, PhaseChange, Project
from tests.helpers import act, client_for, refused
from tests.projects.scope_api_helpers import COMPLIANCE_CRITERION, CRITERIA, matrix

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
API = "/api/v1"


# --- sign-offs --------------------------------------------------------------------------------


@pytest.fixture
def pending(ready_project, project_member):
    """Requested by a second manager, so the owner (or an administrator) may give the manager
    sign-off."""
    requester = project_member(ready_project, "manager")
    return services.gate_request(actor=requester, project=ready_project)


def test_one_person_never_gives_both_sign_offs(ready_project, pending, org_member):
    both = org_member(OrgRole.COMPLIANCE_OFFICER)
    services.project_member_add(
        actor=ready_project.owner, project=ready_project, user=both, role="manager"
    )
    client = client_for(both)
    url = f"{API}/gate-requests/{pending.pk}/approve/"
    act(
        client,
        "post",
        url,
        {"capacity": "manager"},
        status=200,
        events=[("gate_request.approved", both.pk)],
    )

    body = refused(client, "post", url, {"capacity": "compliance"}, status=403)
    again = refused(
        client_for(ready_project.owner), "post", url, {"capacity": "manager"}, status=409
    )

    assert body["detail"] == "One person cannot give both sign-offs of a gate."
    assert (again["code"], again["detail"]) == (
        "gate_already_signed",
        "This sign-off has already been given.",
    )
    assert list(GateApproval.objects.values_list("capacity", flat=True)) == ["manager"]
    assert Project.objects.get(pk=ready_project.pk).phase == "scope"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"capacity": "ceo"}, "capacity"),
        ({}, "capacity"),
        ({"capacity": "manager", "comment": "c" * 5001}, "comment"),
        ({"capacity": "manager", "decision": "approve"}, "decision"),
    ],
)
def test_bad_sign_off_input_is_400(pending, manager, payload, field):
    body = refused(
        client_for(manager),
        "post",
        f"{API}/gate-requests/{pending.pk}/approve/",
        payload,
        status=400,
    )
    assert list(body["errors"]) == [field]
    assert pending.approvals.count() == 0


@pytest.mark.parametrize(
    ("capacity", "allowed"), [("manager", "manage"), ("compliance", "compliance")]
)
@pytest.mark.parametrize(
    "role",
    [
        "viewer",
        "contributor",
        "reviewer",
        "manager",
        "org_admin",
        "compliance_officer",
        "org_member",
        "outsider",
        "anon",
    ],
)
def test_sign_off_matrix(
    pending,
    capacity,
    allowed,
    role,
    as_role,
):
    user = as_role(role)
    status = dict(matrix(allowed))[role]
    url = f"{API}/gate-requests/{pending.pk}/approve/"

    if status == 200:
        assert user is not None  # anonymous is never allowed
        act(
            client_for(user),
            "post",
            url,
            {"capacity": capacity},
            status=200,
            events=[("gate_request.approved", user.pk)],
        )
        assert GateApproval.objects.get().approver == user
    else:
        refused(client_for(user), "post", url, {"capacity": capacity}, status=status)
        assert GateApproval.objects.count() == 0


def test_reject_needs_a_reason_and_closes_the_request(pending, compliance_officer, manager):
    client = client_for(compliance_officer)
    url = f"{API}/gate-requests/{pending.pk}/reject/"
    body = refused(client, "post", url, {"capacity": "compliance", "comment": " "}, status=400)
    assert list(body["errors"]) == ["comment"]

    rejected = act(
        client,
        "post",
        url,
        {"capacity": "compliance", "comment": "The DPIA is missing."},
        status=200,
        events=[("gate_request.rejected", compliance_officer.pk)],
    )

    assert rejected["status"] == "rejected"
    assert rejected["approvals"][0]["decision"] == "reject"
    late = refused(
        client_for(manager),
        "post",
        f"{API}/gate-requests/{pending.pk}/approve/",
        {"capacity": "manager"},
        status=409,
    )
    assert late["code"] == "gate_not_pending"


def test_the_final_sign_off_checks_the_criteria_again(
    ready_project, pending, manager, compliance_officer
):
    services.gate_approve(actor=manager, request=pending, capacity="manager")
    services.risk_create(actor=manager, project=ready_project, title="New risk", category="data")

    body = refused(
        client_for(compliance_officer),
        "post",
        f"{API}/gate-requests/{pending.pk}/approve/",
        {"capacity": "compliance"},
        status=409,
    )

    assert body["errors"] == [
        CRITERIA["risks_scored"] | {"detail": "1 risk(s) without likelihood and impact."}
    ]
    assert (GateRequest.objects.get().status, GateApproval.objects.count()) == ("pending", 1)
    assert Project.objects.get(pk=ready_project.pk).phase == "scope"


@pytest.mark.parametrize(("role", "status"), matrix("manage"))
def test_withdraw_matrix(pending, role, status, as_role):
    user = as_role(role)
    url = f"{API}/gate-requests/{pending.pk}/withdraw/"
    if status == 200:
        assert user is not None  # anonymous is never allowed
        body = act(
            client_for(user), "post", url, status=200, events=[("gate_request.withdrawn", user.pk)]
        )
        assert body["status"] == "withdrawn"
    else:
        refused(client_for(user), "post", url, status=status)
        assert GateRequest.objects.get().status == "pending"


@pytest.mark.parametrize(("role", "status"), matrix("manage", 201))
def test_gate_request_matrix(ready_project, role, status, as_role):
    user = as_role(role)
    url = f"{API}/projects/{ready_project.pk}/gate/request/"
    if status == 201:
        assert user is not None  # anonymous is never allowed
        act(client_for(user), "post", url, status=201, events=[("gate_request.created", user.pk)])
    else:
        refused(client_for(user), "post", url, status=status)
        assert GateRequest.objects.count() == 0


# --- moving back and history ------------------------------------------------------------------


@pytest.fixture
def in_select(ready_project, pending, manager, compliance_officer):
    services.gate_approve(actor=manager, request=pending, capacity="manager")
    services.gate_approve(actor=compliance_officer, request=pending, capacity="compliance")
    return Project.objects.get(pk=ready_project.pk)


@pytest.mark.parametrize(("role", "status"), matrix("manage"))
def test_move_back_matrix(in_select, role, status, as_role):
    user = as_role(role)
    url = f"{API}/projects/{in_select.pk}/move-back/"
    if status == 200:
        assert user is not None  # anonymous is never allowed
        body = act(
            client_for(user),
            "post",
            url,
            {"reason": "The use case changed."},
            status=200,
            events=[("project.phase_changed", user.pk)],
        )
        assert (body["phase"], body["next_phase"]) == ("scope", "select")
    else:
        refused(client_for(user), "post", url, {"reason": "The use case changed."}, status=status)
        assert Project.objects.get(pk=in_select.pk).phase == "select"


def test_move_back_needs_a_reason_and_a_previous_phase(in_select, manager):
    client = client_for(manager)
    url = f"{API}/projects/{in_select.pk}/move-back/"
    assert list(refused(client, "post", url, {"reason": "  "}, status=400)["errors"]) == ["reason"]
    assert list(refused(client, "post", url, {}, status=400)["errors"]) == ["reason"]
    act(
        client,
        "post",
        url,
        {"reason": "Scope changed."},
        status=200,
        events=[("project.phase_changed", manager.pk)],
    )
    body = refused(client, "post", url, {"reason": "Again."}, status=409)
    assert (body["code"], body["detail"]) == ("phase_first", "The project is in its first phase.")

    history = client.get(f"{API}/projects/{in_select.pk}/phase-history/").json()
    assert [(h["direction"], h["reason"], h["actor"]["id"]) for h in history["results"]] == [
        ("back", "Scope changed.", str(manager.pk)),
        ("forward", "", history["results"][1]["actor"]["id"]),
    ]
    assert PhaseChange.objects.count() == 2


# --- query budget -----------------------------------------------------------------------------


def _history(project, manager, requester, count: int) -> None:
    """`count` more risks and withdrawn requests, each with the manager's sign-off."""
    for n in range(count):
        services.risk_create(
            actor=manager,
            project=project,
            title=f"Risk {n}",
            category="data",
            likelihood=1 + n % 3,
            impact=2,
            review_date=date(2027, 1, 1),
        )
        request = services.gate_request(actor=requester, project=project)
        services.gate_approve(actor=manager, request=request, capacity="manager")
        services.gate_withdraw(actor=manager, request=request)


def test_gate_status_query_count_does_not_grow_with_rows(
    ready_project, manager, admin, django_assert_num_queries
):
    client = client_for(manager)
    url = f"{API}/projects/{ready_project.pk}/gate/"
    _history(ready_project, manager, admin, 5)
    services.gate_request(actor=admin, project=ready_project)

    # session, user, project, org roles, project role, requests, their approvals (people
    # joined), then one query per criterion (5, and compliance's)
    with django_assert_num_queries(13):
        small = client.get(url).json()
    services.gate_withdraw(actor=manager, request=GateRequest.objects.get(status="pending"))
    _history(ready_project, manager, admin, 45)
    services.gate_request(actor=admin, project=ready_project)
    with django_assert_num_queries(13):
        large = client.get(url).json()

    assert (len(small["history"]), len(large["history"])) == (6, 52)
    assert small["can_sign"] == large["can_sign"] == {"manager": True, "compliance": False}
    assert ready_project.risks.count() == 51


def test_the_gate_says_why_the_requester_is_not_offered_the_manager_sign_off(
    ready_project, manager, django_assert_num_queries
):
    services.gate_request(actor=manager, project=ready_project)
    client = client_for(manager)
    url = f"{API}/projects/{ready_project.pk}/gate/"

    with django_assert_num_queries(13):  # as many as for anyone else: the rule reads no more
        gate = client.get(url).json()

    assert gate["can_sign"] == {"manager": False, "compliance": False}
    assert gate["sign_refusals"] == {"manager": REQUESTER_SIGNS, "compliance": ""}
    body = refused(
        client,
        "post",
        f"{API}/gate-requests/{gate['pending_request']['id']}/approve/",
        {"capacity": "manager"},
        status=403,
    )
    assert body["detail"] == REQUESTER_SIGNS


# --- reading ----------------------------------------------------------------------------------


def test_gate_page_and_request_detail(ready_project, pending, project_member):
    viewer = client_for(project_member(ready_project, "viewer"))
    requester = pending.requested_by
    owner = {"id": str(requester.pk), "email": requester.email, "full_name": requester.full_name}
    expected_request = {
        "id": str(pending.pk),
        "project": str(ready_project.pk),
        "from_phase": "scope",
        "to_phase": "select",
        "status": "pending",
        "requested_by": owner,
        "note": "",
        "criteria_at_request": [
            *(CRITERIA[key] | {"met": True, "detail": ""} for key in CRITERIA),
            COMPLIANCE_CRITERION,
        ],
        "criteria_at_decision": [],
        "approvals": [],
        "decided_at": None,
    }

    gate = viewer.get(f"{API}/projects/{ready_project.pk}/gate/").json()
    detail = viewer.get(f"{API}/gate-requests/{pending.pk}/").json()

    assert {k: v for k, v in detail.items() if k not in ("created_at", "updated_at")} == (
        expected_request
    )
    assert gate == {
        "phase": "scope",
        "next_phase": "select",
        "all_met": True,
        "criteria": expected_request["criteria_at_request"],
        "pending_request": detail,
        "can_sign": {"manager": False, "compliance": False},
        "sign_refusals": {"manager": "", "compliance": ""},
        "history": [detail],
    }


def test_no_gate_after_retired(ready_project, manager):
    Project.objects.filter(pk=ready_project.pk).update(phase="retired")
    client = client_for(manager)

    gate = client.get(f"{API}/projects/{ready_project.pk}/gate/").json()
    body = refused(
        client,
        "post",
        f"{API}/projects/{ready_project.pk}/gate/request/",
        {"note": "x"},
        status=409,
    )

    assert (gate["phase"], gate["next_phase"], gate["criteria"], gate["all_met"]) == (
        "retired",
        None,
        [],
        True,
    )
    assert (body["code"], body["detail"]) == ("gate_none", "This project has no further gate.")
