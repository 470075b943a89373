"""Feedback from the deployed product: per-project API keys and the intake of ratings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts import tokens
from accounts.models import User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from projects.models import Project
from projects.signals import product_feedback_received
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.models import IntakeKey, ProductFeedback

INTAKE_PREFIX = "chi"


@transaction.atomic
def intake_key_create(*, actor: User, project: Project, name: str) -> tuple[IntakeKey, str]:
    """A key for one deployed application to post feedback to this project; shown once."""
    require(actor, Perm.PROJECT_MANAGE, project)
    prefix, plain = tokens.new_api_token(marker=INTAKE_PREFIX)
    key = IntakeKey(
        project=project,
        name=name.strip(),
        prefix=prefix,
        key_hash=tokens.sha256_hex(plain),
        created_by=actor,
    )
    key.full_clean()
    key.save()
    audit_record(
        actor=actor,
        action=StakeholdersAction.INTAKE_KEY_CREATED,
        target=key,
        project=project,
        data={"name": key.name, "prefix": prefix},
    )
    return key, plain


@transaction.atomic
def intake_key_revoke(*, actor: User, key: IntakeKey) -> IntakeKey:
    require(actor, Perm.PROJECT_MANAGE, key.project)
    locked = IntakeKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action=StakeholdersAction.INTAKE_KEY_REVOKED,
            target=locked,
            project=locked.project,
            data={"prefix": locked.prefix},
        )
    return locked


def intake_key_for(plain: str) -> IntakeKey | None:
    """The active key behind a presented secret, else None."""
    prefix = tokens.split_api_token(plain, marker=INTAKE_PREFIX)
    if prefix is None:
        return None
    key = IntakeKey.objects.select_related("project").filter(prefix=prefix).first()
    if key is None or not key.is_active:
        return None
    if not constant_time_compare(key.key_hash, tokens.sha256_hex(plain)):
        return None
    return key


@transaction.atomic
def product_feedback_receive(*, key: IntakeKey, **fields: Any) -> ProductFeedback:
    """Store one end user's rating and comment about a model output."""
    reject_unknown_fields(fields, ("rating", "comment", "model_ref", "output_ref"))
    feedback = ProductFeedback(project=key.project, key=key, **fields)
    feedback.full_clean()
    feedback.save()
    IntakeKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    audit_record(
        actor=AnonymousUser(),  # an end user of the project's product, through its key
        action=StakeholdersAction.PRODUCT_FEEDBACK_RECEIVED,
        target=feedback,
        project=key.project,
        data={"rating": feedback.rating, "key_prefix": key.prefix, "model_ref": feedback.model_ref},
    )
    product_feedback_received.send(
        sender=ProductFeedback,
        project=key.project,
        feedback_id=feedback.pk,
        rating=feedback.rating,
        comment=feedback.comment,
        model_ref=feedback.model_ref,
    )
    return feedback
