"""“Waiting for me” and the bell in a real browser: a compliance officer signs in, sees the
pending gate sign-off counted in the navigation and its notification in the bell, opens it,
signs off on the gate page, and both counts drop."""

import re

import pytest
from playwright.sync_api import Browser, expect

from projects.models import GateApproval
from projects.services import gate_request
from tests.helpers import sign_in
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_sees_the_gate_signoff_waiting_and_in_the_bell_signs_it_and_the_counts_drop(
    browser: Browser, live_server, project, manager, compliance_officer, project_member
):
    # A project ready for its Scope gate, and the manager has asked for it.
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    gate_request(actor=manager, project=project)

    page = browser.new_context().new_page()
    sign_in(page, live_server.url, compliance_officer.email)
    nav = page.get_by_test_id("nav-inbox")
    expect(nav).to_have_text("Waiting for me (1)")  # fetched once the page has loaded

    bell = page.locator("#bell-count")
    expect(bell).to_have_text("1 unread")  # the gate request, told to the signers

    # The bell's notification leads to the gate (and is read once opened) …
    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role(
        "button", name="Gate sign-off requested: Claims assistant → Select", exact=True
    ).click()
    expect(page.get_by_role("button", name="Approve as compliance officer")).to_be_visible()
    expect(page.locator("#bell-count")).to_have_text("")

    # … and "Waiting for me" lists the same sign-off, until it is given. (Its nav item is
    # fetched after the page loads: click it once it has arrived, not the placeholder.)
    expect(page.get_by_test_id("nav-inbox")).to_have_text("Waiting for me (1)")
    page.get_by_test_id("nav-inbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for me")
    gates = page.get_by_role("region", name=re.compile("Gate sign-offs"))
    expect(gates.get_by_role("row", name=re.compile("Claims assistant"))).to_contain_text(
        "Your sign-off as compliance officer"
    )
    gates.get_by_role("link", name="Gate scope → select").click()

    page.get_by_role("button", name="Approve as compliance officer").click()
    expect(page.get_by_test_id("nav-inbox")).to_have_text("Waiting for me (0)")
    assert GateApproval.objects.get(request__project=project).approver == compliance_officer

    page.get_by_test_id("nav-inbox").click()
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
