"""The public fact sheet in a real browser: a manager publishes some fields of the fact sheet
from the project's Transparency tab; a visitor without any session reads the public page —
no serious accessibility violation (axe-core), no console error (the strict CSP refuses
nothing the page needs), no cookie — and after unpublishing it is gone."""

import pytest
from playwright.sync_api import Browser, Page, expect

from compliance.models import FactSheetPublication
from tests.e2e.axe import axe_violations
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_published_fact_sheet_is_read_without_signing_in_and_passes_axe(
    page: Page, browser: Browser, live_server, project, manager
):
    project.intended_purpose = "Routes incoming claims to the right team."
    project.save()
    base = live_server.url
    sign_in(page, base, manager.email)
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Transparency"
    ).click()
    expect(page.get_by_role("heading", name="AI system fact sheet", level=2)).to_be_visible()
    assert axe_violations(page) == []

    form = page.get_by_role("group", name="Fields the public page shows")
    for label in ("Model and version", "Bias checks", "Contacts", "Limitations"):
        form.get_by_label(label, exact=True).uncheck()
    page.get_by_role("button", name="Publish the fact sheet").click()
    expect(page.get_by_role("status")).to_contain_text("The fact sheet is published.")
    public_url = FactSheetPublication.objects.get(project=project).public_url_path()
    expect(page.get_by_role("link", name=f"{base}{public_url}")).to_be_visible()

    visitor = browser.new_context()
    public = visitor.new_page()
    errors: list[str] = []
    public.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    public.goto(f"{base}{public_url}")
    expect(public.get_by_role("heading", level=1)).to_have_text("Claims assistant")
    expect(public.get_by_text("Routes incoming claims to the right team.")).to_be_visible()
    expect(public.get_by_text(manager.email)).to_have_count(0)
    assert public.get_by_role("link").count() == 0
    assert axe_violations(public) == []
    assert errors == []
    assert visitor.cookies() == []

    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_role("status")).to_contain_text("no longer published")
    # The browser keeps the page but must revalidate it: its copy does not outlive the unpublish.
    gone = public.goto(f"{base}{public_url}")
    assert gone is not None
    assert gone.status == 404
