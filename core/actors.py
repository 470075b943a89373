"""The actor of a change that no person makes: Charter's own jobs and commands.

Services take an `actor` for the permission check and the audit trail. A beat job or a
management command passes `SYSTEM` instead of a user, never `None`: the permission policy
knows this actor and grants it only what jobs are listed to need, and the audit writer
records it as the system (no user), as the trail always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class SystemActor:
    """Charter itself; `name` says which job, for logs and messages."""

    name: str = "system"

    # The attributes the policy and the audit writer read on a user, so neither mistakes
    # the system for a signed-in person (no memberships, no roles) nor for an anonymous one.
    pk: ClassVar[None] = None
    is_authenticated: ClassVar[bool] = False
    is_anonymous: ClassVar[bool] = False
    is_active: ClassVar[bool] = True

    def __str__(self) -> str:
        return self.name


SYSTEM = SystemActor()
