"""The selection through /api/v1/: what a CI script or a GRC tool sees, blind scoring by API,
the frozen decision, and query counts that do not grow with the matrix."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ProjectMembership
from models_registry import services
from models_registry.models import Candidate, Criterion, DecisionRecord, Score
from tests.helpers import assert_problem, client_for, event_count
from tests.models_registry.conftest import catalogue_model, score_all

pytestmark = pytest.mark.django_db
ProjectRole = ProjectMembership.Role
FIVE = {"Acme AI Falcon Large": [4, 3, 4, 5, 2], "Acme AI Open Seven": [3, 4, 3, 3, 5]}


def api(name: str, project, *args) -> str:
    return reverse(f"models-registry-api:{name}", args=[project.pk, *args])


def test_criteria_list_with_shares(select_project, manager):
    body = client_for(manager).get(api("criterion-list", select_project)).json()
    assert [c["key"] for c in body][:2] == ["specificity", "resources"]
    assert {c["share_percent"] for c in body} == {20.0}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "weight": -5}, "weight"),
        ({"name": "X", "weight": 5, "minimum_score": 0}, "minimum_score"),
        ({"name": "X", "weight": 5, "colour": "red"}, "colour"),
        ({"weight": 5}, "name"),
    ],
)
def test_bad_criteria_are_refused_with_the_field(select_project, manager, payload, field):
    before = event_count()
    response = client_for(manager).post(
        api("criterion-list", select_project), payload, format="json"
    )
    assert field in assert_problem(response, 400)["errors"]
    assert event_count() == before
    assert Criterion.objects.filter(project=select_project).count() == 5


def test_a_candidate_from_another_organisations_catalogue_is_a_400(
    select_project, manager, other_org
):
    foreign = catalogue_model(other_org, "Foreign")
    response = client_for(manager).post(
        api("candidate-list", select_project),
        {"catalogue_model": str(foreign.pk), "rationale": "Why not."},
        format="json",
    )
    assert "catalogue_model" in assert_problem(response, 400)["errors"]
    assert not Candidate.objects.exists()


def test_candidates_show_their_monthly_cost(select_project, manager, candidates):
    services.workload_update(
        actor=manager,
        project=select_project,
        requests_per_month=1000,
        input_tokens_per_request=1000,
        output_tokens_per_request=100,
    )
    rows = client_for(manager).get(api("candidate-list", select_project)).json()["results"]
    # 1,000 × (1,000 × 2.50 + 100 × 10.00) / 1M = 3.50 EUR
    assert [r["monthly_cost"]["monthly"] for r in rows] == ["3.50", "3.50"]
    assert rows[1]["catalogue_model"]["licence"] == "Apache-2.0"


def _score(client, project, candidate, criterion, value=4, why="Saw it in the pilot."):
    return client.post(
        api("my-sheet", project),
        {
            "candidate": str(candidate.pk),
            "criterion": str(criterion.pk),
            "value": value,
            "justification": why,
        },
        format="json",
    )


def test_blind_scoring_by_api(select_project, reviewers, candidates):
    first, second = (client_for(r) for r in reviewers)
    criterion = Criterion.objects.filter(project=select_project)[0]
    assert _score(first, select_project, candidates[0], criterion, 2).status_code == 200
    body = _score(first, select_project, candidates[0], criterion, 5).json()
    assert [s["value"] for s in body["scores"]] == [5]  # the second write updates the first
    assert body["missing"] == 9
    problem = assert_problem(second.get(api("matrix", select_project)), 403)
    assert "Submit your own scores" in problem["detail"]
    score_all(reviewers[0], select_project, FIVE)
    assert first.get(api("matrix", select_project)).status_code == 200
    assert_problem(second.get(api("matrix", select_project)), 403)
    # What the second reviewer may read of the first: their sheet's status, never its scores.
    sheets = second.get(api("sheets", select_project)).json()
    assert [s["status"] for s in sheets] == ["submitted"]
    assert "scores" not in sheets[0]
    mine = second.get(api("my-sheet", select_project)).json()
    assert mine["scores"] == []


@pytest.mark.parametrize(
    ("value", "why", "field"), [(0, "ok", "value"), (6, "ok", "value"), (3, "", "justification")]
)
def test_bad_scores_are_refused(select_project, reviewers, candidates, value, why, field):
    criterion = Criterion.objects.filter(project=select_project)[0]
    response = _score(
        client_for(reviewers[0]), select_project, candidates[0], criterion, value, why
    )
    assert field in assert_problem(response, 400)["errors"]
    assert not Score.objects.exists()


def test_a_candidate_of_another_project_cannot_be_scored(
    select_project, reviewers, candidates, org, manager
):
    from projects.services import project_create

    other = project_create(actor=manager, organization=org, name="Other")
    foreign = Criterion.objects.filter(project=other)[0]
    response = _score(client_for(reviewers[0]), select_project, candidates[0], foreign)
    assert "criterion" in assert_problem(response, 400)["errors"]


def test_a_submitted_sheet_refuses_more_scores(select_project, reviewers, candidates):
    score_all(reviewers[0], select_project, FIVE)
    criterion = Criterion.objects.filter(project=select_project)[0]
    response = _score(client_for(reviewers[0]), select_project, candidates[0], criterion, 1)
    errors = assert_problem(response, 400)["errors"]
    assert "no longer change" in " ".join(errors["non_field_errors"])


def test_the_decision_by_api_is_frozen_and_signed_by_someone_else(
    select_project, manager, reviewers, candidates, compliance_officer
):
    for reviewer in reviewers:
        score_all(reviewer, select_project, FIVE)
    response = client_for(manager).post(
        api("decision-list", select_project),
        {
            "chosen": str(candidates[1].pk),
            "rationale": "Open weights and cheapest.",
            "rejected_reasons": {str(candidates[0].pk): "Closed."},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["status"] == "pending"
    assert len(decision["frozen_matrix"]["reviewers"]) == 2
    assert [a["capacity"] for a in decision["approvals"]] == ["manager"]
    detail = api("decision-detail", select_project, decision["id"])
    assert_problem(client_for(manager).patch(detail, {"rationale": "x"}, format="json"), 405)
    assert_problem(
        client_for(manager).post(
            api("decision-sign", select_project, decision["id"]),
            {"verdict": "approve"},
            format="json",
        ),
        403,
    )
    signed = client_for(compliance_officer).post(
        api("decision-sign", select_project, decision["id"]), {"verdict": "approve"}, format="json"
    )
    assert signed.json()["status"] == "approved"
    assert DecisionRecord.objects.get().status == "approved"


def test_another_organisation_gets_404_on_every_selection_route(
    select_project, outsider, candidates
):
    client = client_for(outsider)
    for name in ("criterion-list", "candidate-list", "workload", "sheets", "matrix", "my-sheet"):
        assert_problem(client.get(api(name, select_project)), 404)
    assert_problem(client.get(api("candidate-detail", select_project, candidates[0].pk)), 404)


# --- query counts ---------------------------------------------------------------------------


def _matrix_of(project, manager, project_member, *, candidates: int, criteria: int, reviewers: int):
    org = project.organization
    Criterion.objects.filter(project=project).delete()
    made_criteria = [
        Criterion.objects.create(project=project, name=f"C{i}", weight=10 + i)
        for i in range(criteria)
    ]
    for i in range(candidates):
        Candidate.objects.create(
            project=project,
            kind="catalogue",
            catalogue_model=catalogue_model(org, f"{project.name} M{i}", currency="USD"),
            name=f"Candidate {i}",
            rationale="r",
            proposed_by=manager,
        )
    people = [project_member(project, ProjectRole.REVIEWER) for _ in range(reviewers)]
    for n, person in enumerate(people):
        for i, candidate in enumerate(Candidate.objects.filter(project=project)):
            for j, criterion in enumerate(made_criteria):
                services.score_record(
                    actor=person,
                    candidate=candidate,
                    criterion=criterion,
                    value=1 + (i + j + n) % 5,
                    justification="j",
                )
        services.sheet_submit(actor=person, project=project)
    return people[0]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("route", ["page", "api"])
def test_the_matrix_costs_the_same_queries_for_10x8x5_as_for_2x5x2(
    route, select_project, manager, project_member, org, admin
):
    from projects.services import project_create

    big_project = project_create(actor=manager, organization=org, name="Big")
    type(big_project).objects.filter(pk=big_project.pk).update(phase="select")
    big_project.refresh_from_db()
    small = _matrix_of(
        select_project, manager, project_member, candidates=2, criteria=5, reviewers=2
    )
    big = _matrix_of(big_project, manager, project_member, candidates=10, criteria=8, reviewers=5)

    def url(project):
        if route == "api":
            return api("matrix", project)
        return reverse("models_registry:matrix", args=[project.pk])

    def client(user):
        if route == "api":
            return client_for(user)
        browser = Client()
        browser.force_login(user)
        return browser

    assert _count(client(big), url(big_project)) == _count(client(small), url(select_project))
