"""The API documentation page (Swagger UI): a way back to the application, and no serious
accessibility violation (axe-core)."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.axe import axe_violations
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_leads_back_to_the_app_and_passes_axe(
    browser: Browser, live_server, manager
):
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/api/docs/")
    # The schema is large: Swagger UI takes a while to lay it out.
    expect(page.locator(".swagger-ui .opblock-tag").first).to_be_visible(timeout=60_000)

    assert axe_violations(page) == []
    # An operation opened, with its parameters and responses, too.
    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Back to Charter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Projects of")
