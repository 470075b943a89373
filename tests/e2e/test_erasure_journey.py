"""An erasure in a real browser: a compliance officer records a stakeholder's erasure request,
confirms the erasure on its confirm step, and the request is completed; afterwards the
stakeholder's data is gone and the audit chain still verifies."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from audit.verify import verify_chains
from compliance.models import DataSubjectRequest
from stakeholders.models import Answer, Stakeholder
from tests.compliance import subjects_support as support
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_an_erasure_request_confirms_it_and_the_chain_verifies(
    browser: Browser, live_server, org, project, manager, compliance_officer
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)

    page = browser.new_page()
    sign_in(page, live_server.url, compliance_officer.email)
    page.goto(f"{live_server.url}/compliance/privacy/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data-subject requests")
    form = page.locator("section", has=page.get_by_role("heading", name="Record a request"))
    form.get_by_label("Kind").select_option(label="Erasure (Art. 17)")
    form.get_by_label("Who is the request about?").select_option(
        label=f"{support.NAME} (stakeholder)"
    )
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erasure (Art. 17) request")
    expect(page.locator("#request-status")).to_contain_text("Received")

    page.get_by_role("link", name="Erase the subject's data…").click()
    page.get_by_role("button", name="Erase").click()  # not confirmed yet: refused in place
    expect(page.get_by_text("Confirm the erasure: it cannot be undone.")).to_be_visible()
    page.get_by_label("I confirm the erasure").check()
    page.get_by_role("button", name="Erase").click()
    expect(page.locator("#request-status")).to_contain_text("Completed")
    expect(page.get_by_text("Erased stakeholder")).to_be_visible()

    request = DataSubjectRequest.objects.get()
    assert request.status == DataSubjectRequest.Status.COMPLETED
    person = Stakeholder.objects.get(pk=subject.stakeholder.pk)
    assert (person.name, person.email) == (
        "Erased stakeholder",
        f"erased-{person.pk}@erased.invalid",
    )
    assert not Answer.objects.filter(text=support.ANSWER).exists()
    assert support.where_found([support.NAME, support.EMAIL, support.ANSWER]) == []
    reports = verify_chains()
    assert str(org.pk) in {report.chain for report in reports}
    assert [report for report in reports if not report.ok] == []
    call_command("verify_audit_chain")
