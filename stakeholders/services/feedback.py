"""Feedback rounds: build the form, send personal links, take answers, close, close the loop."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.permissions import SYSTEM, Actor, Perm, Rule, require
from audit.writer import audit_record
from core.errors import ConflictError
from projects.models import Project, ScopeVersion
from stakeholders import links
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.models import (
    Answer,
    FeedbackInvite,
    FeedbackResponse,
    FeedbackRound,
    Question,
    Stakeholder,
)
from stakeholders.outbox import feedback_links_enqueue, feedback_summary_enqueue
from stakeholders.services.consent import consent_error, consent_needed, consent_record_give

RStatus = FeedbackRound.Status
MAX_QUESTIONS = 40
MAX_CHOICES = 20
NOT_DRAFT = "The round is {status}: its form can no longer change."
LINK_UNUSABLE = "This link is not valid: it may have expired, been replaced or been withdrawn."
ROUND_CLOSED = "This feedback round is closed."


# --- building and opening a round -----------------------------------------------------------


def _questions(raw: list[dict[str, Any]]) -> list[Question]:
    if not raw:
        raise ValidationError({"questions": "Add at least one question."})
    if len(raw) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"At most {MAX_QUESTIONS} questions."})
    questions, errors = [], []
    for position, item in enumerate(raw, start=1):
        kind = item.get("kind")
        choices = [str(c).strip() for c in item.get("choices") or [] if str(c).strip()]
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if len(choices) < 2 or len(choices) > MAX_CHOICES or len(set(choices)) != len(choices):
                errors.append(f"Question {position}: give 2 to {MAX_CHOICES} distinct choices.")
                continue
        else:
            choices = []
        prompt = str(item.get("prompt", "")).strip()
        question = Question(
            position=position,
            kind=kind or "",
            prompt=prompt,
            help_text=str(item.get("help_text", "")).strip(),
            choices=choices,
            required=bool(item.get("required", True)),
            key=slugify(item.get("key") or prompt)[:80],
        )
        try:
            question.clean_fields(exclude=["round"])
        except ValidationError as error:
            errors.extend(f"Question {position}: {m}" for m in error.messages)
            continue
        questions.append(question)
    if errors:
        raise ValidationError({"questions": errors})
    return questions


@transaction.atomic
def feedback_round_create(
    *,
    actor: User,
    project: Project,
    title: str,
    closes_at: datetime,
    questions: list[dict[str, Any]],
    shared_context: str = "",
) -> FeedbackRound:
    """Draft a feedback round with its form."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    feedback_round = FeedbackRound(
        project=project,
        title=title.strip(),
        closes_at=closes_at,
        shared_context=shared_context.strip(),
        created_by=actor,
    )
    feedback_round.full_clean()
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The end date must be in the future."})
    rows = _questions(questions)
    feedback_round.save()
    for row in rows:
        row.round = feedback_round
    Question.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=StakeholdersAction.FEEDBACK_ROUND_CREATED,
        target=feedback_round,
        project=project,
        data={"title": feedback_round.title, "questions": len(rows), "closes_at": closes_at},
    )
    return feedback_round


@transaction.atomic
def feedback_round_open(
    *, actor: User, feedback_round: FeedbackRound, stakeholders: list[Any]
) -> FeedbackRound:
    """Open the round and send each chosen stakeholder of the project a personal link."""
    require(actor, Perm.PROJECT_CONTRIBUTE, feedback_round.project)
    locked = FeedbackRound.objects.select_for_update().get(pk=feedback_round.pk)
    if locked.status != RStatus.DRAFT:
        raise ConflictError(NOT_DRAFT.format(status=locked.status), code="round_not_draft")
    if locked.closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The end date has passed: change it first."})
    chosen = list(
        Stakeholder.objects.filter(
            pk__in=stakeholders, project_links__project=locked.project
        ).distinct()
    )
    if not chosen or len(chosen) != len(set(map(str, stakeholders))):
        raise ValidationError({"stakeholders": "Choose stakeholders of this project."})
    FeedbackInvite.objects.bulk_create(
        FeedbackInvite(round=locked, stakeholder=s, link_nonce=links.new_nonce()) for s in chosen
    )
    locked.status, locked.opened_at = RStatus.OPEN, timezone.now()
    locked.save(update_fields=["status", "opened_at", "updated_at"])
    audit_record(
        actor=actor,
        action=StakeholdersAction.FEEDBACK_ROUND_OPENED,
        target=locked,
        project=locked.project,
        data={"stakeholder_ids": sorted(str(s.pk) for s in chosen)},
    )
    feedback_links_enqueue(locked)
    return locked


@transaction.atomic
def feedback_invite_revoke(*, actor: User, invite: FeedbackInvite) -> FeedbackInvite:
    """Withdraw a stakeholder's link at once (a new nonce makes the old link invalid)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, invite.round.project)
    locked = FeedbackInvite.objects.select_for_update().get(pk=invite.pk)
    if locked.revoked_at is not None:
        return locked  # already withdrawn: nothing changes, nothing to record
    locked.revoked_at, locked.link_nonce = timezone.now(), links.new_nonce()
    locked.save(update_fields=["revoked_at", "link_nonce", "updated_at"])
    audit_record(
        actor=actor,
        action=StakeholdersAction.FEEDBACK_INVITE_REVOKED,
        target=locked,
        project=invite.round.project,
        data={"stakeholder_id": str(locked.stakeholder_id)},
    )
    return locked


# --- answering -----------------------------------------------------------------------------


def invite_for_token(token: str) -> FeedbackInvite | None:
    """The live invite behind a link, or None (tampered, expired, rotated or revoked)."""
    claim = links.read_token(token)
    if claim is None:
        return None
    try:
        invite = (
            FeedbackInvite.objects.select_related("round__project__organization", "stakeholder")
            .filter(pk=claim.invite_id, link_nonce=claim.nonce, revoked_at__isnull=True)
            .first()
        )
    except (ValueError, ValidationError):
        return None
    return invite


def _clean_answers(
    questions: list[Question], raw: dict[str, Any]
) -> tuple[list[Answer], dict[str, str]]:
    """The answers worth storing, and a message per question id for the ones refused."""
    answers: list[Answer] = []
    errors: dict[str, str] = {}
    for question in questions:
        value = raw.get(str(question.pk))
        answer = Answer(question=question)
        if question.kind == Question.Kind.RATING:
            try:
                answer.rating = int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                errors[str(question.pk)] = "Choose a rating from 1 to 5."
                continue
            if answer.rating is not None and not 1 <= answer.rating <= 5:
                errors[str(question.pk)] = "Choose a rating from 1 to 5."
                continue
            empty = answer.rating is None
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            picked = value if isinstance(value, list) else ([value] if value else [])
            picked = [str(p) for p in picked]
            if any(p not in question.choices for p in picked) or (
                question.kind == Question.Kind.SINGLE and len(picked) > 1
            ):
                errors[str(question.pk)] = "Choose among the options given."
                continue
            answer.choices, empty = picked, not picked
        else:
            answer.text = str(value or "").strip()
            if len(answer.text) > 4000:
                errors[str(question.pk)] = "At most 4,000 characters."
                continue
            empty = not answer.text
        if empty and question.required:
            errors[str(question.pk)] = "This question needs an answer."
            continue
        if not empty:
            answers.append(answer)
    return answers, errors


@transaction.atomic
def feedback_submit(
    *,
    token: str,
    answers: dict[str, Any],
    consent: bool = False,
    consent_version: int | None = None,
) -> FeedbackResponse:
    """Store a stakeholder's answers (one response per stakeholder per round; a second
    submission edits it while the round is open). The audit event records that and when,
    never the answers.

    When the organisation's current terms require consent and this invite holds none,
    `consent` must be given to `consent_version`, the version the form showed: the consent
    record is then stored with the answers; without it nothing is (an error on `consent`)."""
    found = invite_for_token(token)
    if found is None:
        raise PermissionDenied(LINK_UNUSABLE)
    invite = FeedbackInvite.objects.select_for_update().get(pk=found.pk)
    feedback_round = found.round
    if not feedback_round.is_accepting:
        raise ConflictError(ROUND_CLOSED, code="round_closed")
    questions = list(feedback_round.questions.all())
    rows, errors = _clean_answers(questions, answers)
    policy = consent_needed(invite=found)
    refused = consent_error(policy=policy, given=consent, version=consent_version)
    if refused:
        errors["consent"] = refused
    if errors:
        raise ValidationError(errors)
    response, created = FeedbackResponse.objects.get_or_create(invite=invite)
    if not created:
        response.answers.all().delete()
        response.edit_count += 1
        response.submitted_at = timezone.now()
        response.save(update_fields=["edit_count", "submitted_at", "updated_at"])
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    invite.responded_at = timezone.now()
    invite.save(update_fields=["responded_at", "updated_at"])
    if policy is not None:
        consent_record_give(invite=found, policy=policy)
    audit_record(
        actor=AnonymousUser(),  # the stakeholder, through their personal link
        action=(
            StakeholdersAction.FEEDBACK_RESPONSE_SUBMITTED
            if created
            else StakeholdersAction.FEEDBACK_RESPONSE_EDITED
        ),
        target=response,
        project=feedback_round.project,
        data={"round_id": str(feedback_round.pk), "stakeholder_id": str(invite.stakeholder_id)},
    )
    return response


# --- closing and closing the loop ------------------------------------------------------------


@transaction.atomic
def feedback_round_close(*, actor: Actor, feedback_round: FeedbackRound) -> FeedbackRound:
    """Close a round: its links stop taking answers. The end-date job closes as `SYSTEM`."""
    require(actor, Rule.FEEDBACK_ROUND_CLOSE, feedback_round)
    locked = FeedbackRound.objects.select_for_update().get(pk=feedback_round.pk)
    if locked.status == RStatus.CLOSED:
        return locked
    locked.status, locked.closed_at = RStatus.CLOSED, timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=StakeholdersAction.FEEDBACK_ROUND_CLOSED,
        target=locked,
        project=locked.project,
    )
    return locked


def feedback_rounds_close_due() -> int:
    """Close every open round past its end date (beat)."""
    due = FeedbackRound.objects.filter(status=RStatus.OPEN, closes_at__lte=timezone.now())
    count = 0
    for feedback_round in due:
        feedback_round_close(actor=SYSTEM, feedback_round=feedback_round)
        count += 1
    return count


@transaction.atomic
def feedback_round_publish_summary(
    *,
    actor: User,
    feedback_round: FeedbackRound,
    you_said_we_did: str,
    outcome_scope_version: ScopeVersion | None = None,
    outcome_note: str = "",
) -> FeedbackRound:
    """Write the "you said, we did" summary of a closed round and send it to respondents."""
    require(actor, Perm.PROJECT_CONTRIBUTE, feedback_round.project)
    locked = FeedbackRound.objects.select_for_update().get(pk=feedback_round.pk)
    if locked.status != RStatus.CLOSED:
        raise ConflictError("Close the round before publishing its summary.", code="round_open")
    if not you_said_we_did.strip():
        raise ValidationError({"you_said_we_did": "Write what you heard and what you did."})
    if (
        outcome_scope_version is not None
        and outcome_scope_version.document.project_id != locked.project_id
    ):
        raise ValidationError({"outcome_scope_version": "Pick a version of this project's scope."})
    locked.you_said_we_did = you_said_we_did.strip()
    locked.outcome_scope_version = outcome_scope_version
    locked.outcome_note = outcome_note.strip()
    locked.full_clean()
    locked.save(
        update_fields=["you_said_we_did", "outcome_scope_version", "outcome_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=StakeholdersAction.FEEDBACK_ROUND_SUMMARY_PUBLISHED,
        target=locked,
        project=locked.project,
        data={
            "outcome_scope_version_id": str(outcome_scope_version.pk)
            if outcome_scope_version
            else None,
        },
    )
    feedback_summary_enqueue(locked)
    return locked
