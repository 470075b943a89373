"""The Scope phase in a real browser: create a project, fill its risk register, read the heat
map, and ask for the gate — which lists what is still missing."""

import re

import pytest
from playwright.sync_api import Page, expect

from projects.models import GateRequest, Risk
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_risks_on_the_heat_map_and_the_gate_request(page: Page, live_server, org, admin):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, admin.email)

    page.get_by_role("link", name="Create the first project").click()  # the empty dashboard
    page.get_by_label("Name").fill("Claims triage assistant")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claims triage assistant")

    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Risks"
    ).click()
    page.get_by_label(re.compile("From the library")).select_option(
        label="LLM01:2025 Prompt Injection"
    )
    page.get_by_role("button", name="Add from the library").click()
    expect(page.get_by_role("heading", name=re.compile("R-1 Prompt Injection"))).to_be_visible()
    page.get_by_label("Likelihood", exact=True).select_option("4")
    page.get_by_label("Impact", exact=True).select_option("5")
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Or write one").click()
    page.get_by_label("Title").fill("Vendor changes the model without notice")
    page.get_by_label("Category").select_option(label="Vendor")
    page.get_by_label("Likelihood", exact=True).select_option("2")
    page.get_by_label("Impact", exact=True).select_option("3")
    page.get_by_role("button", name="Add risk").click()
    expect(page.locator("#risk-table tbody tr")).to_have_count(2)

    # The heat map counts each risk in its cell; a click filters the table in place (htmx).
    high_cell = page.get_by_role("link", name="1 risk with likelihood 4 and impact 5")
    expect(high_cell).to_be_visible()
    high_cell.click()
    expect(page.locator("#risk-table tbody tr")).to_have_count(1)
    expect(page.locator("#risk-table")).to_contain_text("Prompt Injection")
    expect(page).to_have_url(re.compile(r"likelihood=4&impact=5"))

    page.get_by_role("link", name="Gate").click()
    expect(page.get_by_text("Every high risk has a mitigation plan and an owner")).to_be_visible()
    page.get_by_role("button", name="Request the gate").click()
    expect(page.get_by_role("status")).to_contain_text("criteria are not all met")
    expect(page.get_by_role("status")).to_contain_text("An approved scope document")

    assert Risk.objects.count() == 2
    assert GateRequest.objects.count() == 0
    assert errors == []
