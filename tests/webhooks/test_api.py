"""The webhooks API: administrators only, another organisation's endpoints are 404, the
secret is answered once, the test event and the delivery log."""

import pytest

from audit.models import AuditEvent
from outbox.models import OutboxMessage, TaskRun
from tests.helpers import assert_problem, client_for
from tests.webhooks.support import endpoint_for
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_attempt_record

pytestmark = pytest.mark.django_db


def _base(org):
    return f"/api/v1/organizations/{org.pk}/webhooks/"


def test_an_administrator_creates_an_endpoint_and_sees_its_secret_once(admin, org):
    client = client_for(admin)

    created = client.post(
        _base(org),
        {"url": "https://grc.example.com/hook", "events": ["gate.approved", "incident.opened"]},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert body["events"] == ["gate.approved", "incident.opened"]
    assert created["Cache-Control"] == "no-store"
    detail = client.get(f"{_base(org)}{endpoint.pk}/")
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    listed = client.get(_base(org)).json()
    assert [row["id"] for row in listed["results"]] == [str(endpoint.pk)]
    assert "secret" not in listed["results"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "http://grc.example.com/hook", "events": ["gate.approved"]}, "url"),
        ({"url": "https://10.0.0.7/hook", "events": ["gate.approved"]}, "url"),
        ({"url": "https://localhost/hook", "events": ["gate.approved"]}, "url"),
        ({"url": "ftp://grc.example.com/", "events": ["gate.approved"]}, "url"),
        ({"url": "https://grc.example.com/hook", "events": []}, "events"),
        ({"url": "https://grc.example.com/hook", "events": ["ping"]}, "events"),
        ({"url": "https://grc.example.com/hook"}, "events"),
        ({"url": "https://grc.example.com/hook", "events": ["gate.approved"], "secret": "x"}, None),
    ],
)
def test_bad_input_is_400(admin, org, payload, field):
    response = client_for(admin).post(_base(org), payload, format="json")

    problem = assert_problem(response, 400)
    if field:
        assert field in problem["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_the_test_event_and_the_delivery_log(admin, org):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    client = client_for(admin)

    tested = client.post(f"{_base(org)}{endpoint.pk}/test/")

    assert tested.status_code == 202
    event_id = tested.json()["event_id"]
    assert tested.json()["event"] == "ping"
    message = OutboxMessage.objects.get(key=f"webhook:{endpoint.pk}:{event_id}")
    assert message.payload["document"]["event"] == "ping"
    webhook_attempt_record(
        endpoint_id=endpoint.pk,
        document=message.payload["document"],
        attempt=1,
        status_code=503,
        error="HTTP 503",
        duration_ms=40,
    )
    log = client.get(f"{_base(org)}{endpoint.pk}/deliveries/").json()
    [row] = log["results"]
    assert (row["event"], row["event_id"], row["attempt"], row["status_code"]) == (
        "ping",
        event_id,
        1,
        503,
    )
    assert row["delivered_at"] is None


def test_delete_removes_the_endpoint_and_its_log(admin, org):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    webhook_attempt_record(
        endpoint_id=endpoint.pk,
        document={"id": "5f0c6f2e-4d53-4b38-9a59-0b0d1a7c2f10", "event": "ping", "data": {}},
        attempt=1,
        status_code=200,
        error="",
        duration_ms=5,
    )

    response = client_for(admin).delete(f"{_base(org)}{endpoint.pk}/")

    assert response.status_code == 204
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_deactivate_stops_sending_keeps_the_log_and_refuses_twice(admin, org):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    client = client_for(admin)
    url = f"{_base(org)}{endpoint.pk}/deactivate/"

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == 200, first.content
    assert first.json()["is_active"] is False
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert_problem(again, 400)
    assert (
        AuditEvent.objects.filter(
            action="webhook_endpoint.deactivated", target_id=str(endpoint.pk)
        ).count()
        == 1
    )


def test_another_organisation_is_404_and_a_member_403(admin, org, outsider, org_member):
    endpoint, _ = endpoint_for(admin, org, "https://grc.example.com/hook")
    stranger = client_for(outsider)
    for path in ("", f"{endpoint.pk}/", f"{endpoint.pk}/deliveries/"):
        assert_problem(stranger.get(_base(org) + path), 404)
    assert_problem(stranger.post(f"{_base(org)}{endpoint.pk}/test/"), 404)
    assert_problem(stranger.post(f"{_base(org)}{endpoint.pk}/deactivate/"), 404)
    assert_problem(stranger.delete(f"{_base(org)}{endpoint.pk}/"), 404)
    member = client_for(org_member())
    for path in ("", f"{endpoint.pk}/", f"{endpoint.pk}/deliveries/"):
        assert_problem(member.get(_base(org) + path), 403)
    assert_problem(member.post(f"{_base(org)}{endpoint.pk}/test/"), 403)
    assert_problem(member.post(f"{_base(org)}{endpoint.pk}/deactivate/"), 403)
    assert_problem(member.delete(f"{_base(org)}{endpoint.pk}/"), 403)
    assert_problem(
        member.post(
            _base(org),
            {"url": "https://x.example.com/", "events": ["gate.approved"]},
            format="json",
        ),
        403,
    )
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookEndpoint.objects.get().is_active is True
    assert not OutboxMessage.objects.exists()


# --- dead letters ------------------------------------------------------------------------------


def _dead_letter(org, key="dead-1"):
    return OutboxMessage.objects.create(
        kind="accounts.invitation",
        key=key,
        status=OutboxMessage.Status.DEAD,
        attempts=8,
        last_error="550 grace.hopper@example.com: no such mailbox",
        organization_id=org.pk,
        recipient="grace.hopper@example.com",
    )


def _letters(org):
    return f"/api/v1/organizations/{org.pk}/dead-letters/"


def test_dead_letters_are_listed_masked_and_retried_or_discarded(admin, org, other_org):
    first, second = _dead_letter(org), _dead_letter(org, key="dead-2")
    _dead_letter(other_org, key="theirs")
    OutboxMessage.objects.create(kind="x", key="pending", organization_id=org.pk)
    client = client_for(admin)

    listed = client.get(_letters(org))
    retried = client.post(f"{_letters(org)}{first.pk}/retry/")
    discarded = client.post(f"{_letters(org)}{second.pk}/discard/")
    twice = client.post(f"{_letters(org)}{first.pk}/discard/")

    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert sorted(row["id"] for row in rows) == sorted([str(first.pk), str(second.pk)])
    assert "grace.hopper" not in listed.content.decode()
    assert rows[0]["recipient"].endswith("@example.com")
    assert (retried.status_code, retried.json()["status"]) == (200, "pending")
    assert (discarded.status_code, discarded.json()["status"]) == (200, "discarded")
    assert_problem(twice, 400)
    assert client.get(_letters(org)).json()["count"] == 0
    actions = set(
        AuditEvent.objects.filter(action__startswith="outbox_message.").values_list(
            "action", flat=True
        )
    )
    assert len(actions) == 2


def test_dead_letters_are_404_to_strangers_and_403_to_members(
    admin, org, other_org, outsider, org_member
):
    mine = _dead_letter(org)
    theirs = _dead_letter(other_org, key="theirs")
    for path in (f"{mine.pk}/retry/", f"{mine.pk}/discard/"):
        assert_problem(client_for(outsider).post(_letters(org) + path), 404)
        assert_problem(client_for(org_member()).post(_letters(org) + path), 403)
    assert_problem(client_for(outsider).get(_letters(org)), 404)
    assert_problem(client_for(org_member()).get(_letters(org)), 403)
    # Another organisation's message under ours, or an id that is no message: 404.
    assert_problem(client_for(admin).post(f"{_letters(org)}{theirs.pk}/retry/"), 404)
    assert_problem(client_for(admin).post(f"{_letters(org)}not-a-uuid/retry/"), 404)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"dead"}


# --- background jobs ---------------------------------------------------------------------------


def test_administrators_read_the_task_runs_and_members_are_refused(admin, org_member):
    TaskRun.objects.create(task_id="a", task_name="tests.ok", outcome=TaskRun.Outcome.SUCCEEDED)
    TaskRun.objects.create(
        task_id="b", task_name="tests.ok", outcome=TaskRun.Outcome.FAILED, error="KeyError: 'x'"
    )

    listed = client_for(admin).get("/api/v1/task-runs/")
    refused = client_for(org_member()).get("/api/v1/task-runs/")
    bad_page = client_for(admin).get("/api/v1/task-runs/?page=0")

    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["task"], row["runs"], row["failures"]) == ("tests.ok", 2, 1)
    assert row["last_error"] == "KeyError: 'x'"
    assert row["enabled"] is None
    assert_problem(refused, 403)
    assert "page" in assert_problem(bad_page, 400)["errors"]
