"""Feedback results, trends, CSV export and who still owes an answer."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from stakeholders import selectors, services
from tests.stakeholders.helpers import QUESTIONS, submit

pytestmark = pytest.mark.django_db


def test_results_give_rate_distributions_and_texts(open_round, manager):
    feedback_round, invites = open_round
    submit(
        feedback_round,
        invites["Dana Claims"],
        q1="4",
        q2="Privacy",
        q3=["Triage"],
        q4="Keep humans in",
    )

    results = selectors.feedback_results(user=manager, feedback_round=feedback_round)

    assert (results.invited, results.responded, results.response_rate) == (2, 1, 50.0)
    rating, single, multiple, text = results.questions
    assert rating.distribution == [("1", 0), ("2", 0), ("3", 0), ("4", 1), ("5", 0)]
    assert rating.average == 4.0
    assert single.distribution == [("Accuracy", 0), ("Privacy", 1), ("Jobs", 0)]
    assert multiple.distribution == [("Triage", 1), ("Drafting", 0)]
    assert text.texts == ["Keep humans in"]
    owing = selectors.outstanding_feedback(user=manager, project=feedback_round.project)
    assert [i.stakeholder.name for i in owing] == ["Lee Legal"]


@pytest.mark.parametrize("responses", [2, 40])
def test_results_queries_do_not_grow(
    project, manager, stakeholder_of, responses, django_assert_num_queries
):
    people = [stakeholder_of(project, f"Person {n}") for n in range(responses)]
    feedback_round = services.feedback_round_create(
        actor=manager,
        project=project,
        title="R",
        closes_at=timezone.now() + timedelta(days=2),
        questions=QUESTIONS,
    )
    services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[p.pk for p in people]
    )
    for invite in feedback_round.invites.all():
        submit(feedback_round, invite, q1="3", q2="Jobs", q4="<script>alert(1)</script>")
    fresh = type(manager).objects.get(pk=manager.pk)
    with django_assert_num_queries(5):  # roles ×2, counts, questions, answers
        results = selectors.feedback_results(user=fresh, feedback_round=feedback_round)
    assert results.responded == responses


def test_the_same_question_is_compared_across_rounds(project, manager, stakeholder_of):
    dana = stakeholder_of(project)
    for rating in ("2", "4"):
        feedback_round = services.feedback_round_create(
            actor=manager,
            project=project,
            title=f"Round rated {rating}",
            closes_at=timezone.now() + timedelta(days=2),
            questions=QUESTIONS,
        )
        services.feedback_round_open(
            actor=manager, feedback_round=feedback_round, stakeholders=[dana.pk]
        )
        submit(feedback_round, feedback_round.invites.get(), q1=rating, q2="Jobs")

    trend = selectors.question_trend(user=manager, project=project, key="usefulness")

    assert [(t["round"], t["average"]) for t in trend] == [
        ("Round rated 2", 2.0),
        ("Round rated 4", 4.0),
    ]


def test_csv_export_neutralises_formulas(open_round, manager):
    feedback_round, invites = open_round
    submit(feedback_round, invites["Dana Claims"], q1="5", q2="Jobs", q4='=HYPERLINK("http://x")')

    rows = list(
        csv.reader(
            io.StringIO(selectors.feedback_results_csv(user=manager, feedback_round=feedback_round))
        )
    )

    assert rows[0] == ["stakeholder", "submitted_at", *(q["prompt"] for q in QUESTIONS)]
    assert rows[1][0] == "Dana Claims"
    assert rows[1][2:] == ["5", "Jobs", "", '\'=HYPERLINK("http://x")']


def test_outsiders_see_no_results(open_round, outsider):
    feedback_round, _ = open_round
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.feedback_results(user=outsider, feedback_round=feedback_round)
    assert (
        selectors.outstanding_feedback(user=outsider, project=feedback_round.project).count() == 0
    )
