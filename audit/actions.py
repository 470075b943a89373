"""Audit actions: each app declares the actions it records in one TextChoices class and
registers it here (from its AppConfig.ready); the writer refuses any action not registered.

Names follow one scheme, `<entity>.<past-tense verb>`, where the entity is the target's
model in snake case (`organization_membership.created`, `feasibility_study.signed_off`).
Events already stored keep the strings they were written with: the registry constrains what
is written from now on, never what the verifier accepts.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models

_registered: dict[str, type[models.TextChoices]] = {}


def register_actions(actions: type[models.TextChoices]) -> None:
    """Allow the writer to record `actions`; an action may belong to one class only."""
    for value in actions.values:
        owner = _registered.get(value)
        if owner is not None and owner is not actions:
            raise ImproperlyConfigured(
                f"Audit action {value!r} is declared by both {owner.__qualname__} and "
                f"{actions.__qualname__}."
            )
    _registered.update(dict.fromkeys(actions.values, actions))


def is_registered(action: str) -> bool:
    """Whether some app registered `action`."""
    return action in _registered


def registered_actions() -> frozenset[str]:
    """Every action the writer accepts."""
    return frozenset(_registered)


class AuditAction(models.TextChoices):
    """The audit trail's own actions: seals of captured row changes and admin writes."""

    ROW_CHANGE_SEALED = "row_change.sealed"
    # Admin writes name the model in `target_type`, so one action per verb serves them all.
    RECORD_CREATED_IN_ADMIN = "record.created_in_admin"
    RECORD_CHANGED_IN_ADMIN = "record.changed_in_admin"
    RECORD_DELETED_IN_ADMIN = "record.deleted_in_admin"
