"""The feedback rounds API: the form, opening, closing, the "you said, we did" summary,
results, the CSV export, who still owes an answer, withdrawing a link, the trend across
rounds; bad input; no answer or email in the audit trail; query budgets."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from projects import services as project_services
from stakeholders import links, services
from stakeholders.models import FeedbackInvite, FeedbackRound, Question
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import assert_problem, client_for, event_count, new_events
from tests.stakeholders.helpers import (
    QUESTIONS,
    assert_no_personal_data_in_trail,
    submit,
)

pytestmark = pytest.mark.django_db


def _create(world, **overrides):
    body = {
        "title": "Expectations",
        "shared_context": "We are exploring an AI claims-triage assistant.",
        "closes_at": "2030-01-31T18:00:00+01:00",
        "questions": QUESTIONS,
    } | overrides
    return client_for(world.manager).post(
        f"/api/v1/projects/{world.project.pk}/feedback-rounds/", body, format="json"
    )


def _rows():
    return (FeedbackRound.objects.count(), Question.objects.count(), event_count())


def test_create_drafts_the_round_with_its_questions(world):
    before = event_count()

    response = _create(world)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["closes_at"], body["opened_at"]) == (
        "draft",
        "2030-01-31T17:00:00Z",
        None,
    )
    assert body["created_by"]["id"] == str(world.manager.pk)
    assert [
        (q["position"], q["kind"], q["prompt"], q["choices"], q["required"], q["key"])
        for q in body["questions"]
    ] == [
        (1, "rating", "How useful would the assistant be?", [], True, "usefulness"),
        (2, "single", "Main concern?", ["Accuracy", "Privacy", "Jobs"], True, "main-concern"),
        (3, "multiple", "Which tasks?", ["Triage", "Drafting"], False, "which-tasks"),
        (4, "text", "Anything else?", [], False, "anything-else"),
    ]
    [event] = new_events(before)
    assert (event.action, event.target_id, event.data["questions"]) == (
        "feedback_round.created",
        body["id"],
        4,
    )


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        (
            {"questions": [{"kind": "single", "prompt": "Pick one", "choices": ["Only"]}]},
            ["questions"],
        ),
        (
            {"questions": [{"kind": "multiple", "prompt": "Pick", "choices": ["A", "A"]}]},
            ["questions"],
        ),
        ({"closes_at": "2020-01-01T00:00:00Z"}, ["closes_at"]),
        ({"closes_at": "2030-01-31T18:00:00"}, ["closes_at"]),  # no offset
        ({"questions": []}, ["questions"]),
        ({"questions": [{"kind": "essay", "prompt": "Tell us"}]}, ["questions"]),
        ({"questions": [{"kind": "text", "prompt": "Tell us", "weight": 2}]}, ["questions"]),
        ({"questions": [{"kind": "text"}]}, ["questions"]),
        ({"questions": [{"kind": "text", "prompt": "Q"}] * 41}, ["questions"]),
        ({"title": ""}, ["title"]),
        ({"status": "open"}, ["status"]),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(world, overrides, fields):
    before = _rows()
    response = _create(world, **overrides)
    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert _rows() == before


def test_a_one_choice_question_says_which_question(world):
    response = _create(
        world,
        questions=[
            {"kind": "rating", "prompt": "Useful?"},
            {"kind": "single", "prompt": "Pick one", "choices": ["Only"]},
        ],
    )
    assert assert_problem(response, 400)["errors"] == {
        "questions": ["Question 2: give 2 to 20 distinct choices."]
    }


def test_open_close_and_summary(world):
    client = client_for(world.manager)
    url = f"/api/v1/feedback-rounds/{world.draft.pk}"

    opened = client.post(f"{url}/open/", {"stakeholders": [str(world.dana.pk)]})
    again = client.post(f"{url}/open/", {"stakeholders": [str(world.dana.pk)]})
    early = client.post(f"{url}/summary/", {"you_said_we_did": "Too early."})
    closed = client.post(f"{url}/close/")
    before = event_count()
    closed_again = client.post(f"{url}/close/")

    assert (opened.status_code, opened.json()["status"]) == (200, "open")
    assert [i.stakeholder_id for i in FeedbackInvite.objects.filter(round=world.draft)] == [
        world.dana.pk
    ]
    assert assert_problem(again, 409)["code"] == "round_not_draft"
    assert assert_problem(early, 409)["code"] == "round_open"
    assert (closed.json()["status"], closed_again.status_code) == ("closed", 200)
    assert event_count() == before

    version = project_services.scope_version_create(
        actor=world.manager, project=world.project, goals="Cut triage time by half."
    )
    before = event_count()
    summary = client.post(
        f"{url}/summary/",
        {
            "you_said_we_did": "You asked for human review; every answer is checked.",
            "outcome_scope_version": str(version.pk),
            "outcome_note": "Added a review step.",
        },
    )
    assert summary.status_code == 200, summary.content
    body = summary.json()
    assert (body["you_said_we_did"], body["outcome_scope_version"], body["outcome_note"]) == (
        "You asked for human review; every answer is checked.",
        str(version.pk),
        "Added a review step.",
    )
    [event] = new_events(before)
    assert (event.action, event.data) == (
        "feedback_round.summary_published",
        {"outcome_scope_version_id": str(version.pk)},
    )


def test_summary_refuses_another_projects_scope_version(world, org):
    other = ProjectFactory(organization=org, owner=world.manager, name="Other")
    ProjectMembershipFactory(project=other, user=world.manager, role="manager")
    theirs = project_services.scope_version_create(actor=world.manager, project=other, goals="G")
    before = (FeedbackRound.objects.filter(pk=world.closed.pk).values().get(), event_count())

    for version_id in (str(theirs.pk), "00000000-0000-4000-8000-000000000000"):
        response = client_for(world.manager).post(
            f"/api/v1/feedback-rounds/{world.closed.pk}/summary/",
            {"you_said_we_did": "Done.", "outcome_scope_version": version_id},
        )
        assert assert_problem(response, 400)["errors"] == {
            "outcome_scope_version": ["Unknown version of this project's scope document."]
        }
    response = client_for(world.manager).post(
        f"/api/v1/feedback-rounds/{world.closed.pk}/summary/", {"you_said_we_did": ""}
    )
    assert list(assert_problem(response, 400)["errors"]) == ["you_said_we_did"]
    assert (FeedbackRound.objects.filter(pk=world.closed.pk).values().get(), event_count()) == (
        before
    )


def test_open_refuses_people_off_the_project_and_an_empty_list(world):
    before = (FeedbackInvite.objects.count(), event_count())
    client = client_for(world.manager)
    bodies: list[dict[str, list[str]]] = [
        {"stakeholders": [str(world.sam.pk)]},
        {"stakeholders": []},
        {},
    ]
    for body in bodies:
        response = client.post(f"/api/v1/feedback-rounds/{world.draft.pk}/open/", body)
        assert list(assert_problem(response, 400)["errors"]) == ["stakeholders"]
    assert (FeedbackInvite.objects.count(), event_count()) == before
    assert FeedbackRound.objects.get(pk=world.draft.pk).status == "draft"


@pytest.fixture
def answered(world):
    """Dana answered the open round; Lee has not."""
    invite = FeedbackInvite.objects.get(round=world.open, stakeholder=world.dana)
    submit(world.open, invite, q1="4", q2="Privacy", q3=["Triage"], q4="=CMD() keep humans in")
    return world


def test_results_give_the_rate_and_each_questions_answers(answered):
    world = answered
    response = client_for(world.manager).get(f"/api/v1/feedback-rounds/{world.open.pk}/results/")

    assert response.status_code == 200
    body = response.json()
    assert (body["round"], body["invited"], body["responded"], body["response_rate"]) == (
        str(world.open.pk),
        2,
        1,
        50.0,
    )
    summary = [
        (
            q["question"]["position"],
            q["answered"],
            [(t["value"], t["count"]) for t in q["distribution"]],
            q["average"],
            q["texts"],
        )
        for q in body["questions"]
    ]
    assert summary == [
        (1, 1, [("1", 0), ("2", 0), ("3", 0), ("4", 1), ("5", 0)], 4.0, []),
        (2, 1, [("Accuracy", 0), ("Privacy", 1), ("Jobs", 0)], None, []),
        (3, 1, [("Triage", 1), ("Drafting", 0)], None, []),
        (4, 1, [], None, ["=CMD() keep humans in"]),
    ]


def test_results_csv_is_an_attachment_with_one_row_per_response(answered):
    world = answered
    response = client_for(world.manager).get(f"/api/v1/feedback-rounds/{world.open.pk}/results.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="feedback-round-{world.open.pk}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    submitted = FeedbackInvite.objects.get(round=world.open, stakeholder=world.dana).response
    assert rows == [
        ["stakeholder", "submitted_at", *(q["prompt"] for q in QUESTIONS)],
        [
            "Dana Claims",
            submitted.submitted_at.isoformat(),
            "4",
            "Privacy",
            "Triage",
            "'=CMD() keep humans in",
        ],
    ]


def test_outstanding_and_revoking_a_link(answered):
    world = answered
    client = client_for(world.manager)
    lee = FeedbackInvite.objects.get(round=world.open, stakeholder=world.lee)
    old_token = links.make_token(lee)

    owing = client.get(f"/api/v1/feedback-rounds/{world.open.pk}/outstanding/").json()
    before = event_count()
    revoked = client.post(f"/api/v1/feedback-invites/{lee.pk}/revoke/")

    assert owing == [
        {
            "id": str(lee.pk),
            "stakeholder": {
                "id": str(world.lee.pk),
                "name": "Lee Legal",
                "email": "lee.legal@example.com",
            },
            "sent_at": None,
            "last_reminded_at": None,
        }
    ]
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["revoked_at"] is not None
    [event] = new_events(before)
    assert (event.action, event.data) == (
        "feedback_invite.revoked",
        {"stakeholder_id": str(world.lee.pk)},
    )
    assert services.invite_for_token(old_token) is None
    assert client.get(f"/api/v1/feedback-rounds/{world.open.pk}/outstanding/").json() == []


def test_trend_compares_a_question_across_rounds(answered):
    world = answered
    services.feedback_round_close(actor=world.manager, feedback_round=world.open)
    later = services.feedback_round_create(
        actor=world.manager,
        project=world.project,
        title="Pilot feedback",
        closes_at=timezone.now() + timedelta(days=3),
        questions=QUESTIONS,
    )
    services.feedback_round_open(
        actor=world.manager, feedback_round=later, stakeholders=[world.dana.pk, world.lee.pk]
    )
    for invite, rating in zip(later.invites.order_by("stakeholder__name"), ("5", "2"), strict=True):
        submit(later, invite, q1=rating, q2="Jobs")
    client = client_for(world.manager)
    url = f"/api/v1/projects/{world.project.pk}/feedback-trend/"

    points = client.get(url, {"key": "usefulness"}).json()

    assert points == [
        {"round_id": str(world.open.pk), "round": "Open round", "average": 4.0, "answers": 1},
        {"round_id": str(later.pk), "round": "Pilot feedback", "average": 3.5, "answers": 2},
    ]
    assert client.get(url, {"key": "unknown-key"}).json() == []
    assert list(assert_problem(client.get(url), 400)["errors"]) == ["key"]
    assert list(assert_problem(client.get(url, {"key": "not a slug"}), 400)["errors"]) == ["key"]


def test_no_answer_or_email_reaches_the_audit_trail(answered):
    world = answered
    client = client_for(world.manager)
    client.post(f"/api/v1/feedback-rounds/{world.open.pk}/close/")
    client.post(
        f"/api/v1/feedback-rounds/{world.open.pk}/summary/", {"you_said_we_did": "We heard you."}
    )
    assert {"feedback_response.submitted", "feedback_round.summary_published"} <= {
        e.action for e in new_events(0)
    }
    assert_no_personal_data_in_trail(
        "keep humans in",
        "Privacy",
        "dana.claims@example.com",
        "lee.legal@example.com",
        "Dana Claims",
        "Lee Legal",
        "Sam Sales",
    )


def test_list_counts_invites_and_responses(answered):
    world = answered
    rows = client_for(world.manager).get(f"/api/v1/projects/{world.project.pk}/feedback-rounds/")
    assert [
        (r["title"], r["status"], r["invited"], r["responded"]) for r in rows.json()["results"]
    ] == [
        ("Closed round", "closed", 1, 0),
        ("Open round", "open", 2, 1),
        ("Draft round", "draft", 0, 0),
    ]


def test_list_query_count_does_not_grow(world, django_assert_num_queries):
    client = client_for(world.manager)
    url = f"/api/v1/projects/{world.project.pk}/feedback-rounds/"

    def fill(up_to):
        for n in range(FeedbackRound.objects.count(), up_to):
            feedback_round = FeedbackRound.objects.create(
                project=world.project,
                title=f"Round {n}",
                closes_at=timezone.now() + timedelta(days=5),
                created_by=world.manager,
            )
            FeedbackInvite.objects.create(
                round=feedback_round, stakeholder=world.dana, link_nonce=links.new_nonce()
            )

    fill(5)
    # session, user, project, org roles, project role, count, page (creator joined)
    with django_assert_num_queries(7):
        first = client.get(url, {"page_size": 100})
    fill(50)
    with django_assert_num_queries(7):
        second = client.get(url, {"page_size": 100})

    assert (len(first.json()["results"]), len(second.json()["results"])) == (5, 50)


def test_csv_errors_are_still_problem_json(world, outsider):
    url = f"/api/v1/feedback-rounds/{world.open.pk}/results.csv"
    assert_problem(client_for(None).get(url, HTTP_ACCEPT="text/csv"), 401)
    assert_problem(client_for(outsider).get(url, HTTP_ACCEPT="text/csv"), 404)
    assert_problem(client_for(world.manager).get("/api/v1/feedback-rounds/x/results.csv"), 404)
