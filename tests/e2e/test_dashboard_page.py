"""The portfolio dashboard in a real browser: no serious accessibility violation (axe-core),
and without JavaScript every figure is still a plain link to the list behind it."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.axe import axe_violations
from tests.helpers import sign_in
from tests.projects.scope_helpers import assessed_risk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_passes_axe_and_its_figures_work_without_javascript(
    browser: Browser, live_server, project, manager
):
    assessed_risk(project, manager, likelihood=4, impact=5)
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        sign_in(page, live_server.url, manager.email)
        expect(page.get_by_role("heading", name="Projects by phase", level=2)).to_be_visible()
        if javascript:
            assert axe_violations(page) == []
            page.goto(live_server.url + "/incidents/")
            assert axe_violations(page) == []
            page.go_back()
        page.get_by_role("link", name="1 risk with likelihood 4 and impact 5").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Projects of")
        expect(page.get_by_role("link", name=project.name)).to_be_visible()
        page.go_back()
        page.get_by_role("link", name="1 project in Scope").click()
        expect(page.get_by_label("Phase")).to_have_value("scope")
        context.close()
