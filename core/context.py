"""Who and where a change comes from, carried through a request, task or command.

The audit writer reads this, so services need not pass request details around.
"""

from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack


@dataclass(frozen=True)
class ChangeContext:
    request_id: str | None = None
    ip_address: str | None = None
    origin: str = "system"  # web | api | task | command | admin | system


# ChangeContext is frozen, so sharing one default instance is safe.
_current: ContextVar[ChangeContext] = ContextVar(
    "charter_change_context",
    default=ChangeContext(),  # noqa: B039
)


def current() -> ChangeContext:
    return _current.get()


class _ContextFields(TypedDict, total=False):
    request_id: str | None
    ip_address: str | None
    origin: str


def bind(**fields: Unpack[_ContextFields]) -> Token[ChangeContext]:
    """Set fields on the current context; pass the token to `reset` when done."""
    return _current.set(replace(_current.get(), **fields))


def reset(token: Token[ChangeContext]) -> None:
    _current.reset(token)
