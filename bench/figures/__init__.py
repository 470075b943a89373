"""The registry of figures: a name and the function that measures it. A new figure is a
module of this package with a `run(world, scale) -> list[Measurement]`, added here."""

from __future__ import annotations

from collections.abc import Callable

from bench.figures import audit_export, audit_verify, http_pages, monitoring_ingestion, reminders
from bench.measure import Measurement
from bench.scales import Scale
from bench.world import World

Figure = Callable[[World, Scale], list[Measurement]]

FIGURES: dict[str, Figure] = {
    "monitoring_ingestion": monitoring_ingestion.run,
    "reminders": reminders.run,
    "audit_export": audit_export.run,
    "audit_verify": audit_verify.run,
    "http_pages": http_pages.run,
}
