"""What the services of models_registry check of the records a request names: that they are
the project's own, and who to name as a record's author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.permissions import Actor
from core.models import project_id_of

NOT_THIS_PROJECT = "Pick one of this project's own records."


def check_in_project(record: Any, project_id: Any, field: str) -> None:
    """Refuse (on `field`) a record of another project; None (nothing named) passes."""
    if record is not None and project_id_of(record) != project_id:
        raise ValidationError({field: NOT_THIS_PROJECT})


def author(actor: Actor) -> User | None:
    """Who to name as a record's author: the person, or nobody for the system (an import)."""
    return actor if isinstance(actor, User) else None
