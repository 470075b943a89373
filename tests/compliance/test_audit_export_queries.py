"""The streamed export reads plain values, not model instances, and costs the same queries for
a short chain as for a long one; what it writes is unchanged (the verifier tests in
test_audit_export.py read it back)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.exports import CSV_MANIFEST_MARK
from audit.models import AuditEvent
from compliance.services import audit_trail_export
from tests.audit.support import write_events

pytestmark = pytest.mark.django_db


def _export(admin, org, fmt):
    with CaptureQueriesContext(connection) as captured:
        text = "".join(audit_trail_export(actor=admin, organization=org, filters={}, format=fmt))
    return len(captured), text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_export_costs_the_same_queries_for_5_events_as_for_300(admin, org, fmt):
    write_events(org, admin, 5)
    _export(admin, org, fmt)  # warm: the signing key is read once a process
    few, _ = _export(admin, org, fmt)
    write_events(org, admin, 295)
    many, text = _export(admin, org, fmt)

    assert few == many
    events = AuditEvent.objects.filter(chain=str(org.pk)).count()
    if fmt == "csv":
        assert CSV_MANIFEST_MARK in text
    else:
        assert len(text.splitlines()) == events + 1  # the events, then the manifest line


def test_the_export_builds_no_model_instance_per_event(admin, org, monkeypatch):
    write_events(org, admin, 20)
    built = []
    original = AuditEvent.from_db  # bound to the class already

    def counting(cls, *args, **kwargs):
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(AuditEvent, "from_db", classmethod(counting))
    _export(admin, org, "csv")

    assert built == []  # rows stream as plain values (the export's own event is written, not read)
