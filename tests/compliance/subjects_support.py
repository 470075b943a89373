"""A stakeholder and a member whose personal data sits in every app: a project link with a
role, a workshop invitation (and its outbox email), a feedback response with free-text
answers, a notification and an outbox email addressed to the member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import Organization, User
from notifications import kinds
from notifications.services import notify
from outbox.services import outbox_enqueue
from stakeholders import links
from stakeholders import services as stakeholder_services
from stakeholders.models import FeedbackInvite, Stakeholder

NAME = "Zebulon Quarterfield"
EMAIL = "zebulon.quarterfield@subject.test"
NOTES = "Prefers calls after 4pm; Zebulon's assistant is Ottoline"
ANSWER = "Zebulon thinks the claims bot misreads handwritten forms"
MEMBER_NAME = "Wilhelmina Oddbody"
MEMBER_EMAIL = "wilhelmina.oddbody@subject.test"

QUESTIONS: list[dict[str, Any]] = [
    {"kind": "rating", "prompt": "How useful?", "key": "usefulness"},
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


@dataclass
class Subject:
    stakeholder: Stakeholder
    invite: FeedbackInvite


def stakeholder_everywhere(*, manager: User, project: Any) -> Subject:
    """A stakeholder on the project, invited to a coming workshop and to a feedback round
    that they answered in their own words."""
    person = stakeholder_services.stakeholder_create(
        actor=manager, organization=project.organization, name=NAME, email=EMAIL, notes=NOTES
    )
    stakeholder_services.stakeholder_link(
        actor=manager, project=project, stakeholder=person, role="claims lead"
    )
    stakeholder_services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[person.pk],
        title="Claims workshop",
        starts_at=timezone.now() + timedelta(days=3),
        time_zone="Europe/Paris",
    )
    feedback_round = stakeholder_services.feedback_round_create(
        actor=manager,
        project=project,
        title="First impressions",
        closes_at=timezone.now() + timedelta(days=7),
        questions=QUESTIONS,
    )
    stakeholder_services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[person.pk]
    )
    invite = FeedbackInvite.objects.get(round=feedback_round, stakeholder=person)
    questions = {q.kind: q for q in feedback_round.questions.all()}
    stakeholder_services.feedback_submit(
        token=links.make_token(invite),
        answers={str(questions["rating"].pk): 4, str(questions["text"].pk): ANSWER},
    )
    return Subject(stakeholder=person, invite=invite)


def member_everywhere(*, organization: Organization, member: User) -> User:
    """A member with a notification and an email addressed to them, and a use case they
    proposed through the intake."""
    from projects import services as project_services

    project_services.proposal_submit(
        actor=member,
        organization=organization,
        title="Summaries of claim files",
        problem="Handlers read long files.",
        intended_users="Claims handlers",
        data_involved="Claim files",
        expected_benefit="Faster decisions",
    )
    notify(
        kind=kinds.REMINDER_DUE,
        recipients=[member],
        organization=organization,
        title=f"Reminder for {MEMBER_NAME}",
        link="/projects/",
        key_parts=["subject-test"],
    )
    outbox_enqueue(
        kind="accounts.password_reset",
        key=f"subject-test:{member.pk}",
        payload={"user_id": str(member.pk)},
        organization_id=None,
        recipient=member.email,
    )
    return member


def admin_history_of(stakeholder: Stakeholder, *, by: User) -> None:
    """An entry of the admin's history about the stakeholder (it keeps `str()`: the name)."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user=by,
        content_type=ContentType.objects.get_for_model(Stakeholder),
        object_id=str(stakeholder.pk),
        object_repr=str(stakeholder),
        action_flag=CHANGE,
        change_message="[]",
    )


def sign_in_logged(member: User) -> None:
    """The sign-in guard's log of the member signing in (it keeps the address typed)."""
    from axes.models import AccessLog

    AccessLog.objects.create(
        username=member.email, user_agent="Firefox", http_accept="*/*", path_info="/"
    )


def text_columns() -> list[tuple[str, str, str]]:
    """(table, column, data type) of every text, varchar and jsonb column of the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'jsonb', 'json') ORDER BY table_name, column_name"
        )
        return list(cursor.fetchall())


def where_found(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every column of every table holding one of `needles`
    (case-insensitive): the whole database searched, the audit tables included."""
    found = []
    with connection.cursor() as cursor:
        for table, column, data_type in text_columns():
            expression = f'"{column}"::text' if data_type in ("jsonb", "json") else f'"{column}"'
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE {expression} ILIKE %s LIMIT 1',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.append((table, column, needle))
    return found
