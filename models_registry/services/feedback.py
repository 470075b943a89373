"""Human feedback on the model and user-testing sessions: what people said about a version,
triaged and linked to the version that addressed it, and what a test with users found."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import HumanFeedback, ModelVersion, UserTestSession
from models_registry.services.records import check_in_project
from projects.models import Project

Status = HumanFeedback.Status
TRIAGE = (Status.ACCEPTED, Status.NEEDS_CHANGE, Status.REJECTED)
# A low rating is worth triaging even without a word; a comment always is.
LOW_RATING = 2
USER_TEST_FIELDS = (
    "model_version",
    "prompt_version",
    "held_on",
    "participants",
    "tasks",
    "attempts",
    "successes",
    "satisfaction",
    "findings",
)
NOT_A_TRIAGE = "Triage it as accepted, needs a change, or rejected."
EXPLAIN_REJECTION = "Say why the feedback is rejected."
NOT_ADDRESSABLE = "Only accepted feedback, or feedback that needs a change, is addressed."
EARLIER_VERSION = "The version that addresses it must come after the one the feedback is about."
MORE_SUCCESSES = "More successes than attempts."
TASKS_LIST = "Tasks are a list of short statements."


@transaction.atomic
def feedback_record(
    *, actor: User, project: Project, text: str, model_version: ModelVersion | None = None
) -> HumanFeedback:
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    check_in_project(model_version, project.pk, "model_version")
    item = HumanFeedback(project=project, text=text, model_version=model_version, created_by=actor)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=Action.FEEDBACK_RECORDED,
        target=item,
        project=project,
        data={
            "source": item.source,
            "model_version": None if model_version is None else str(model_version.pk),
        },
    )
    return item


def feedback_from_product(
    *, project: Project, feedback_id: UUID, rating: int, comment: str, model_ref: str
) -> HumanFeedback | None:
    """Turn an end user's product feedback into an item to triage, when it says something
    (a comment) or rates the output poorly. Runs inside the intake's transaction, whose audit
    event (product_feedback.received) covers it, as project_create's covers its defaults."""
    if not comment.strip() and rating > LOW_RATING:
        return None
    version = (
        ModelVersion.objects.filter(project=project, name=model_ref).first() if model_ref else None
    )
    return HumanFeedback.objects.create(
        project=project,
        source=HumanFeedback.Source.PRODUCT,
        source_id=feedback_id,
        text=comment.strip() or f"Rated {rating}/5 without a comment.",
        rating=rating,
        model_version=version,
    )


@transaction.atomic
def feedback_triage(
    *, actor: User, item: HumanFeedback, status: str, note: str = ""
) -> HumanFeedback:
    require(actor, Perm.PROJECT_CONTRIBUTE, item)
    if status not in TRIAGE:
        raise ValidationError({"status": NOT_A_TRIAGE})
    if status == Status.REJECTED and not note.strip():
        raise ValidationError({"note": EXPLAIN_REJECTION})
    locked = HumanFeedback.objects.select_for_update().get(pk=item.pk)
    before = locked.status
    locked.status, locked.triage_note = status, note
    locked.triaged_by, locked.triaged_at = actor, timezone.now()
    locked.addressed_in = None
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.FEEDBACK_TRIAGED,
        target=locked,
        project=locked.project,
        data={"status": {"old": before, "new": status}},
    )
    return locked


@transaction.atomic
def feedback_addressed(
    *, actor: User, item: HumanFeedback, version: ModelVersion, note: str = ""
) -> HumanFeedback:
    """Say which version addressed the feedback (it must come after the one it was about)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, item)
    locked = (
        HumanFeedback.objects.select_for_update(of=("self",))
        .select_related("model_version")
        .get(pk=item.pk)
    )
    check_in_project(version, locked.project_id, "version")
    if locked.status not in (Status.ACCEPTED, Status.NEEDS_CHANGE):
        raise ValidationError({"status": NOT_ADDRESSABLE})
    if locked.model_version is not None and version.number <= locked.model_version.number:
        raise ValidationError({"version": EARLIER_VERSION})
    locked.status, locked.addressed_in = Status.ADDRESSED, version
    if note:
        locked.triage_note = note
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.FEEDBACK_ADDRESSED,
        target=locked,
        project=locked.project,
        data={"addressed_in": str(version.pk)},
    )
    return locked


@transaction.atomic
def user_test_record(*, actor: User, project: Project, **fields: Any) -> UserTestSession:
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, USER_TEST_FIELDS)
    check_in_project(fields.get("model_version"), project.pk, "model_version")
    check_in_project(fields.get("prompt_version"), project.pk, "prompt_version")
    tasks = fields.get("tasks", [])
    if not isinstance(tasks, list) or not all(isinstance(t, str) and t.strip() for t in tasks):
        raise ValidationError({"tasks": TASKS_LIST})
    session = UserTestSession(project=project, created_by=actor, **fields)
    counted = session.successes is not None and session.attempts is not None
    if counted and session.successes > session.attempts:
        raise ValidationError({"successes": MORE_SUCCESSES})
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action=Action.USER_TEST_RECORDED,
        target=session,
        project=project,
        data=snapshot(
            session,
            ("model_version", "held_on", "participants", "attempts", "successes", "satisfaction"),
        ),
    )
    return session
