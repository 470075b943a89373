"""The audit trail in a real browser: a compliance officer filters the trail (htmx), opens an
event's details, downloads the filtered view as CSV; the offline verifier, run with a bare
Python, accepts the file, and one byte changed makes it fail naming the row. On a 360 px
phone the page does not scroll sideways."""

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

import audit.offline
from audit.writer import audit_record
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
VERIFIER = Path(audit.offline.__file__).with_name("verify_export.py")


def _verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own script, on a file the test wrote)
        [sys.executable, "-I", "-S", str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_officer_filters_downloads_a_csv_and_the_verifier_checks_it(
    browser: Browser, live_server, org, project, admin, compliance_officer, tmp_path, settings
):
    settings.CHARTER_AUDIT_EXPORT_DIR = tmp_path / "exports"
    for n in range(3):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
    for n in range(2):
        audit_record(
            actor=admin, action="project.updated", target=project, project=project, data={"n": n}
        )

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server.url, compliance_officer.email)
    page.goto(f"{live_server.url}/compliance/audit/")
    expect(page.locator(".audit-action", has_text="organization.renamed")).to_have_count(3)
    page.get_by_label("Project").select_option(label=project.name)  # htmx swaps the list
    expect(page.locator(".audit-action")).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"/compliance/audit/\?project={project.pk}"))
    page.locator(".audit-event summary").first.click()
    expect(page.locator(".audit-event details").first.locator("code.copy").first).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    path = tmp_path / "trail.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))[:-1]  # the manifest row last
    assert [row["action"] for row in rows] == ["project.updated", "project.updated"]
    accepted = _verify(path)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "VERIFIED" in accepted.stdout

    path.write_text(text.replace('""n"":1', '""n"":7', 1), encoding="utf-8", newline="")
    refused = _verify(path)
    assert refused.returncode == 1
    assert "FAILED: row 2 (line 3)" in refused.stdout

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_server.url, compliance_officer.email)
    phone.goto(f"{live_server.url}/compliance/audit/")
    phone.locator(".audit-event summary").first.click()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone: {width} px wide"
