"""The daily expiry job for real: a Celery worker on the test Redis runs it against the test
database; a second delivery changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from compliance.models import CheckEvidence, ComplianceCheck, Evidence
from config.celery import app
from tests.compliance.checks_support import framework, requirement

TASK = "compliance.tasks.evidence_expire_due"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_expires_due_evidence_once(worker, project, org):
    assert app.conf.broker_url.startswith("redis://")
    req = requirement(framework("test-fw", "Test framework"), "T-1")
    check = ComplianceCheck.objects.create(
        project=project, requirement=req, phase="scope", status="met", claim="met"
    )
    evidence = Evidence.objects.create(
        project=project,
        kind="url",
        title="Pen test",
        url="https://x.test/",
        owner=project.owner,
        status="accepted",
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    CheckEvidence.objects.create(
        compliance_check=check, evidence=evidence, attached_by=project.owner
    )

    app.send_task(TASK)
    first = worker.wait_for(1)
    assert list(first.values()) == [1]
    check.refresh_from_db()
    assert check.status == "needs_review"
    events = AuditEvent.objects.filter(
        action__in=["evidence.expired", "compliance_check.needs_review"]
    )
    assert sorted(events.values_list("action", "actor")) == [
        ("compliance_check.needs_review", None),
        ("evidence.expired", None),
    ]

    app.send_task(TASK)  # re-delivered, or tomorrow's run
    both = worker.wait_for(2)
    assert sorted(both.values()) == [0, 1]
    assert events.count() == 2
