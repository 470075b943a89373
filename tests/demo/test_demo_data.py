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
from models_registry.gates import bias_check_cleared, success_criteria_met
from models_registry.models import (
    ABTest,
    BiasCheck,
    Candidate,
    DecisionRecord,
    Deployment,
    FineTuneRun,
    Incident,
    ModelVersion,
    ModificationFlag,
    MonitoringPoint,
    PostMarketPlan,
    PromptTemplate,
    ScoreSheet,
)
from models_registry.selectors import criteria_standing
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
        "Claims triage assistant": "operate",
        "Customer-support RAG chatbot": "scope",
        "Underwriting summariser": "scope",
        "Clinical notes summariser": "scope",
    }
    assert sorted(GateRequest.objects.values_list("project__name", "to_phase", "status")) == [
        ("Claims triage assistant", "adapt", "approved"),
        ("Claims triage assistant", "integrate", "approved"),
        ("Claims triage assistant", "operate", "approved"),
        ("Claims triage assistant", "select", "approved"),
        ("Customer-support RAG chatbot", "select", "pending"),
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
    assert decision.project.phase == "operate"  # through every gate since Select


@pytest.mark.sqlite_smoke
def test_the_claims_project_adapts_its_model_and_v2_meets_the_criteria_v1_missed():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    v1, v2, v3 = ModelVersion.objects.filter(project=claims).order_by("number")
    assert v2.parent == v1
    assert v3.parent == v2  # the quantization, recorded in Operate
    assert FineTuneRun.objects.get(project=claims, result_version=v2).method == "lora"
    assert PromptTemplate.objects.get(project=claims).versions.count() == 3
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
    # the Adapt → Integrate criteria, met still in Operate
    assert success_criteria_met(claims)[0]
    assert bias_check_cleared(claims)[0]


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
    assert manager_signoffs.count() == 5
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
def test_the_claims_project_is_in_operation_with_a_month_of_monitoring_and_its_incidents():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    deployments = dict(
        Deployment.objects.filter(project=claims).values_list("environment", "status")
    )
    assert deployments == {"staging": "completed", "production": "completed"}
    production = Deployment.objects.get(project=claims, environment="production")
    assert production.stages.count() == 3
    assert set(production.thresholds.values_list("metric", flat=True)) == {
        "error_rate",
        "latency_p95_ms",
    }
    points = MonitoringPoint.objects.filter(deployment=production)
    assert points.count() == 30 * 24 * 3
    days = points.dates("at", "day")
    assert len(days) == 30
    incidents = Incident.objects.filter(project=claims)
    assert sorted(incidents.values_list("source", "status")) == [
        ("manual", "open"),
        ("monitoring", "resolved"),  # the error-rate burst on the breach day, once
    ]
    test = ABTest.objects.get(project=claims)
    assert test.status == "finished"
    assert test.winner is not None
    assert test.winner.name == "prompt v3"
    assert PostMarketPlan.objects.get(project=claims).reviews.count() == 1


def test_the_quantization_in_operation_is_assessed_and_its_check_awaits_review():
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    flag = ModificationFlag.objects.get(project=claims)
    assert (flag.kind, flag.phase, flag.status) == ("quantization", "operate", "not_substantial")
    validation = ComplianceCheck.objects.get(
        project=claims, requirement__framework__key="iso-42001", requirement__ref="A.6.2.4"
    )
    assert validation.status == "needs_review"


@pytest.mark.sqlite_smoke
def test_the_claims_operate_tab_draws_its_month_of_monitoring(client):
    # On SQLite too (make run): the charts bucket the points without PostgreSQL's date_bin.
    _load()
    claims = Project.objects.get(name="Claims triage assistant")
    client.force_login(User.objects.get(email="pm@demo.charter.local"))
    page = client.get(f"/projects/{claims.pk}/operate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 3  # error rate, latency, and the rollouts
    assert "error_rate" in html
    assert "Possible substantial modifications" in html


def test_the_demo_organisation_has_one_open_access_request():
    from compliance.models import DataSubjectRequest
    from demo.logins import DEMO_ORGANIZATION

    _load()
    (request,) = DataSubjectRequest.objects.filter(organization__name=DEMO_ORGANIZATION)
    assert (request.kind, request.status) == ("access", "in_progress")
    assert request.is_open
    assert not request.is_overdue
    assert request.stakeholder is not None
    assert request.owner.email == "compliance@demo.charter.local"
