"""The Select phase in a real browser: two reviewers score two candidates blind, each in their
own session; the manager records the decision, the compliance officer approves it, and the
project passes Select → Adapt."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import ProjectMembership
from models_registry import services
from models_registry.models import Criterion, DecisionRecord
from projects.models import Project
from tests.helpers import sign_in
from tests.models_registry.conftest import catalogue_model

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ProjectRole = ProjectMembership.Role

SCORES = {"Acme AI Falcon Large": "4", "Acme AI Open Seven": "3"}


def session(browser: Browser, base: str, email: str) -> Page:
    """A browser session of its own (its own cookies), signed in as `email`."""
    page = browser.new_context().new_page()
    sign_in(page, base, email)
    return page


def score_everything(page: Page, project: Project, criteria: list[str]) -> None:
    page.get_by_role("link", name=re.compile("Score the candidates")).click()
    for candidate, value in SCORES.items():
        group = page.get_by_role("group", name=candidate)
        for name in criteria:
            group.get_by_label(name, exact=True).select_option(value)
            group.get_by_label(f"Why ({candidate}, {name})").fill(f"Seen in the pilot: {value}.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("status")).to_contain_text("Your scores are submitted")


def test_two_reviewers_a_decision_and_the_gate(
    browser: Browser, live_server, org, project, project_member, admin, compliance_officer
):
    services.selection_defaults_create(project=project)
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.SELECT)
    project.refresh_from_db()
    manager = project.owner
    first, second = (project_member(project, ProjectRole.REVIEWER) for _ in range(2))
    for name, extra in (("Falcon Large", {}), ("Open Seven", {"source": "open_weights"})):
        services.candidate_create(
            actor=manager,
            project=project,
            catalogue_model=catalogue_model(org, name, **extra),
            rationale=f"{name} reads claims well.",
        )
    criteria = list(Criterion.objects.filter(project=project).values_list("name", flat=True))
    selection = f"{live_server.url}/projects/{project.pk}/selection/"

    one = session(browser, live_server.url, first.email)
    one.goto(selection)
    score_everything(one, project, criteria)
    expect(one.get_by_role("heading", name="Ranking")).to_be_visible()

    two = session(browser, live_server.url, second.email)
    two.goto(selection)
    expect(two.get_by_text("Submit your own scores (or abstain) first")).to_be_visible()
    expect(two.get_by_role("heading", name="Ranking")).to_have_count(0)
    score_everything(two, project, criteria)
    two.get_by_role("link", name="Open the matrix").click()
    expect(two.get_by_role("heading", name="Sensitivity")).to_be_visible()
    expect(two.locator("table.matrix tbody tr")).to_have_count(2)

    pm = session(browser, live_server.url, manager.email)
    pm.goto(selection)
    pm.get_by_role("link", name="Record the decision").click()
    pm.get_by_label("Chosen candidate").select_option(label="Acme AI Falcon Large")
    pm.get_by_label("Rationale").fill("Best on specificity and performance in the pilot.")
    pm.get_by_label("Why not Acme AI Open Seven").fill("Scored lower on every criterion but cost.")
    pm.get_by_role("button", name="Record the decision").click()
    expect(pm.get_by_role("heading", level=2, name=re.compile("D-1"))).to_contain_text(
        "Awaiting approval"
    )

    officer = session(browser, live_server.url, compliance_officer.email)
    officer.goto(pm.url)
    officer.get_by_label("Verdict").select_option("approve")
    officer.get_by_role("button", name="Sign the decision").click()
    expect(officer.get_by_role("heading", level=2, name=re.compile("D-1"))).to_contain_text(
        "Approved"
    )

    pm.get_by_role("link", name="Gate").click()
    pm.get_by_role("button", name="Request the gate").click()
    boss = session(browser, live_server.url, admin.email)
    boss.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    boss.get_by_role("button", name="Approve as project manager").click()
    officer.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    officer.get_by_role("button", name="Approve as compliance officer").click()
    expect(officer.locator(".phases [aria-current=step]")).to_have_text("Adapt & align")

    project.refresh_from_db()
    assert project.phase == Project.Phase.ADAPT
    assert DecisionRecord.objects.get().status == DecisionRecord.Status.APPROVED
