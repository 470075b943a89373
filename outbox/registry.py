"""What each kind of outbox message does. Apps register their kinds when they load (in
`AppConfig.ready`), so the outbox never imports the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outbox.models import OutboxMessage


class Superseded(Exception):  # noqa: N818 (an outcome, not an error)
    """Raised by a handler's `send` when newer work made this message moot: nothing is sent,
    and the message is closed without a retry."""


@dataclass(frozen=True)
class Handler:
    """`send` talks to the outside world (SMTP, HTTP) with no transaction open and no row
    locked; it raises to fail (retried with backoff when `transient` matches). `delivered`
    runs afterwards inside the short transaction that marks the message sent: bookkeeping on
    the app's own rows and its audit event."""

    send: Callable[[OutboxMessage], None]
    delivered: Callable[[OutboxMessage], None]
    transient: tuple[type[BaseException], ...] = (OSError,)


_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """Declare what a kind of message does; a kind is registered once."""
    if kind in _handlers and _handlers[kind] != handler:
        raise ValueError(f"outbox kind {kind!r} is already registered")
    _handlers[kind] = handler


def handler_for(kind: str) -> Handler:
    """The handler of `kind`; KeyError for a kind nobody registered."""
    return _handlers[kind]


def registered_kinds() -> frozenset[str]:
    return frozenset(_handlers)
