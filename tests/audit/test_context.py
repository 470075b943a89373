"""Audit events carry where a change came from: request id, address and origin."""

import pytest

from audit.writer import audit_record
from core import context
from core.actors import SYSTEM
from core.tasks import ContextTask

pytestmark = pytest.mark.django_db


def test_event_records_the_bound_request_context(org, admin):
    token = context.bind(request_id="req-123", ip_address="::ffff:10.0.0.1", origin="api")
    try:
        event = audit_record(actor=admin, action="organization.renamed", target=org)
    finally:
        context.reset(token)

    event.refresh_from_db()
    assert (event.request_id, event.origin) == ("req-123", "api")
    assert event.ip_address == "10.0.0.1"


def test_outside_any_request_the_origin_is_system(org):
    event = audit_record(actor=SYSTEM, action="invitation.expired", target=org)
    assert (event.origin, event.request_id, event.actor_id) == ("system", "", None)


def test_middleware_sets_a_request_id_and_keeps_a_well_formed_one(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="trace-42")["X-Request-ID"] == "trace-42"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert forged != "<script>"
    assert len(forged) == 32


def test_tasks_run_with_origin_task():
    """The app's task base class binds origin and the task id around the task body."""
    from config.celery import app

    @app.task(name="tests.context_probe")
    def probe() -> list[str | None]:
        now = context.current()
        return [now.origin, now.request_id]

    assert isinstance(probe, ContextTask)
    # apply() runs the body in this process: this tests the base class, not the queue.
    assert probe.apply(task_id="task-id-1").get() == ["task", "task-id-1"]
    assert context.current().origin == "system"
