"""A first visit in a real headless Chromium: sign in, switch organisation, create and find a
project, add a colleague, invite someone, make an API token, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import APIToken, Invitation, OrganizationMembership, ProjectMembership
from projects.models import Project
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/charter-project.png"  # noqa: S108 — looked at by a person after the run


def test_first_visit_journey(page: Page, live_server, org, admin, org_member):
    colleague = org_member(full_name="Cora Colleague")
    second = OrganizationFactory(name="Zeta Labs")
    OrganizationMembership.objects.create(organization=second, user=admin, role="admin")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Sign in: a wrong password first, then the right one.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Portfolio of {org.name}")

    # The switcher submits on change and stays on the page, now the other organisation's.
    page.get_by_label("Organisation").select_option(label="Zeta Labs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio of Zeta Labs")
    expect(page.get_by_role("status")).to_contain_text("Switched to Zeta Labs.")
    page.get_by_label("Organisation").select_option(label=org.name)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Portfolio of {org.name}")

    for name in ("Claims triage assistant", "Support chatbot"):
        page.get_by_role("link", name="Projects", exact=True).click()
        page.get_by_role("link", name="New project").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Description").fill("Governed by Charter.")
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="Projects", exact=True).click()
    expect(page.locator("#project-table tbody tr")).to_have_count(2)

    # Typing in the search box swaps only the table (htmx) and keeps the URL shareable.
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Search").fill("chat")
    expect(page.locator("#project-table tbody tr")).to_have_count(1)
    expect(page.locator("#project-table")).to_contain_text("Support chatbot")
    expect(page).to_have_url(re.compile(r"/projects/\?q=chat"))
    assert page.evaluate("window.__notReloaded") is True  # a swap, not a page load
    page.get_by_role("link", name="Support chatbot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support chatbot")

    # Add a colleague to the project.
    page.get_by_label("Person").select_option(label=colleague.email)
    page.get_by_label("Role", exact=True).select_option(label="Reviewer")
    page.get_by_role("button", name="Add to project").click()
    expect(page.get_by_role("status")).to_contain_text("Cora Colleague joined the project.")
    expect(page.get_by_role("cell", name=re.compile("Cora Colleague"))).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Members: invite someone (htmx form), then change a role in place.
    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_label("Email", exact=True).fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#invite-form")).to_contain_text("Enter a valid email address.")
    page.get_by_label("Email", exact=True).fill("new.hire@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation on its way to new.hire@example.com."
    )
    expect(page.get_by_text("new.hire@example.com — Member")).to_be_visible()
    page.get_by_label(f"Role of {colleague.email}").select_option(label="Compliance officer")
    row = page.locator("tr", has_text=colleague.email)
    row.get_by_role("button", name="Change role").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"{colleague.email} is now compliance officer."
    )

    # An API token is shown once; reloading the page does not show it again.
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CI pipeline")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"chr_[0-9a-f]{8}_\S+", secret)
    page.reload()
    expect(page.get_by_role("cell", name="CI pipeline", exact=True)).to_be_visible()
    expect(page.locator("#new-token")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Charter")

    # The one invalid invitation answered 400 (with the form and its errors, which htmx
    # swaps in); Chromium logs every 4xx response. Nothing else went wrong in the page.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    assert list(
        Project.objects.filter(organization=org).order_by("name").values_list("name", flat=True)
    ) == [
        "Claims triage assistant",
        "Support chatbot",
    ]
    assert ProjectMembership.objects.get(user=colleague).role == "reviewer"
    assert OrganizationMembership.objects.get(user=colleague, organization=org).role == (
        "compliance_officer"
    )
    assert Invitation.objects.get(organization=org).email == "new.hire@example.com"
    assert APIToken.objects.filter(user=admin).count() == 1
