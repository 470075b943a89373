"""Read queries of stakeholders, workshops and feedback, scoped by the permission policy."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Perm, can, visible
from accounts.selectors import visible_object_get
from core.csvfiles import csv_text
from projects.models import Project
from stakeholders.models import (
    Answer,
    FeedbackInvite,
    FeedbackRound,
    IntakeKey,
    ProductFeedback,
    ProjectStakeholder,
    Question,
    Stakeholder,
    Workshop,
    WorkshopInvitation,
)

QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")


def stakeholder_list(
    *, user: User, organization: Organization, project: Project | None = None, q: str = ""
) -> QuerySet[Stakeholder]:
    """The organisation's registry, or one project's stakeholders; searchable."""
    people = visible(user, Stakeholder).filter(organization=organization)
    if project is not None:
        if not can(user, Perm.PROJECT_VIEW, project):
            return Stakeholder.objects.none()
        people = people.filter(project_links__project=project)
    if q:
        people = people.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(unit__icontains=q))
    return people.order_by("name")


def stakeholder_get_for_user(*, user: User, id: Any) -> Stakeholder:
    return visible_object_get(user=user, model=Stakeholder, id=id)


def influence_interest_grid(people: list[Stakeholder]) -> dict[str, list[Stakeholder]]:
    """The 2×2 grid: manage closely, keep satisfied, keep informed, monitor."""
    grid: dict[str, list[Stakeholder]] = {name: [] for name in QUADRANTS}
    for person in people:
        grid[person.quadrant].append(person)
    return grid


def workshop_list(*, user: User, project: Project) -> QuerySet[Workshop]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return Workshop.objects.none()
    return (
        Workshop.objects.filter(project=project)
        .select_related("facilitator")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            attended_count=Count(
                "invitations", filter=Q(invitations__attended=True), distinct=True
            ),
        )
        .order_by("-starts_at")
    )


def workshop_get_for_user(*, user: User, id: Any) -> Workshop:
    return visible_object_get(
        user=user,
        model=Workshop,
        id=id,
        queryset=visible(user, Workshop)
        .select_related("project__organization", "facilitator")
        .prefetch_related(
            Prefetch(
                "invitations", queryset=WorkshopInvitation.objects.select_related("stakeholder")
            ),
            "decisions",
        ),
    )


def feedback_round_list(*, user: User, project: Project) -> QuerySet[FeedbackRound]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return FeedbackRound.objects.none()
    return (
        FeedbackRound.objects.filter(project=project)
        .annotate(
            # A link withdrawn after its answer still counts: the answer is in the results.
            invited=Count(
                "invites",
                filter=Q(invites__revoked_at__isnull=True) | Q(invites__responded_at__isnull=False),
                distinct=True,
            ),
            responded=Count(
                "invites", filter=Q(invites__responded_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def feedback_round_get_for_user(*, user: User, id: Any) -> FeedbackRound:
    return visible_object_get(
        user=user,
        model=FeedbackRound,
        id=id,
        queryset=visible(user, FeedbackRound)
        .select_related("project__organization", "outcome_scope_version")
        .prefetch_related("questions"),
    )


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    distribution: list[tuple[str, int]] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class RoundResults:
    feedback_round: FeedbackRound
    invited: int
    responded: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float:
        return round(100 * self.responded / self.invited, 1) if self.invited else 0.0


def feedback_results(*, user: User, feedback_round: FeedbackRound) -> RoundResults:
    """Response rate and, per question, the distribution, average and free-text answers.

    Three queries whatever the number of responses.
    """
    if not can(user, Perm.PROJECT_VIEW, feedback_round.project):
        raise Http404
    counts = FeedbackInvite.objects.filter(round=feedback_round).aggregate(
        invited=Count("id", filter=Q(revoked_at__isnull=True) | Q(responded_at__isnull=False)),
        responded=Count("id", filter=Q(responded_at__isnull=False)),
    )
    questions = list(feedback_round.questions.all())
    answers: dict[UUID, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(response__invite__round=feedback_round).order_by(
        "created_at"
    ):
        answers[answer.question_id].append(answer)
    results = []
    for question in questions:
        given = answers.get(question.pk, [])
        result = QuestionResult(question, answered=len(given))
        if question.kind == Question.Kind.RATING:
            tally = Counter(a.rating for a in given if a.rating)
            result.distribution = [(str(n), tally.get(n, 0)) for n in range(1, 6)]
            ratings = [a.rating for a in given if a.rating]
            result.average = round(sum(ratings) / len(ratings), 2) if ratings else None
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            tally = Counter(choice for a in given for choice in a.choices)
            result.distribution = [(choice, tally.get(choice, 0)) for choice in question.choices]
        else:
            result.texts = [a.text for a in given if a.text]
        results.append(result)
    return RoundResults(feedback_round, counts["invited"], counts["responded"], results)


def question_trend(*, user: User, project: Project, key: str) -> list[dict[str, Any]]:
    """The same rating question across the project's rounds: the iterative loop."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []
    rows = (
        Answer.objects.filter(
            question__round__project=project, question__key=key, rating__isnull=False
        )
        .values("question__round__id", "question__round__title", "question__round__created_at")
        .annotate(average=Avg("rating"), answers=Count("id"))
        .order_by("question__round__created_at")
    )
    return [
        {
            "round_id": row["question__round__id"],
            "round": row["question__round__title"],
            "average": round(float(row["average"]), 2),
            "answers": row["answers"],
        }
        for row in rows
    ]


def feedback_results_csv(*, user: User, feedback_round: FeedbackRound) -> str:
    """One row per response: respondent, submission time, then one column per question."""
    if not can(user, Perm.PROJECT_VIEW, feedback_round.project):
        raise Http404
    questions = list(feedback_round.questions.all())
    invites = (
        FeedbackInvite.objects.filter(round=feedback_round, responded_at__isnull=False)
        .select_related("stakeholder", "response")
        .prefetch_related("response__answers")
        .order_by("stakeholder__name")
    )

    def rows() -> Iterator[list[Any]]:
        yield ["stakeholder", "submitted_at", *(q.prompt for q in questions)]
        for invite in invites:
            by_question = {a.question_id: a for a in invite.response.answers.all()}
            cells: list[Any] = []
            for question in questions:
                answer = by_question.get(question.pk)
                if answer is None:
                    cells.append("")
                elif question.kind == Question.Kind.RATING:
                    cells.append(answer.rating)
                elif question.kind == Question.Kind.TEXT:
                    cells.append(answer.text)
                else:
                    cells.append("; ".join(answer.choices))
            yield [invite.stakeholder.name, invite.response.submitted_at.isoformat(), *cells]

    return csv_text(rows())


def outstanding_feedback(*, user: User, project: Project) -> QuerySet[FeedbackInvite]:
    """Who still owes an answer in the project's open rounds (for reminders)."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return FeedbackInvite.objects.none()
    return (
        FeedbackInvite.objects.filter(
            round__project=project,
            round__status=FeedbackRound.Status.OPEN,
            round__closes_at__gt=timezone.now(),
            responded_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("stakeholder", "round")
        .order_by("round__closes_at", "stakeholder__name")
    )


def product_feedback_list(*, user: User, project: Project) -> QuerySet[ProductFeedback]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return ProductFeedback.objects.none()
    return ProductFeedback.objects.filter(project=project).select_related("key")


def product_feedback_summary(*, user: User, project: Project) -> dict[str, Any]:
    rows = product_feedback_list(user=user, project=project)
    summary = rows.aggregate(count=Count("id"), average=Avg("rating"))
    tally = dict(rows.values_list("rating").annotate(n=Count("id")).order_by())
    summary["distribution"] = [(str(n), tally.get(n, 0)) for n in range(1, 6)]
    return summary


# --- read helpers of the REST API ---------------------------------------------------------------


def project_stakeholder_list(*, user: User, project: Project) -> QuerySet[ProjectStakeholder]:
    """The project's stakeholder links with their stakeholder, by name."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ProjectStakeholder.objects.none()
    return (
        ProjectStakeholder.objects.filter(project=project)
        .select_related("stakeholder")
        .order_by("stakeholder__name", "pk")
    )


def project_stakeholder_get_for_user(*, user: User, id: Any) -> ProjectStakeholder:
    """One link between a stakeholder and a project; 404 if the project is not visible."""
    return visible_object_get(
        user=user,
        model=ProjectStakeholder,
        id=id,
        queryset=visible(user, ProjectStakeholder).select_related(
            "project__organization", "stakeholder"
        ),
    )


def feedback_invite_get_for_user(*, user: User, id: Any) -> FeedbackInvite:
    """One stakeholder's invite to a round; 404 if the round's project is not visible."""
    return visible_object_get(
        user=user,
        model=FeedbackInvite,
        id=id,
        queryset=visible(user, FeedbackInvite).select_related(
            "round__project__organization", "stakeholder"
        ),
    )


def intake_key_list(*, user: User, project: Project) -> QuerySet[IntakeKey]:
    """The project's intake keys, newest first (managers: keys are credentials)."""
    if not can(user, Perm.PROJECT_MANAGE, project):
        return IntakeKey.objects.none()
    return IntakeKey.objects.filter(project=project).select_related("created_by")


def intake_key_get_for_user(*, user: User, id: Any) -> IntakeKey:
    """One intake key; 404 if its project is not visible."""
    return visible_object_get(
        user=user,
        model=IntakeKey,
        id=id,
        queryset=visible(user, IntakeKey).select_related("project__organization", "created_by"),
    )


# --- read helpers of the HTML pages -------------------------------------------------------------


def feedback_answers_for_invite(*, invite: FeedbackInvite) -> QuerySet[Answer]:
    """The answers already given through one personal link (to prefill the public form).

    The caller proved it holds the invite's signed link; no user is involved.
    """
    return Answer.objects.filter(response__invite=invite).order_by("question__position")


# What the portfolio dashboard lists (stakeholders/panels.py).
DASHBOARD_WORKSHOP_DAYS = 30
DASHBOARD_ROWS = 8


def dashboard_upcoming_workshops(*, user: User, organization: Organization) -> list[Workshop]:
    """The next scheduled workshops of the visible projects (one query, a bounded list)."""
    now = timezone.now()
    return list(
        visible(user, Workshop)
        .filter(
            project__organization=organization,
            status=Workshop.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=DASHBOARD_WORKSHOP_DAYS),
        )
        .select_related("project")
        .order_by("starts_at")[:DASHBOARD_ROWS]
    )


def dashboard_open_feedback_rounds(
    *, user: User, organization: Organization
) -> list[FeedbackRound]:
    """The open feedback rounds of the visible projects, soonest to close first (one query)."""
    return list(
        visible(user, FeedbackRound)
        .filter(project__organization=organization, status=FeedbackRound.Status.OPEN)
        .select_related("project")
        .order_by("closes_at")[:DASHBOARD_ROWS]
    )
