"""`load_demo_data`: built through the services, idempotent, and its trail verifies."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command, get_commands

from accounts.models import (
    Invitation,
    Organization,
    OrganizationMembership,
    ProjectMembership,
    User,
)
from accounts.permissions import projects_visible_to
from audit.models import AuditEvent
from compliance.models import Classification, ComplianceCheck, Evidence
from demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from models_registry.models import (
    BiasCheck,
    Candidate,
    DecisionRecord,
    Deployment,
    FineTuneRun,
    Incident,
    ModelVersion,
    PromptTemplate,
    ScoreSheet,
)
from models_registry.selectors import criteria_standing
from projects.lifecycle import gates
from projects.models import FeasibilityStudy, GateApproval, GateRequest, Project

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


# `make run` loads the demo on SQLite: the smoke run repeats these there.
@pytest.mark.sqlite_smoke
def test_load_demo_data_twice_builds_the_demo_once_and_the_trail_verifies():
    first = _load()
    events_after_first = AuditEvent.objects.count()

    second = _load()

    assert "Demo Insurance Co.: loaded." in first
    assert "Northwind Health: loaded." in first
    assert "Demo Insurance Co.: already loaded, left as it is." in second
    assert "Northwind Health: already loaded, left as it is." in second
    assert AuditEvent.objects.count() == events_after_first
    assert sorted(Organization.objects.values_list("name", flat=True)) == [
        "Demo Insurance Co.",
        "Northwind Health",
    ]
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(
        email for email, _, _ in DEMO_LOGINS
    )
    roles = set(
        OrganizationMembership.objects.values_list("organization__name", "user__email", "role")
    )
    assert roles == {
        ("Demo Insurance Co.", "admin@demo.charter.local", "admin"),
        ("Demo Insurance Co.", "compliance@demo.charter.local", "compliance_officer"),
        ("Demo Insurance Co.", "pm@demo.charter.local", "member"),
        ("Demo Insurance Co.", "viewer@demo.charter.local", "member"),
        ("Demo Insurance Co.", "reviewer@demo.charter.local", "member"),
        ("Northwind Health", "admin@northwind.charter.local", "admin"),
    }
    assert Invitation.objects.filter(status=Invitation.Status.ACCEPTED).count() == 4
    assert dict(Project.objects.values_list("name", "phase")) == {
        "Claims triage assistant": "adapt",
        "Customer-support RAG chatbot": "scope",
        "Underwriting summariser": "scope",
        "Clinical notes summariser": "scope",
    }
    assert sorted(GateRequest.objects.values_list("project__name", "status")) == [
        ("Claims triage assistant", "approved"),
        ("Claims triage assistant", "approved"),
        ("Customer-support RAG chatbot", "pending"),
    ]
    assert ProjectMembership.objects.filter(role="manager").count() == 4
    assert (
        ProjectMembership.objects.filter(
            role="viewer", user__email="viewer@demo.charter.local"
        ).count()
        == 3
    )
    for email, _, _ in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)

    verified = StringIO()
    call_command("verify_audit_chain", stdout=verified)
    assert "OK: 3 chain(s) verified" in verified.getvalue()


@pytest.mark.sqlite_smoke
def test_the_claims_project_has_a_scored_selection_and_an_approved_decision():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    sheets = ScoreSheet.objects.filter(project=claims, status="submitted")
    assert sorted(sheets.values_list("reviewer__email", flat=True)) == [
        "admin@demo.charter.local",
        "reviewer@demo.charter.local",
    ]
    assert Candidate.objects.filter(project=claims).count() == 3
    decision = DecisionRecord.objects.get(project=claims)
    assert decision.status == "approved"
    assert decision.chosen_label == "OpenAI GPT-4o mini"
    assert decision.frozen_matrix["chosen_rank"] == 1
    assert claims.phase == "adapt"  # through the Select → Adapt gate


@pytest.mark.sqlite_smoke
def test_the_claims_project_adapts_its_model_and_v2_meets_the_criteria_v1_missed():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    v1, v2 = ModelVersion.objects.filter(project=claims).order_by("number")
    assert v2.parent == v1
    assert FineTuneRun.objects.get(project=claims, result_version=v2).method == "lora"
    assert PromptTemplate.objects.get(project=claims).versions.count() == 2
    routing = {
        point["version"].number: point["passed"]
        for entry in criteria_standing(project=claims)
        if entry.criterion.metric == "Correct first routing"
        for point in entry.points
    }
    assert routing == {1: False, 2: True}
    checks = BiasCheck.objects.filter(project=claims)
    assert sorted(checks.values_list("outcome", "flagged_count")) == [
        ("acceptable", 0),
        ("mitigated", 1),
    ]
    results = {r.key: r.met for r in gates.evaluate(claims)}
    assert results["success_criteria_met"]
    assert results["bias_check_cleared"]


def test_demo_organisations_do_not_see_each_other():
    _load()
    northwind_admin = User.objects.get(email="admin@northwind.charter.local")
    demo_admin = User.objects.get(email="admin@demo.charter.local")

    assert list(projects_visible_to(northwind_admin).values_list("name", flat=True)) == [
        "Clinical notes summariser"
    ]
    assert sorted(projects_visible_to(demo_admin).values_list("name", flat=True)) == [
        "Claims triage assistant",
        "Customer-support RAG chatbot",
        "Underwriting summariser",
    ]


def test_load_demo_data_is_the_demo_apps_command():
    assert get_commands()["load_demo_data"] == "demo"


def test_the_demo_follows_the_segregation_of_duties():
    _load()

    manager_signoffs = GateApproval.objects.filter(capacity="manager").select_related("request")
    assert manager_signoffs.count() == 3
    assert all(a.approver_id != a.request.requested_by_id for a in manager_signoffs)
    assert not Organization.objects.filter(allow_gate_requester_signoff=True).exists()
    studies = FeasibilityStudy.objects.exclude(signed_off_by=None)
    assert studies.count() == 2
    assert all(study.signed_off_by_id != study.created_by_id for study in studies)


def test_the_demo_organisation_follows_the_eu_ai_act_gdpr_and_iso_42001():
    from compliance.models import OrganizationFramework, Requirement

    _load()
    followed = OrganizationFramework.objects.filter(organization__name="Demo Insurance Co.")
    assert sorted(followed.values_list("framework__key", flat=True)) == [
        "eu-ai-act",
        "gdpr",
        "iso-42001",
    ]
    assert Requirement.objects.filter(framework__key="nist-ai-rmf").count() == 72  # loaded


@pytest.mark.sqlite_smoke
def test_the_demo_projects_are_classified_with_checks_in_several_states_and_real_files():
    _load()
    tiers = dict(
        Classification.objects.filter(status="confirmed").values_list("project__name", "tier")
    )
    assert tiers == {
        "Claims triage assistant": "high",
        "Customer-support RAG chatbot": "limited",
        "Underwriting summariser": "minimal",
    }
    shown = dict(Project.objects.values_list("name", "risk_tier"))
    assert {name: shown[name] for name in tiers} == tiers  # the badge and the filter read it
    claims = Project.objects.get(name="Claims triage assistant")
    states = set(ComplianceCheck.objects.filter(project=claims).values_list("status", flat=True))
    assert {"met", "in_review", "in_progress", "not_started"} <= states
    files = Evidence.objects.filter(project=claims, kind="file")
    assert files.count() == 3
    for evidence in files:
        with evidence.file.open("rb") as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256
    assert sorted(files.values_list("status", flat=True)) == ["accepted", "pending", "pending"]


@pytest.mark.sqlite_smoke
def test_the_claims_project_is_on_staging_with_a_production_plan_and_incidents():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    deployments = dict(
        Deployment.objects.filter(project=claims).values_list("environment", "status")
    )
    assert deployments == {"staging": "completed", "production": "planned"}
    assert sorted(Incident.objects.filter(project=claims).values_list("status", flat=True)) == [
        "open",
        "resolved",
    ]
