"""`export.ready`: a queued audit trail export, once written, is announced to the endpoints
subscribed and to the person who queued it — once, however often the build is delivered."""

import pytest

from audit.writer import audit_record
from compliance.services import audit_export_build, audit_export_request
from notifications import kinds
from notifications.models import Notification
from outbox.models import OutboxMessage
from tests.webhooks.support import endpoint_for
from webhooks.services import OUTBOX_KIND

pytestmark = pytest.mark.django_db


def test_a_built_export_is_announced_once_to_subscribers_and_its_requester(
    admin, compliance_officer, org
):
    endpoint_for(admin, org, "https://grc.example.com/hook", events=["export.ready"])
    endpoint_for(admin, org, "https://other.example.com/hook", events=["incident.opened"])
    for n in range(3):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
    export = audit_export_request(
        actor=compliance_officer, organization=org, filters={}, format="csv"
    )
    assert not OutboxMessage.objects.filter(kind=OUTBOX_KIND).exists()  # not ready yet

    built = audit_export_build(export_id=export.pk)
    assert built is not None
    assert audit_export_build(export_id=export.pk) is None  # a second delivery does nothing

    [message] = OutboxMessage.objects.filter(kind=OUTBOX_KIND)
    document = message.payload["document"]
    assert message.recipient == "https://grc.example.com/hook"
    assert document["event"] == "export.ready"
    assert document["data"] == {
        "export_id": str(export.pk),
        "format": "csv",
        "rows": built.rows,
        "sha256": built.sha256,
    }
    [note] = Notification.objects.filter(kind=kinds.EXPORT_READY)
    assert note.recipient == compliance_officer
    assert note.link == "/compliance/audit/#exports"


def test_a_failed_export_is_not_announced(admin, compliance_officer, org, settings, tmp_path):
    endpoint_for(admin, org, "https://grc.example.com/hook", events=["export.ready"])
    export = audit_export_request(
        actor=compliance_officer, organization=org, filters={}, format="csv"
    )
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should be")
    settings.CHARTER_AUDIT_EXPORT_DIR = blocker
    failed = audit_export_build(export_id=export.pk)
    assert failed is not None
    assert failed.status == "failed"
    assert not OutboxMessage.objects.filter(kind=OUTBOX_KIND).exists()
    assert not Notification.objects.filter(kind=kinds.EXPORT_READY).exists()
