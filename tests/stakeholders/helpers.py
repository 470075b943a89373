"""Helpers of the stakeholders tests: the questions of a round, answers by question position,
a trail free of personal data, and a project populated through the services."""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from projects.models import Project
from stakeholders import links, services
from stakeholders.models import FeedbackRound, IntakeKey, Stakeholder, Workshop

QUESTIONS: list[dict[str, Any]] = [
    {"kind": "rating", "prompt": "How useful would the assistant be?", "key": "usefulness"},
    {"kind": "single", "prompt": "Main concern?", "choices": ["Accuracy", "Privacy", "Jobs"]},
    {
        "kind": "multiple",
        "prompt": "Which tasks?",
        "choices": ["Triage", "Drafting"],
        "required": False,
    },
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


def assert_no_personal_data_in_trail(*secrets: str) -> None:
    """No audit event carries any of these strings (emails, names, answers) in its data."""
    for event in AuditEvent.objects.all():
        payload = json.dumps(event.data, default=str).lower()
        for secret in secrets:
            assert secret.lower() not in payload, (event.action, secret)


def question_ids(feedback_round: FeedbackRound) -> dict[int, str]:
    """The round's question ids by position (1, 2, …)."""
    return {q.position: str(q.pk) for q in feedback_round.questions.all()}


def answers_by_position(feedback_round: FeedbackRound, **by_position: Any) -> dict[str, Any]:
    """Answers keyed by question id, from q1=…, q2=… keyed by position."""
    ids = question_ids(feedback_round)
    return {ids[int(k[1:])]: v for k, v in by_position.items()}


def submit(feedback_round: FeedbackRound, invite: Any, **by_position: Any) -> None:
    """Answer as the invited stakeholder would, through their personal link."""
    services.feedback_submit(
        token=links.make_token(invite), answers=answers_by_position(feedback_round, **by_position)
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


def person_add(
    manager: User, project: Project, name: str, *, link: bool = True, **fields: Any
) -> Stakeholder:
    """A stakeholder of the project's organisation (email from the name), linked to the project
    unless `link` is false."""
    person = services.stakeholder_create(
        actor=manager,
        organization=project.organization,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.com",
        **fields,
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
    dana, lee = (
        person_add(manager, project, "Dana Claims"),
        person_add(manager, project, "Lee Legal"),
    )
    sam = person_add(manager, project, "Sam Sales", link=False)
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
