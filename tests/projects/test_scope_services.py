"""Scope documents, feasibility studies, risks, tasks and intake: rules and refusals."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import OrganizationMembership, ProjectMembership, User
from accounts.permissions import OWN_STUDY
from audit.models import AuditEvent
from core.errors import ConflictError
from projects import services
from projects.models import Project, Risk, ScopeVersion, Task, UseCaseProposal
from projects.risk_library import risk_library
from tests.projects.scope_helpers import GO_STUDY, approved_scope, reviewer_for, study_author

pytestmark = pytest.mark.django_db


# --- scope document ---------------------------------------------------------------------------


def test_editing_creates_a_new_version_and_supersedes_drafts(project, manager):
    v1 = services.scope_version_create(actor=manager, project=project, goals="First goals.")
    v2 = services.scope_version_create(
        actor=manager, project=project, goals="Sharper goals.", change_summary="Sharpened."
    )
    assert (v1.number, v2.number) == (1, 2)
    assert ScopeVersion.objects.get(pk=v1.pk).status == "superseded"
    assert ScopeVersion.objects.get(pk=v1.pk).goals == "First goals."  # never edited in place


def test_approval_supersedes_the_previous_approved_version(project, manager, project_member):
    reviewer = reviewer_for(project, project_member)
    first = approved_scope(project, manager, reviewer)
    second = services.scope_version_create(actor=manager, project=project, goals="v2")
    services.scope_version_submit(actor=manager, version=second)
    services.scope_version_approve(actor=reviewer, version=second)

    assert ScopeVersion.objects.get(pk=first.pk).status == "superseded"
    assert project.scope_document.__class__.objects.get(project=project).approved_version == second


def test_authors_do_not_review_their_own_version(project, manager):
    version = services.scope_version_create(actor=manager, project=project, goals="Goals.")
    services.scope_version_submit(actor=manager, version=version)
    with pytest.raises(PermissionDenied, match="someone else"):
        services.scope_version_approve(actor=manager, version=version)
    assert ScopeVersion.objects.get(pk=version.pk).status == "in_review"


def test_changes_requested_needs_a_comment_and_reopens_the_draft(project, manager, project_member):
    reviewer = reviewer_for(project, project_member)
    version = services.scope_version_create(actor=manager, project=project, goals="Goals.")
    services.scope_version_submit(actor=manager, version=version)
    with pytest.raises(ValidationError):
        services.scope_version_request_changes(actor=reviewer, version=version, comment="")
    services.scope_version_request_changes(
        actor=reviewer, version=version, comment="Add a cost criterion."
    )
    version.refresh_from_db()
    assert version.status == "changes_requested"
    assert version.comments.get().body == "Add a cost criterion."


def test_a_version_in_review_blocks_new_versions_and_old_versions_cannot_be_reviewed(
    project, manager, project_member
):
    reviewer = reviewer_for(project, project_member)
    v1 = approved_scope(project, manager, reviewer)
    v2 = services.scope_version_create(actor=manager, project=project, goals="v2")
    services.scope_version_submit(actor=manager, version=v2)
    with pytest.raises(ConflictError, match="in review"):
        services.scope_version_create(actor=manager, project=project, goals="v3")
    with pytest.raises(ConflictError, match="latest version"):
        services.scope_version_approve(actor=reviewer, version=v1)


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        (
            [
                {"title": "B", "due_date": date(2027, 5, 1)},
                {"title": "A", "due_date": date(2027, 2, 1)},
            ],
            "dated before the one above it",
        ),
        ([{"title": "Late", "due_date": date(2028, 1, 1)}], "outside the timeline"),
        ([{"title": "", "due_date": date(2027, 2, 1)}], "needs a title and a valid date"),
        ([{"title": "Bad date", "due_date": "2027-02-30"}], "needs a title and a valid date"),
    ],
)
def test_milestones_out_of_order_or_outside_the_timeline_are_refused(
    project, manager, milestones, message
):
    with pytest.raises(ValidationError) as error:
        services.scope_version_create(
            actor=manager,
            project=project,
            goals="Goals.",
            timeline_start=date(2027, 1, 1),
            timeline_end=date(2027, 12, 31),
            milestones=milestones,
        )
    assert message in " ".join(error.value.message_dict["milestones"])
    assert ScopeVersion.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_timeline_ending_before_it_starts_is_refused(project, manager):
    with pytest.raises(ValidationError) as error:
        services.scope_version_create(
            actor=manager,
            project=project,
            goals="Goals.",
            timeline_start=date(2027, 6, 1),
            timeline_end=date(2027, 1, 1),
        )
    assert "timeline_end" in error.value.message_dict


@pytest.mark.parametrize(
    "criterion",
    [
        {"metric": "Accuracy", "target": "high", "unit": "%"},
        {"metric": "", "target": "90", "unit": "%"},
        {"metric": "Accuracy", "target": "90", "unit": ""},
        {"metric": "Accuracy", "target": "NaN", "unit": "%"},
        {"metric": "Accuracy", "target": "90", "unit": "%", "comparison": "approximately"},
        {"metric": "Accuracy", "target": "1e20", "unit": "%"},
    ],
)
def test_success_criteria_must_be_measurable(project, manager, criterion):
    with pytest.raises(ValidationError) as error:
        services.scope_version_create(
            actor=manager, project=project, goals="Goals.", success_criteria=[criterion]
        )
    assert "success_criteria" in error.value.message_dict
    assert ScopeVersion.objects.count() == 0


def test_viewers_cannot_write_scope(project, project_member):
    viewer = project_member(project, "viewer")
    with pytest.raises(PermissionDenied):
        services.scope_version_create(actor=viewer, project=project, goals="Goals.")


# --- feasibility ------------------------------------------------------------------------------


def test_feasibility_sign_off_requires_every_rating_and_a_verdict(project, manager):
    study = services.feasibility_create(
        actor=study_author(project), project=project, technology_rating="feasible"
    )
    with pytest.raises(ValidationError) as error:
        services.feasibility_sign_off(actor=manager, study=study)
    assert set(error.value.message_dict) == {
        "data_rating",
        "legal_rating",
        "budget_rating",
        "verdict",
    }


def test_a_manager_never_signs_off_their_own_study(project, manager, admin):
    study = services.feasibility_create(actor=manager, project=project, **GO_STUDY)
    events_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        services.feasibility_sign_off(actor=manager, study=study)

    assert str(refused.value) == OWN_STUDY
    study.refresh_from_db()
    assert (study.signed_off_by, study.signed_off_at, study.version) == (None, None, 1)
    assert AuditEvent.objects.count() == events_before
    signed = services.feasibility_sign_off(actor=admin, study=study)  # another manager may
    assert signed.signed_off_by == admin


def test_signed_off_feasibility_is_final(project, manager):
    study = services.feasibility_create(actor=study_author(project), project=project, **GO_STUDY)
    study = services.feasibility_sign_off(actor=manager, study=study)
    with pytest.raises(ConflictError, match="signed off"):
        services.feasibility_update(
            actor=manager, study=study, expected_version=study.version, verdict="no_go"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"currency": "euro"},
        {"estimated_cost": "-5"},
        {"verdict": "maybe"},
        {"technology_rating": "great"},
        {"verdict": "go_with_conditions", "conditions": ""},
        {"budget_findings": "x" * 10001},
    ],
)
def test_bad_feasibility_input_is_refused(project, manager, fields):
    with pytest.raises(ValidationError):
        services.feasibility_create(actor=manager, project=project, **fields)
    assert not project.feasibility_studies.exists()


def test_feasibility_stale_edit_is_refused(project, manager):
    study = services.feasibility_create(actor=manager, project=project)
    services.feasibility_update(actor=manager, study=study, expected_version=1, title="Round 1")
    with pytest.raises(ConflictError) as error:
        services.feasibility_update(actor=manager, study=study, expected_version=1, title="Lost")
    assert error.value.details == {"current_version": 2}
    study.refresh_from_db()
    assert study.title == "Round 1"


# --- risks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"likelihood": 0},
        {"likelihood": 6},
        {"impact": 9},
        {"residual_impact": -1},
        {"category": "weather"},
        {"status": "forgotten"},
        {"title": ""},
    ],
)
def test_risk_values_out_of_range_are_refused(project, manager, fields):
    base = {"title": "Prompt injection", "category": "security"}
    with pytest.raises(ValidationError):
        services.risk_create(actor=manager, project=project, **(base | fields))
    assert Risk.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_risks_get_sequential_references_and_scores(project, manager):
    r1 = services.risk_create(
        actor=manager, project=project, title="A", category="data", likelihood=4, impact=5
    )
    r2 = services.risk_create(actor=manager, project=project, title="B", category="cost")
    assert (r1.code, r1.score, r1.is_high) == ("R-1", 20, True)
    assert (r2.code, r2.score, r2.is_scored) == ("R-2", None, False)


def test_concurrent_risk_edits_do_not_lose_updates(project, manager):
    risk = services.risk_create(actor=manager, project=project, title="A", category="data")
    seen_by_alice = seen_by_bob = risk.version

    services.risk_update(actor=manager, risk=risk, expected_version=seen_by_alice, likelihood=3)
    with pytest.raises(ConflictError) as error:
        services.risk_update(actor=manager, risk=risk, expected_version=seen_by_bob, likelihood=1)

    assert error.value.code == "stale_version"
    risk.refresh_from_db()
    assert (risk.likelihood, risk.version) == (3, 2)


def test_library_has_the_nist_and_owasp_risks_and_seeds_a_risk(project, manager):
    refs = [entry.ref for entry in risk_library()]
    assert len(refs) == 22
    assert refs[0] == "nist-ai-600-1:1"
    assert refs[-1] == "owasp-llm:LLM10"
    risk = services.risk_create_from_library(
        actor=manager, project=project, library_ref="nist-ai-600-1:2", likelihood=3, impact=4
    )
    assert (risk.title, risk.category, risk.library_ref) == (
        "Confabulation",
        "technical",
        "nist-ai-600-1:2",
    )
    assert risk.mitigation_plan.startswith("Ground answers")
    with pytest.raises(ValidationError):
        services.risk_create_from_library(actor=manager, project=project, library_ref="nope")


def test_risk_owner_must_see_the_project(project, manager, outsider):
    with pytest.raises(ValidationError) as error:
        services.risk_create(
            actor=manager, project=project, title="A", category="data", owner=outsider
        )
    assert "owner" in error.value.message_dict


def test_overdue_review(project, manager):
    risk = services.risk_create(
        actor=manager,
        project=project,
        title="A",
        category="data",
        review_date=timezone.localdate() - timedelta(days=1),
    )
    assert risk.is_review_overdue is True


# --- tasks ------------------------------------------------------------------------------------


def test_assignee_moves_their_task_along_but_does_not_edit_it(project, manager, project_member):
    viewer = project_member(project, "viewer")
    task = services.task_create(
        actor=manager,
        project=project,
        title="Draft DPIA",
        assignee=viewer,
        due_date=date(2027, 1, 1),
    )
    services.task_update(actor=viewer, task=task, status="done")
    task.refresh_from_db()
    assert task.status == "done"
    assert task.completed_at is not None
    with pytest.raises(PermissionDenied):
        services.task_update(actor=viewer, task=task, title="Something else")


def test_an_assignee_taken_off_the_project_can_no_longer_move_their_task(
    project, manager, project_member
):
    viewer = project_member(project, "viewer")
    task = services.task_create(actor=manager, project=project, title="DPIA", assignee=viewer)
    membership = ProjectMembership.objects.get(project=project, user=viewer)
    services.project_member_remove(actor=manager, membership=membership)
    events_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.task_update(actor=User.objects.get(pk=viewer.pk), task=task, status="done")

    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("open", None)
    assert AuditEvent.objects.count() == events_before


def test_tasks_from_other_sources_keep_their_origin(project, manager):
    task = services.task_create(
        actor=manager,
        project=project,
        title="Follow up workshop",
        source=Task.Source.WORKSHOP,
        source_type="stakeholders.workshop",
        source_id="abc",
    )
    assert (task.source, task.source_type, task.source_id) == (
        "workshop",
        "stakeholders.workshop",
        "abc",
    )


# --- intake -----------------------------------------------------------------------------------

PROPOSAL = {
    "title": "Contract clause finder",
    "problem": "Lawyers search contracts by hand.",
    "intended_users": "Legal team",
    "data_involved": "Supplier contracts",
    "expected_benefit": "Hours saved per review",
    "urgency": "high",
}


def test_a_proposer_who_left_the_organisation_cannot_resubmit(
    org, org_member, admin, compliance_officer
):
    proposer = org_member()
    proposal = services.proposal_submit(actor=proposer, organization=org, **PROPOSAL)
    services.proposal_request_info(actor=compliance_officer, proposal=proposal, note="Which?")
    membership = OrganizationMembership.objects.get(organization=org, user=proposer)
    accounts_services.membership_remove(actor=admin, membership=membership)

    with pytest.raises(PermissionDenied):
        services.proposal_resubmit(
            actor=User.objects.get(pk=proposer.pk), proposal=proposal, data_involved="All"
        )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.data_involved) == ("info_requested", "Supplier contracts")


def test_proposal_accepted_into_scope_becomes_a_project(org, org_member, compliance_officer):
    proposer = org_member()
    proposal = services.proposal_submit(actor=proposer, organization=org, **PROPOSAL)
    services.proposal_request_info(
        actor=compliance_officer, proposal=proposal, note="Which contracts?"
    )
    services.proposal_resubmit(
        actor=proposer, proposal=proposal, data_involved="Supplier and NDA contracts"
    )
    project = services.proposal_accept(actor=compliance_officer, proposal=proposal)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.project) == ("accepted", project)
    assert (project.name, project.phase, project.owner) == (
        "Contract clause finder",
        "scope",
        proposer,
    )
    assert project.problem_statement == "Lawyers search contracts by hand."
    assert project.memberships.get().user == proposer


def test_rejected_proposals_stay_with_their_reason(org, org_member, admin):
    proposal = services.proposal_submit(actor=org_member(), organization=org, **PROPOSAL)
    with pytest.raises(ValidationError):
        services.proposal_reject(actor=admin, proposal=proposal, reason="  ")
    services.proposal_reject(actor=admin, proposal=proposal, reason="Covered by an existing tool.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.triage_note) == ("rejected", "Covered by an existing tool.")
    with pytest.raises(ConflictError):
        services.proposal_accept(actor=admin, proposal=proposal)
    assert Project.objects.count() == 0


def test_members_propose_but_do_not_triage(org, org_member, outsider):
    member = org_member()
    proposal = services.proposal_submit(actor=member, organization=org, **PROPOSAL)
    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=member, proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.proposal_submit(actor=outsider, organization=org, **PROPOSAL)
    assert UseCaseProposal.objects.get().status == "submitted"
