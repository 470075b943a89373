"""Compliance in a real browser: a compliance officer classifies a project, which brings its
checks — one blocking the gate; the manager uploads evidence and claims the check met; the
officer judges the evidence and approves the claim, and the gate opens."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from compliance.models import ComplianceCheck, Evidence, OrganizationFramework
from projects.models import Project
from tests.compliance.checks_support import framework, requirement
from tests.helpers import sign_in
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def session(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    sign_in(page, base, email)
    return page


def test_classify_judge_evidence_and_the_gate_opens(
    browser: Browser,
    live_server,
    org,
    project,
    manager,
    admin,
    compliance_officer,
    project_member,
    tmp_path,
):
    # A project ready for Scope → Select but for compliance; the organisation follows the EU
    # AI Act, whose transparency duty is (in this catalogue) due by the Scope gate.
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    act = framework("eu-ai-act", "EU AI Act")
    requirement(
        act,
        "Art. 50",
        title="Transparency obligations",
        applies_when={"obligations": ["transparency"]},
        phase="scope",
        blocking=True,
    )
    OrganizationFramework.objects.create(organization=org, framework=act)
    compliance_url = f"{live_server.url}/compliance/projects/{project.pk}/"

    officer = session(browser, live_server.url, compliance_officer.email)
    officer.goto(compliance_url)
    officer.get_by_role("link", name="Classify the project").click()
    officer.get_by_label("Your organisation's role").select_option(label="Deployer")
    officer.get_by_label("Does it involve a prohibited practice?").select_option("none")
    officer.get_by_label(re.compile("interacts directly with people")).check()
    officer.get_by_label("Rationale").fill("A chatbot that answers policyholders.")
    officer.get_by_role("button", name="Classify").click()
    expect(officer.get_by_role("status")).to_contain_text("Classified")
    row = officer.get_by_role("row", name=re.compile("EU AI Act Art. 50"))
    expect(row).to_contain_text("blocking")

    pm = session(browser, live_server.url, manager.email)
    pm.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    expect(pm.get_by_text(re.compile("blocking compliance check"))).to_be_visible()
    pm.goto(compliance_url)
    pm.locator("#check-table").get_by_role("link", name="EU AI Act Art. 50").click()
    pm.get_by_text("Add evidence").click()
    pm.get_by_label("Title").fill("Chat banner: you are talking to an AI assistant")
    notice = tmp_path / "ai-notice.txt"
    notice.write_text("The chat opens with: 'You are talking to an AI assistant.'\n")
    pm.get_by_label("File", exact=True).set_input_files(str(notice))
    pm.get_by_role("button", name="Add the evidence").click()
    expect(pm.get_by_role("link", name=re.compile("Chat banner"))).to_be_visible()
    pm.get_by_label("Claim").select_option("met")
    pm.get_by_role("button", name="Submit").click()
    expect(pm.locator("#check-heading")).to_contain_text("Awaiting review")

    officer.goto(pm.url)
    officer.get_by_text("Judge", exact=True).click()
    officer.get_by_label("Verdict").first.select_option("accept")
    officer.get_by_role("button", name="Record the judgement").click()
    expect(officer.get_by_text("Accepted", exact=True)).to_be_visible()
    officer.get_by_role("region", name="Review the claim").get_by_label("Verdict").select_option(
        "approve"
    )
    officer.get_by_role("button", name="Record the review").click()
    expect(officer.locator("#check-heading")).to_contain_text("Met")

    pm.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    pm.get_by_role("button", name="Request the gate").click()
    boss = session(browser, live_server.url, admin.email)
    boss.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    boss.get_by_role("button", name="Approve as project manager").click()
    officer.goto(f"{live_server.url}/projects/{project.pk}/gate/")
    officer.get_by_role("button", name="Approve as compliance officer").click()
    expect(officer.locator(".phases [aria-current=step]")).to_have_text("Select")

    project.refresh_from_db()
    assert project.phase == Project.Phase.SELECT
    assert project.risk_tier == "limited"
    assert ComplianceCheck.objects.get(project=project).status == "met"
    assert Evidence.objects.get(project=project).status == "accepted"
