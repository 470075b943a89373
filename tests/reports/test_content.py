"""What a report says: a gate passed in the period is in it and one outside is not; compliance
per framework and its change; overdue items; risks opened and closed; incidents; the audit
chain's verification and its latest signed checkpoint — in the PDF (read back with pdftotext)
and the CSV (every cell neutralised)."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.checkpoints import checkpoints_write
from compliance.models import CheckReview, ComplianceCheck
from core.actors import SYSTEM
from models_registry.models import Incident
from projects.models import PhaseChange, Risk
from projects.services.risks import risk_create, risk_update
from reports.periods import period_containing
from reports.services import report_generate
from tests.compliance.checks_support import framework, requirement
from tests.factories import ProjectFactory
from tests.reports.support import AFTER, BEFORE, INSIDE, WEEK, csv_rows, pdf_words, stored


def _generate(org, period=WEEK, project=None):
    report, _ = report_generate(
        actor=SYSTEM,
        organization=org,
        project=project,
        cadence="weekly",
        period=period,
        time_zone="Europe/Paris",
    )
    return report


def _gate(project, from_phase, to_phase, at):
    return PhaseChange.objects.create(
        project=project, from_phase=from_phase, to_phase=to_phase, direction="forward",
        created_at=at,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_gate_passed_in_the_period_appears_and_one_outside_does_not(org, project, tmp_path):
    _gate(project, "scope", "select", INSIDE)
    _gate(project, "select", "adapt", AFTER)  # the end is exclusive
    _gate(project, "adapt", "integrate", BEFORE)

    report = _generate(org)

    words = pdf_words(stored(report.pdf_path), tmp_path)
    assert "Claims assistant passed Scope → Select" in words
    assert "Adapt & align" not in words
    assert "Integrate" not in words.split("Gate transitions")[1].split("Compliance")[0]
    rows = csv_rows(stored(report.csv_path))
    gates = [row for row in rows if row[0] == "gate"]
    local = INSIDE.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(timespec="seconds")
    assert gates == [["gate", "Claims assistant", "passed", "Scope → Select", "", local]]
    assert ["count", "", "gate_transitions", "", "1", ""] in rows
    assert report.summary["counts"]["gate_transitions"] == 1


@pytest.mark.django_db
def test_a_project_report_tells_only_of_its_project(org, project, admin):
    other = ProjectFactory(organization=org, owner=admin, name="Fraud triage")
    _gate(project, "scope", "select", INSIDE)
    _gate(other, "scope", "select", INSIDE)

    report = _generate(org, project=other)

    gates = [row for row in csv_rows(stored(report.csv_path)) if row[0] == "gate"]
    assert [row[1] for row in gates] == ["Fraud triage"]
    assert report.scope == f"{org.pk}/{other.pk}"


@pytest.mark.django_db
def test_compliance_per_framework_at_the_start_and_end_and_overdue_checks(
    org, project, compliance_officer, tmp_path
):
    fw = framework("test-fw", "Test framework")
    met_in_period = ComplianceCheck.objects.create(
        project=project, requirement=requirement(fw, "Art. 1"), phase="scope", status="met"
    )
    ComplianceCheck.objects.create(
        project=project, requirement=requirement(fw, "Art. 2"), phase="scope", status="met"
    )
    ComplianceCheck.objects.create(
        project=project,
        requirement=requirement(fw, "Art. 3"),
        phase="scope",
        status="in_progress",
        due_date=WEEK.last_day - dt.timedelta(days=1),
    )
    ComplianceCheck.objects.create(  # due after the period: not overdue at its end
        project=project,
        requirement=requirement(fw, "Art. 4"),
        phase="scope",
        due_date=WEEK.last_day + dt.timedelta(days=1),
    )
    CheckReview.objects.create(
        compliance_check=met_in_period, reviewer=compliance_officer, claim="met",
        verdict="approve", created_at=INSIDE,
    )  # fmt: skip

    report = _generate(org)

    [status] = report.summary["frameworks"]
    assert status | {} == {
        "key": "test-fw",
        "name": "Test framework",
        "total": 4,
        "done_at_start": 1,
        "done_at_end": 2,
        "approved_in_period": 1,
        "rejected_in_period": 0,
        "change": 1,
    }
    assert report.summary["counts"]["checks_overdue"] == 1
    words = pdf_words(stored(report.pdf_path), tmp_path)
    assert "Test framework 4 1 (25%) 2 (50%) +1 1 0" in words
    assert "overdue check Claims assistant Test framework Art. 3" in words


@pytest.mark.django_db
def test_risks_opened_and_closed_and_incidents_of_the_period(org, project, manager, tmp_path):
    week = period_containing("weekly", timezone.now(), "Europe/Paris")
    risk = risk_create(
        actor=manager, project=project, title="Prompt injection", category="technical"
    )
    risk_create(actor=manager, project=project, title="Stale data", category="data")
    risk_update(actor=manager, risk=risk, expected_version=risk.version, status="closed")
    Incident.objects.create(
        project=project, title="Wrong payout", severity="high", occurred_at=timezone.now()
    )
    Incident.objects.create(
        project=project, title="Old outage", severity="low", status="resolved",
        occurred_at=week.start - dt.timedelta(days=3),
        created_at=week.start - dt.timedelta(days=3), resolved_at=timezone.now(),
        resolution="Restarted",
    )  # fmt: skip

    report = _generate(org, period=week)

    counts = report.summary["counts"]
    assert (counts["risks_opened"], counts["risks_closed"]) == (2, 1)
    assert (counts["incidents_opened"], counts["incidents_resolved"]) == (1, 1)
    rows = csv_rows(stored(report.csv_path))
    assert [r[2:4] for r in rows if r[0] == "risk closed"] == [["R-1", "Prompt injection"]]
    assert [r[3] for r in rows if r[0] == "incident opened"] == ["Wrong payout"]
    assert [r[3] for r in rows if r[0] == "incident resolved"] == ["Old outage"]
    words = pdf_words(stored(report.pdf_path), tmp_path)
    assert "2 opened, 1 closed in the period." in words
    assert Risk.objects.get(pk=risk.pk).status == "closed"


@pytest.mark.django_db
def test_the_audit_chain_is_verified_and_its_latest_checkpoint_named(
    org, project, manager, tmp_path
):
    risk_create(actor=manager, project=project, title="Bias", category="technical")
    [checkpoint] = [c for c in checkpoints_write() if c.chain == str(org.pk)]

    report = _generate(org)

    chain = report.summary["audit_chain"]
    assert chain["ok"] is True
    assert chain["checkpoint_sequence"] == checkpoint.sequence
    words = pdf_words(stored(report.pdf_path), tmp_path)
    assert f"Latest signed checkpoint: event #{checkpoint.sequence}" in words
    assert checkpoint.signature[:40] in words.replace(" ", "")
    rows = csv_rows(stored(report.csv_path))
    [signed] = [r for r in rows if r[0] == "signed checkpoint"]
    assert signed[2:5] == [f"#{checkpoint.sequence}", checkpoint.key_id, checkpoint.head_hash]
    [walked] = [r for r in rows if r[0] == "audit chain"]
    assert walked[3] == "verified"


@pytest.mark.django_db
def test_every_csv_cell_a_spreadsheet_would_run_is_neutralised(org, admin):
    evil = ProjectFactory(organization=org, owner=admin, name='=HYPERLINK("http://x")')
    _gate(evil, "scope", "select", INSIDE)

    report = _generate(org)

    [gate] = [row for row in csv_rows(stored(report.csv_path)) if row[0] == "gate"]
    assert gate[1] == '\'=HYPERLINK("http://x")'
