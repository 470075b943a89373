"""Selection services: criteria and weights, candidates, blind scoring, the decision record
and the Select → Adapt gate. Every refusal changes nothing and writes no audit event."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import ProjectMembership
from models_registry import selectors, services
from models_registry.models import (
    Candidate,
    Criterion,
    DecisionRecord,
    ExchangeRate,
    Score,
    ScoreSheet,
    Workload,
)
from projects.lifecycle import gates
from projects.models import Project
from projects.services import project_create
from tests.helpers import event_count, new_events
from tests.models_registry.conftest import catalogue_model, score_all

pytestmark = pytest.mark.django_db
ProjectRole = ProjectMembership.Role
FIVE = {"Acme AI Falcon Large": [4, 3, 4, 5, 2], "Acme AI Open Seven": [3, 4, 3, 3, 5]}


def test_every_new_project_starts_with_the_five_standard_criteria(org, admin):
    project = project_create(actor=admin, organization=org, name="Fraud triage")
    criteria = list(Criterion.objects.filter(project=project))
    assert [c.key for c in criteria] == [
        "specificity",
        "resources",
        "time_to_market",
        "performance",
        "cost",
    ]
    assert {c.weight for c in criteria} == {20}
    assert Workload.objects.filter(project=project).exists()


def test_a_manager_adds_reweights_and_renames_criteria_on_the_trail(select_project, manager):
    before = event_count()
    added = services.criterion_create(
        actor=manager, project=select_project, name="EU data residency", weight=30
    )
    services.criterion_update(actor=manager, criterion=added, weight=10, is_hard_constraint=True)
    events = new_events(before)
    assert [e.action for e in events] == [
        "selection_criterion.created",
        "selection_criterion.updated",
    ]
    assert events[1].data == {
        "weight": {"old": 30, "new": 10},
        "is_hard_constraint": {"old": False, "new": True},
    }
    matrix = selectors.selection_matrix(project=select_project)
    assert sum(matrix.shares.values()) == 100
    assert matrix.shares[str(added.pk)] == Fraction(1000, 110)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"weight": -1}, "weight"), ({"minimum_score": 6}, "minimum_score"), ({"name": ""}, "name")],
)
def test_bad_criterion_values_are_refused(select_project, manager, change, field):
    criterion = Criterion.objects.filter(project=select_project)[0]
    before = event_count()
    with pytest.raises(ValidationError) as error:
        services.criterion_update(actor=manager, criterion=criterion, **change)
    assert field in error.value.message_dict
    assert event_count() == before
    criterion.refresh_from_db()
    assert criterion.weight == 20
    assert criterion.name


def test_weights_cannot_all_be_zero(select_project, manager):
    criteria = list(Criterion.objects.filter(project=select_project))
    for criterion in criteria[:-1]:
        services.criterion_update(actor=manager, criterion=criterion, weight=0)
    before = event_count()
    with pytest.raises(ValidationError) as error:
        services.criterion_update(actor=manager, criterion=criteria[-1], weight=0)
    assert "cannot all be zero" in str(error.value)
    assert event_count() == before
    assert Criterion.objects.get(pk=criteria[-1].pk).weight == 20


def test_a_criterion_name_is_unique_in_the_project_whatever_its_case(select_project, manager):
    with pytest.raises(ValidationError) as error:
        services.criterion_create(
            actor=manager, project=select_project, name="time to MARKET", weight=5
        )
    assert "name" in error.value.message_dict


def test_only_managers_change_criteria(select_project, reviewers):
    criterion = Criterion.objects.filter(project=select_project)[0]
    with pytest.raises(PermissionDenied):
        services.criterion_update(actor=reviewers[0], criterion=criterion, weight=50)


def test_a_catalogue_model_of_another_organisation_cannot_be_a_candidate(
    select_project, manager, other_org
):
    foreign = catalogue_model(other_org, "Foreign Model")
    with pytest.raises(ValidationError) as error:
        services.candidate_create(
            actor=manager, project=select_project, catalogue_model=foreign, rationale="why not"
        )
    assert "catalogue_model" in error.value.message_dict
    assert not Candidate.objects.exists()


def test_the_same_model_is_put_forward_once(select_project, manager, candidates):
    with pytest.raises(ValidationError):
        services.candidate_create(
            actor=manager,
            project=select_project,
            catalogue_model=candidates[0].catalogue_model,
            rationale="again",
        )


def test_building_a_model_is_a_candidate_too(select_project, manager):
    built = services.candidate_create(
        actor=manager,
        project=select_project,
        name="Train an in-house classifier",
        rationale="Our claims data is unusual.",
        gpu_hours_per_month=Decimal("200"),
        gpu_hour_price=Decimal("2.10"),
        cost_currency="EUR",
    )
    assert built.kind == Candidate.Kind.BUILD
    assert built.catalogue_model is None


def test_a_cost_figure_needs_an_iso_4217_currency(select_project, manager):
    with pytest.raises(ValidationError) as error:
        services.candidate_create(
            actor=manager,
            project=select_project,
            name="Self-host",
            rationale="x",
            gpu_hour_price=Decimal("2"),
            cost_currency="EUROS",
        )
    assert "cost_currency" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.candidate_create(
            actor=manager,
            project=select_project,
            name="Self-host",
            rationale="x",
            gpu_hour_price=Decimal("-2"),
            cost_currency="EUR",
        )
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    ("value", "justification"), [(0, "fine"), (6, "fine"), (3, ""), (3, "   ")]
)
def test_a_score_is_one_to_five_with_a_justification(
    select_project, reviewers, candidates, value, justification
):
    criterion = Criterion.objects.filter(project=select_project)[0]
    with pytest.raises(ValidationError):
        services.score_record(
            actor=reviewers[0],
            candidate=candidates[0],
            criterion=criterion,
            value=value,
            justification=justification,
        )
    assert not Score.objects.exists()


def test_scoring_a_cell_again_updates_the_reviewers_own_score_until_they_submit(
    select_project, reviewers, candidates
):
    criterion = Criterion.objects.filter(project=select_project)[0]
    for value in (2, 4):
        services.score_record(
            actor=reviewers[0],
            candidate=candidates[0],
            criterion=criterion,
            value=value,
            justification="Seen in the pilot.",
        )
    assert list(Score.objects.values_list("value", flat=True)) == [4]
    score_all(reviewers[0], select_project, FIVE)
    before = event_count()
    with pytest.raises(ValidationError) as error:
        services.score_record(
            actor=reviewers[0],
            candidate=candidates[0],
            criterion=criterion,
            value=1,
            justification="Changed my mind.",
        )
    assert error.value.code == "sheet_closed"
    assert event_count() == before
    assert Score.objects.get(candidate=candidates[0], criterion=criterion).value == 4


def test_an_incomplete_sheet_cannot_be_submitted(select_project, reviewers, candidates):
    criterion = Criterion.objects.filter(project=select_project)[0]
    services.score_record(
        actor=reviewers[0],
        candidate=candidates[0],
        criterion=criterion,
        value=3,
        justification="ok",
    )
    with pytest.raises(ValidationError) as error:
        services.sheet_submit(actor=reviewers[0], project=select_project)
    assert "9 missing" in str(error.value)
    assert ScoreSheet.objects.get(reviewer=reviewers[0]).status == ScoreSheet.Status.DRAFT


def test_a_reviewer_is_blind_to_others_until_they_submit(select_project, reviewers, candidates):
    score_all(reviewers[0], select_project, FIVE)
    score_all(reviewers[1], select_project, FIVE, submit=False)
    with pytest.raises(PermissionDenied) as error:
        selectors.matrix_for_user(user=reviewers[1], project=select_project)
    assert "Submit your own scores" in str(error.value)
    matrix = selectors.matrix_for_user(user=reviewers[0], project=select_project)
    # The draft never counts, even for those who may read the matrix.
    assert [label for _, label in matrix.reviewers] == [reviewers[0].display_name]
    services.sheet_submit(actor=reviewers[1], project=select_project)
    assert len(selectors.matrix_for_user(user=reviewers[1], project=select_project).reviewers) == 2


def test_a_viewer_who_cannot_score_reads_the_matrix(select_project, project_member, candidates):
    viewer = project_member(select_project, ProjectRole.VIEWER)
    assert selectors.matrix_access(user=viewer, project=select_project).allowed
    with pytest.raises(PermissionDenied):
        services.sheet_abstain(actor=viewer, project=select_project)


def test_abstaining_opens_the_matrix_and_is_refused_after_scoring(
    select_project, manager, reviewers, candidates
):
    assert not selectors.matrix_access(user=manager, project=select_project).allowed
    services.sheet_abstain(actor=manager, project=select_project)
    assert selectors.matrix_access(user=manager, project=select_project).allowed
    criterion = Criterion.objects.filter(project=select_project)[0]
    services.score_record(
        actor=reviewers[0],
        candidate=candidates[0],
        criterion=criterion,
        value=3,
        justification="ok",
    )
    with pytest.raises(ValidationError):
        services.sheet_abstain(actor=reviewers[0], project=select_project)


def test_criteria_and_candidates_are_fixed_once_a_sheet_is_submitted(
    select_project, manager, reviewers, candidates
):
    score_all(reviewers[0], select_project, FIVE)
    with pytest.raises(ValidationError) as error:
        services.criterion_create(actor=manager, project=select_project, name="Late", weight=5)
    assert "Scoring has started" in str(error.value)
    with pytest.raises(ValidationError):
        services.candidate_delete(actor=manager, candidate=candidates[0])
    # Re-weighting stays possible: it is what the sensitivity analysis explores.
    criterion = Criterion.objects.filter(project=select_project)[0]
    services.criterion_update(actor=manager, criterion=criterion, weight=40)


def test_cost_estimates_use_the_workload_and_the_latest_exchange_rate(
    select_project, manager, candidates
):
    org = select_project.organization
    services.workload_update(
        actor=manager,
        project=select_project,
        requests_per_month=100_000,
        input_tokens_per_request=1_200,
        output_tokens_per_request=300,
    )
    model = candidates[0].catalogue_model
    model.currency = "USD"
    model.save()
    ExchangeRate.objects.create(organization=org, currency="USD", rate="0.80", as_of="2026-01-01")
    ExchangeRate.objects.create(organization=org, currency="USD", rate="0.92", as_of="2026-11-01")
    costs = selectors.cost_estimates(project=select_project)
    assert costs[str(candidates[0].pk)].monthly == Decimal("552.00")
    assert costs[str(candidates[1].pk)].monthly == Decimal("600.00")  # already in EUR


def _decide(manager, project, chosen, others, **extra):
    return services.decision_record(
        actor=manager,
        project=project,
        chosen=chosen,
        rationale="Best balance of quality and cost.",
        rejected_reasons={str(c.pk): "Weaker on the criteria that matter most." for c in others},
        **extra,
    )


def test_the_decision_record_freezes_the_matrix(
    select_project, manager, reviewers, candidates, compliance_officer
):
    score_all(reviewers[0], select_project, FIVE)
    score_all(reviewers[1], select_project, FIVE)
    decision = _decide(manager, select_project, candidates[1], candidates[:1])
    frozen = DecisionRecord.objects.get(pk=decision.pk).frozen_matrix
    assert decision.build_or_buy == "buy"
    assert decision.open_or_closed == "open"
    assert len(frozen["reviewers"]) == 2
    assert frozen["chosen_rank"] in (1, 2)
    # Nothing about the selection may change while the decision stands …
    criterion = Criterion.objects.filter(project=select_project)[0]
    with pytest.raises(ValidationError):
        services.criterion_update(actor=manager, criterion=criterion, weight=90)
    # … and a later change (after a rejection) never reaches the frozen record.
    services.decision_sign_compliance(
        actor=compliance_officer, decision=decision, verdict="reject", comment="Costs unclear."
    )
    services.criterion_update(actor=manager, criterion=criterion, weight=90)
    assert DecisionRecord.objects.get(pk=decision.pk).frozen_matrix == frozen
    assert selectors.selection_matrix(project=select_project).shares != {
        c["id"]: c["share_percent"] for c in frozen["criteria"]
    }


def test_every_rejected_alternative_needs_a_reason(select_project, manager, reviewers, candidates):
    score_all(reviewers[0], select_project, FIVE)
    before = event_count()
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=manager,
            project=select_project,
            chosen=candidates[0],
            rationale="x",
            rejected_reasons={str(candidates[1].pk): "  "},
        )
    assert "rejected_reasons" in error.value.message_dict
    assert event_count() == before
    assert not DecisionRecord.objects.exists()


def test_a_candidate_excluded_by_a_hard_constraint_cannot_be_chosen(
    select_project, manager, reviewers, candidates
):
    cost = Criterion.objects.get(project=select_project, key="cost")
    services.criterion_update(
        actor=manager, criterion=cost, is_hard_constraint=True, minimum_score=3
    )
    score_all(reviewers[0], select_project, FIVE)  # Falcon scores 2 on cost
    with pytest.raises(ValidationError) as error:
        _decide(manager, select_project, candidates[0], candidates[1:])
    assert "hard constraint" in str(error.value)


def test_the_compliance_officer_who_manages_the_project_cannot_sign_both(
    select_project, reviewers, candidates, compliance_officer
):
    ProjectMembership.objects.create(
        project=select_project, user=compliance_officer, role=ProjectRole.MANAGER
    )
    score_all(reviewers[0], select_project, FIVE)
    decision = _decide(compliance_officer, select_project, candidates[0], candidates[1:])
    with pytest.raises(PermissionDenied) as error:
        services.decision_sign_compliance(
            actor=compliance_officer, decision=decision, verdict="approve"
        )
    assert "another person" in str(error.value)
    assert DecisionRecord.objects.get(pk=decision.pk).status == DecisionRecord.Status.PENDING


def test_an_approved_decision_backed_by_two_reviewers_passes_the_gate(
    select_project, manager, reviewers, candidates, compliance_officer
):
    score_all(reviewers[0], select_project, FIVE)
    decision = _decide(manager, select_project, candidates[0], candidates[1:])
    services.decision_sign_compliance(
        actor=compliance_officer, decision=decision, verdict="approve"
    )
    results = {
        r.key: r.met for r in gates.evaluate(select_project) if r.owner_app == "models_registry"
    }
    assert results == {"decision_approved": True, "decision_reviewed": False}
    assert [e.action for e in new_events(0)][-2:] == [
        "decision_record.signed",
        "decision_record.approved",
    ]


def test_the_gate_is_met_with_two_reviewers(
    select_project, manager, reviewers, candidates, compliance_officer
):
    for reviewer in reviewers:
        score_all(reviewer, select_project, FIVE)
    own = [r for r in gates.evaluate(select_project) if r.owner_app == "models_registry"]
    assert not any(r.met for r in own)
    decision = _decide(manager, select_project, candidates[0], candidates[1:])
    services.decision_sign_compliance(
        actor=compliance_officer, decision=decision, verdict="approve"
    )
    assert all(r.met for r in gates.evaluate(select_project))
    with pytest.raises(ValidationError):
        _decide(manager, select_project, candidates[1], candidates[:1])


def test_a_project_outside_select_cannot_change_its_selection(select_project, manager):
    Project.objects.filter(pk=select_project.pk).update(phase=Project.Phase.SCOPE)
    select_project.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.criterion_create(actor=manager, project=select_project, name="New", weight=5)
    assert "not in the Select phase" in str(error.value)


def test_every_selection_change_is_on_the_audit_trail(
    select_project, manager, reviewers, candidates, compliance_officer, project_member
):
    before = event_count()
    added = services.criterion_create(actor=manager, project=select_project, name="EU", weight=5)
    services.criterion_update(actor=manager, criterion=added, weight=6)
    services.criterion_delete(actor=manager, criterion=added)
    spare = services.candidate_create(
        actor=manager, project=select_project, name="Build", rationale="Maybe."
    )
    services.candidate_update(actor=manager, candidate=spare, rationale="Perhaps.")
    services.candidate_delete(actor=manager, candidate=spare)
    services.workload_update(actor=manager, project=select_project, requests_per_month=10)
    score_all(reviewers[0], select_project, FIVE)
    services.sheet_abstain(
        actor=project_member(select_project, ProjectRole.REVIEWER), project=select_project
    )
    decision = _decide(manager, select_project, candidates[0], candidates[1:])
    services.decision_sign_compliance(
        actor=compliance_officer, decision=decision, verdict="reject", comment="Costs unclear."
    )
    actions = [e.action for e in new_events(before)]
    assert set(actions) == {
        "selection_criterion.created",
        "selection_criterion.updated",
        "selection_criterion.deleted",
        "selection_candidate.created",
        "selection_candidate.updated",
        "selection_candidate.deleted",
        "selection_workload.updated",
        "selection_score.recorded",
        "score_sheet.submitted",
        "score_sheet.abstained",
        "decision_record.recorded",
        "decision_record.signed",
        "decision_record.rejected",
    }
    assert actions.count("selection_score.recorded") == 10  # one per cell scored


def test_a_change_that_changes_nothing_writes_no_event(select_project, manager):
    criterion = Criterion.objects.filter(project=select_project)[0]
    before = event_count()
    services.criterion_update(actor=manager, criterion=criterion, weight=criterion.weight)
    assert event_count() == before
