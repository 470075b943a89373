"""A person's first visit: sign in, switch organisation, create and find a project, add a
colleague, invite someone, make an API token, sign out — in a real headless Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Invitation, OrganizationMembership
from projects.models import Project
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_first_visit_journey(page: Page, live_server, org, admin, org_member, tmp_path):
    colleague = org_member(full_name="Cora Colleague")
    second = OrganizationFactory(name="Zeta Labs")
    OrganizationMembership.objects.create(organization=second, user=admin, role="admin")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Projects of")

    # The switcher submits on change (JavaScript) and shows the other organisation.
    page.get_by_label("Organisation").select_option(label="Zeta Labs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects of Zeta Labs")
    page.get_by_label("Organisation").select_option(label=org.name)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Projects of {org.name}")

    for name in ("Claims triage assistant", "Support chatbot"):
        page.get_by_role("link", name="Projects", exact=True).click()
        page.get_by_role("link", name="New project").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Description").fill("Governed by Charter.")
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="Projects", exact=True).click()

    # Typing in the search box swaps only the table (htmx) and keeps the URL shareable.
    page.get_by_label("Search").fill("chat")
    expect(page.locator("#project-table tbody tr")).to_have_count(1)
    expect(page.locator("#project-table")).to_contain_text("Support chatbot")
    expect(page).to_have_url(re.compile(r"q=chat"))
    page.get_by_role("link", name="Support chatbot").click()

    page.get_by_label("Person").select_option(label=colleague.email)
    page.get_by_label("Role", exact=True).select_option(label="Reviewer")
    page.get_by_role("button", name="Add to project").click()
    expect(page.get_by_role("status")).to_contain_text("joined the project")
    expect(page.get_by_role("cell", name=re.compile("Cora Colleague"))).to_be_visible()
    page.screenshot(path=str(tmp_path / "project.png"), full_page=True)

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email", exact=True).fill("new.hire@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.hire@example.com")
    expect(page.get_by_text("new.hire@example.com — Member")).to_be_visible()

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CI pipeline")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"chr_[0-9a-f]{8}_\S+", secret)
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    expect(page.locator("tbody tr")).to_have_count(1)  # a reload creates nothing

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Charter")

    assert errors == []
    assert Project.objects.filter(organization=org).count() == 2
    assert Invitation.objects.filter(email="new.hire@example.com").exists()
    assert mail.outbox == [] or all("new.hire" in m.to[0] for m in mail.outbox)
