"""The Select tab in the browser's terms: forms, the blind score sheet, the matrix with its
sensitivity, the decision record and its compliance sign-off."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ProjectMembership
from models_registry.models import Candidate, Criterion, DecisionRecord, Score, ScoreSheet
from tests.helpers import event_count
from tests.models_registry.conftest import score_all

pytestmark = pytest.mark.django_db
ProjectRole = ProjectMembership.Role
FIVE = {"Acme AI Falcon Large": [4, 3, 4, 5, 2], "Acme AI Open Seven": [3, 4, 3, 3, 5]}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, project, *args) -> str:
    return reverse(f"models_registry:{name}", args=[project.pk, *args])


def test_the_select_tab_shows_criteria_shares_candidates_and_costs(
    select_project, manager, candidates
):
    body = signed_in(manager).get(url("selection", select_project)).content.decode()
    assert "Project specificity and complexity" in body
    assert "20.0 %" in body
    assert "Acme AI Falcon Large" in body
    assert "No exchange rate" not in body  # both priced in the organisation's EUR


def test_a_manager_reweights_a_criterion_from_the_page(select_project, manager):
    criterion = Criterion.objects.get(project=select_project, key="cost")
    response = signed_in(manager).post(
        url("criterion-edit", select_project, criterion.pk),
        {"name": "Cost-effectiveness", "weight": "60", "minimum_score": "3"},
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.weight == 60
    body = signed_in(manager).get(url("selection", select_project)).content.decode()
    # 60 of 140 points is 42.9 %; each of the others, 20 of 140, is 14.3 %.
    assert "42.9 %" in body
    assert body.count("14.3 %") == 4


def test_all_zero_weights_are_refused_on_the_page_and_nothing_changes(select_project, manager):
    Criterion.objects.filter(project=select_project).exclude(key="cost").update(weight=0)
    cost = Criterion.objects.get(project=select_project, key="cost")
    before = event_count()
    response = signed_in(manager).post(
        url("criterion-edit", select_project, cost.pk),
        {"name": "Cost-effectiveness", "weight": "0", "minimum_score": "3"},
    )
    assert response.status_code == 400
    assert "cannot all be zero" in response.content.decode()
    assert event_count() == before
    cost.refresh_from_db()
    assert cost.weight == 20


def test_a_reviewer_saves_a_draft_then_submits_and_the_matrix_opens(
    select_project, reviewers, candidates
):
    reviewer = reviewers[0]
    client = signed_in(reviewer)
    criteria = list(Criterion.objects.filter(project=select_project))
    first = f"{candidates[0].pk}_{criteria[0].pk}"
    response = client.post(
        url("score-sheet", select_project),
        {f"score_{first}": "4", f"why_{first}": "Read our claims well.", "submit": "0"},
    )
    assert response.status_code == 302
    assert Score.objects.get().value == 4
    assert client.get(url("matrix", select_project)).status_code == 403
    data = {"submit": "1"}
    for candidate in candidates:
        for criterion in criteria:
            data[f"score_{candidate.pk}_{criterion.pk}"] = "3"
            data[f"why_{candidate.pk}_{criterion.pk}"] = "Average in the pilot."
    response = client.post(url("score-sheet", select_project), data)
    assert response.status_code == 302
    assert ScoreSheet.objects.get(reviewer=reviewer).status == ScoreSheet.Status.SUBMITTED
    matrix = client.get(url("matrix", select_project))
    assert matrix.status_code == 200
    assert "Sensitivity" in matrix.content.decode()


def test_a_score_without_a_justification_is_refused_on_the_page(
    select_project, reviewers, candidates
):
    criterion = Criterion.objects.filter(project=select_project)[0]
    cell = f"{candidates[0].pk}_{criterion.pk}"
    response = signed_in(reviewers[0]).post(
        url("score-sheet", select_project), {f"score_{cell}": "4", f"why_{cell}": " "}
    )
    assert response.status_code == 400
    assert "Say why you gave this score." in response.content.decode()
    assert not Score.objects.exists()


def test_a_reviewer_does_not_see_others_scores_before_submitting(
    select_project, reviewers, candidates
):
    score_all(reviewers[0], select_project, FIVE)
    client = signed_in(reviewers[1])
    page = client.get(url("selection", select_project)).content.decode()
    assert "Submit your own scores (or abstain) first" in page
    assert "Ranking" not in page
    assert client.get(url("matrix", select_project)).status_code == 403
    sheet_page = client.get(url("score-sheet", select_project)).content.decode()
    assert "because of what we saw" not in sheet_page  # the other reviewer's justifications


def test_the_manager_records_and_the_compliance_officer_approves(
    select_project, manager, reviewers, candidates, compliance_officer
):
    for reviewer in reviewers:
        score_all(reviewer, select_project, FIVE)
    response = signed_in(manager).post(
        url("decision-new", select_project),
        {
            "chosen": str(candidates[1].pk),
            "rationale": "Open weights, EU hosting, cheapest.",
            f"reason_{candidates[0].pk}": "Closed and costlier.",
        },
    )
    assert response.status_code == 302
    decision = DecisionRecord.objects.get()
    detail = signed_in(compliance_officer).get(url("decision-detail", select_project, decision.pk))
    assert "Compliance sign-off" in detail.content.decode()
    assert "The matrix as it stood" in detail.content.decode()
    response = signed_in(compliance_officer).post(
        url("decision-sign", select_project, decision.pk), {"verdict": "approve"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionRecord.Status.APPROVED
    gate = signed_in(manager).get(reverse("projects:gate", args=[select_project.pk]))
    assert gate.content.decode().count("An approved decision record") == 1


def test_rejecting_a_decision_needs_a_comment(
    select_project, manager, reviewers, candidates, compliance_officer
):
    score_all(reviewers[0], select_project, FIVE)
    signed_in(manager).post(
        url("decision-new", select_project),
        {
            "chosen": str(candidates[0].pk),
            "rationale": "Quality first.",
            f"reason_{candidates[1].pk}": "Weaker quality.",
        },
    )
    decision = DecisionRecord.objects.get()
    response = signed_in(compliance_officer).post(
        url("decision-sign", select_project, decision.pk), {"verdict": "reject"}
    )
    assert response.status_code == 400
    assert "Say why the decision is rejected." in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionRecord.Status.PENDING


def test_a_missing_reason_for_an_alternative_keeps_the_form(
    select_project, manager, reviewers, candidates
):
    score_all(reviewers[0], select_project, FIVE)
    response = signed_in(manager).post(
        url("decision-new", select_project),
        {"chosen": str(candidates[0].pk), "rationale": "Quality first."},
    )
    assert response.status_code == 400
    assert "Say why this alternative was rejected." in response.content.decode()
    assert not DecisionRecord.objects.exists()


def test_another_organisations_user_gets_404_everywhere(select_project, outsider, candidates):
    client = signed_in(outsider)
    for name in ("selection", "matrix", "score-sheet", "decision-new"):
        assert client.get(url(name, select_project)).status_code == 404
    response = client.post(url("candidate-delete", select_project, candidates[0].pk))
    assert response.status_code == 404
    assert Candidate.objects.count() == 2


def test_a_candidate_of_another_project_is_404_under_this_one(
    select_project, manager, candidates, org, admin
):
    from projects.services import project_create

    other = project_create(actor=manager, organization=org, name="Other")
    response = signed_in(manager).post(url("candidate-delete", other, candidates[0].pk))
    assert response.status_code == 404
    assert Candidate.objects.count() == 2
