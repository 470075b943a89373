"""axe-core (vendored: tests/e2e/vendor/axe.min.js, MPL-2.0) run on a page of a journey."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SERIOUS = frozenset({"serious", "critical"})


def axe_violations(page: Page, *, impacts: frozenset[str] = SERIOUS) -> list[dict[str, Any]]:
    """The page's axe violations of these impacts, each as {id, impact, help, targets}.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page under test keeps its own policy."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
