"""Helpers of the stakeholders API tests: clients, problem assertions, audit checks, and a
project populated through the services."""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from projects.models import Project
from stakeholders import links, services
from stakeholders.models import FeedbackRound, IntakeKey, Stakeholder, Workshop
from tests.stakeholders.conftest import QUESTIONS

PROBLEM = "application/problem+json"


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["instance"]) == (status, response.wsgi_request.path)
    return body


def event_count() -> int:
    return AuditEvent.objects.count()


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("occurred_at", "sequence")[since:])


def assert_no_personal_data_in_trail(*secrets: str) -> None:
    """No audit event carries any of these strings (emails, names, answers) in its data."""
    for event in AuditEvent.objects.all():
        payload = json.dumps(event.data, default=str).lower()
        for secret in secrets:
            assert secret.lower() not in payload, (event.action, secret)


def submit(feedback_round: FeedbackRound, invite: Any, **by_position: Any) -> None:
    """Answer as the invited stakeholder would, through their personal link."""
    questions = {q.position: str(q.pk) for q in feedback_round.questions.all()}
    services.feedback_submit(
        token=links.make_token(invite),
        answers={questions[int(k[1:])]: v for k, v in by_position.items()},
    )


@dataclass
class World:
    """A project with stakeholders, workshops, rounds in each state and an intake key."""

    project: Project
    manager: User
    dana: Stakeholder  # linked to the project
    lee: Stakeholder  # linked to the project
    sam: Stakeholder  # in the registry, not on the project
    upcoming: Workshop  # scheduled, in three days, Dana invited
    past: Workshop  # scheduled two hours ago, Dana and Lee invited
    draft: FeedbackRound
    open: FeedbackRound  # Dana and Lee invited
    closed: FeedbackRound
    key: IntakeKey
    plain_key: str


def _person(manager: User, project: Project, name: str, *, link: bool = True) -> Stakeholder:
    person = services.stakeholder_create(
        actor=manager,
        organization=project.organization,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.com",
    )
    if link:
        services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    return person


def _round(manager: User, project: Project, title: str) -> FeedbackRound:
    return services.feedback_round_create(
        actor=manager,
        project=project,
        title=title,
        closes_at=timezone.now() + timedelta(days=7),
        questions=QUESTIONS,
    )


def build_world(project: Project) -> World:
    manager = project.owner
    dana, lee = _person(manager, project, "Dana Claims"), _person(manager, project, "Lee Legal")
    sam = _person(manager, project, "Sam Sales", link=False)
    upcoming = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk],
        title="Expectations workshop",
        starts_at=timezone.now() + timedelta(days=3),
        time_zone="Europe/Paris",
    )
    past = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk, lee.pk],
        title="Kick-off",
        starts_at=timezone.now() - timedelta(hours=2),
    )
    draft = _round(manager, project, "Draft round")
    opened = _round(manager, project, "Open round")
    services.feedback_round_open(
        actor=manager, feedback_round=opened, stakeholders=[dana.pk, lee.pk]
    )
    closed = _round(manager, project, "Closed round")
    services.feedback_round_open(actor=manager, feedback_round=closed, stakeholders=[dana.pk])
    services.feedback_round_close(actor=manager, feedback_round=closed)
    key, plain = services.intake_key_create(actor=manager, project=project, name="Production")
    return World(
        project, manager, dana, lee, sam, upcoming, past, draft, opened, closed, key, plain
    )
