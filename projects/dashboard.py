"""The portfolio dashboard's panel registry: which panels the home page shows, in which order.

Like the gate criteria (projects/lifecycle.py), each app registers the panels it owns (in its
`panels.py`, imported from its AppConfig.ready), so the dashboard never imports the apps above
it and a panel appears as soon as its app is installed. A panel is a builder — a read scoped by
the permission policy — and the template partial that shows what it built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Organization, User

# What a builder returns: the partial's context, or None when the panel does not apply to
# this user in this organisation (nothing they may see) — the dashboard then leaves it out.
PanelData = dict[str, Any] | None
Builder = Callable[["User", "Organization"], PanelData]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    build: Builder
    owner_app: str = ""
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    data: dict[str, Any]


@dataclass
class PanelRegistry:
    _panels: dict[str, Panel] = field(default_factory=dict)

    def register(
        self, *, key: str, title: str, template: str, owner_app: str = "", order: int = 100
    ) -> Callable[[Builder], Builder]:
        """Register the decorated builder as the panel `key` (registering a key again
        replaces it: the app's ready() may run twice in tests)."""

        def decorator(build: Builder) -> Builder:
            self._panels[key] = Panel(key, title, template, build, owner_app, order)
            return build

        return decorator

    def unregister(self, key: str) -> None:
        self._panels.pop(key, None)

    def panels(self) -> list[Panel]:
        return sorted(self._panels.values(), key=lambda p: (p.order, p.key))

    def shown(self, *, user: User, organization: Organization) -> list[ShownPanel]:
        """The panels that apply to this user, in order, each with what its builder read."""
        shown = []
        for panel in self.panels():
            data = panel.build(user, organization)
            if data is not None:
                shown.append(ShownPanel(panel, data))
        return shown


panels = PanelRegistry()
