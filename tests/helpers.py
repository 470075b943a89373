"""Plain helpers shared by the tests: API clients, problem-details assertions, audit-trail
bookkeeping and the browser's sign-in. Fixtures live in tests/conftest.py."""

from typing import Any

from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

PROBLEM = "application/problem+json"
# A well-formed id that no row has. Fixed, not uuid4() at import: a test id built from a fresh
# random value differs between pytest-xdist workers, which then refuse to run the suite.
UNKNOWN_UUID = "6b1f0c7e-2d4a-4c9b-9e3f-7a5d8c2b1e40"


# --- clients ----------------------------------------------------------------------------------


def client_for(user: User | None) -> APIClient:
    """An API client signed in with a session (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def bearer_client(token: str) -> APIClient:
    """An API client sending `Authorization: Bearer <token>` on every request."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- answers ----------------------------------------------------------------------------------


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status, about this request; answer its
    body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["instance"] == response.wsgi_request.path
    return body


# --- the audit trail --------------------------------------------------------------------------


def event_count() -> int:
    return AuditEvent.objects.count()


def new_events(since: int) -> list[AuditEvent]:
    """The audit events recorded after the first `since` ones, oldest first."""
    return list(AuditEvent.objects.order_by("occurred_at", "sequence")[since:])


def act(
    client: APIClient,
    method: str,
    url: str,
    data: Any = None,
    *,
    status: int,
    events: list[tuple[str, Any]],
) -> Any:
    """Call the API, check the status and that exactly `events` — (action, actor id) — were
    recorded, all from the API; answer the JSON body."""
    before = event_count()
    response = getattr(client, method)(url, data, format="json")
    assert response.status_code == status, response.content
    recorded = new_events(before)
    assert [(e.action, e.actor_id) for e in recorded] == events
    assert {e.origin for e in recorded} <= {"api"}
    return response.json()


def refused(
    client: APIClient, method: str, url: str, data: Any = None, *, status: int
) -> dict[str, Any]:
    """Call the API expecting a problem with `status` and no audit event at all."""
    before = event_count()
    body = assert_problem(getattr(client, method)(url, data, format="json"), status)
    assert event_count() == before
    return body


# --- the browser ------------------------------------------------------------------------------


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in through the login page with the factories' password; land on the dashboard."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio of")
