"""The row editor with its script (under the CSP, no inline script): "Add" copies a row in
place, and the rows typed are saved."""

import pytest
from playwright.sync_api import Browser, expect

from projects.models import ScopeVersion
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_success_criteria_rows_are_added_in_place_and_saved(
    browser: Browser, live_server, project, manager
):
    page = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/projects/{project.pk}/scope/new/")
    page.get_by_label("Goals").fill("Answer faster.")
    page.locator("#id_criteria-0-metric").fill("Accuracy")
    page.locator("#id_criteria-0-target").fill("90")
    page.locator("#id_criteria-0-unit").fill("%")
    url = page.url
    page.get_by_role("button", name="Add success criterion").click()
    row = page.locator("#id_criteria-1-metric")
    expect(row).to_be_focused()
    assert page.url == url  # added in place, no round trip
    row.fill("Median answer time")
    page.locator("#id_criteria-1-comparison").select_option("lte")
    page.locator("#id_criteria-1-target").fill("2.5")
    page.locator("#id_criteria-1-unit").fill("s")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("saved as a draft")).to_be_visible()
    version = ScopeVersion.objects.get()
    assert sorted(c.metric for c in version.success_criteria.all()) == [
        "Accuracy",
        "Median answer time",
    ]
    assert not [e for e in errors if "Content Security Policy" in e]
