"""Routes × roles: every named route, every method it serves, every role, against one table.

How it works
    `routes.all_routes()` walks Django's URL resolver through every include (pages, and the
    DRF routers under /api/v1/), with the methods each view serves. `table.TABLE` says, for
    each route and method, WHO MAY with one rule (PUBLIC, SIGNED_IN, ORG_VIEW, ORG_MANAGE,
    PROJECT_VIEW, PROJECT_CONTRIBUTE, PROJECT_REVIEW, PROJECT_MANAGE, GATE_SIGN, …, in
    `rules.py`). The roles' permissions come from accounts/permissions.py's own tables, and
    `rules.expected` turns rule × role into the one outcome the role must get:

    - allowed: not a denial (2xx, a redirect elsewhere than the login page, 400 or 409 — a
      write sent with an empty body may answer 400 or re-render its form);
    - anonymous on a page: redirect to the login page; anonymous, an expired personal token
      (even on public routes) or an intake key (anywhere but the intake and public routes)
      on the API: 401 problem+json;
    - outsider (an administrator of another organisation): 404 on every object of ours;
    - visible but not allowed: 403 (an organisation member without a project role does not
      see the project: 404).

    Every denied write must leave everything as it was: no row inserted, updated or deleted
    in any table of the apps or of the audit trail (`world.snapshot`, from PostgreSQL's
    per-transaction counters). Each role's request runs in a savepoint that is rolled back,
    so an allowed write never changes what the next role sees.

Adding a route
    1. Add `"app:name": {"GET": RULE, "POST": RULE}` to `TABLE` in tests/matrix/table.py —
       the methods must be exactly those the view serves.
    2. If its URL takes a kwarg the world does not have yet, build the object in
       tests/matrix/world.py and name it in `KWARGS` (or `PK_BY_PREFIX` for an API `pk`,
       `OVERRIDES` for one route).
    3. If a write checks its body before the permission, give it a minimal valid body in
       `BODIES`, so that the denied roles reach the check the rule is about.
    4. If it lists rows, it also needs a builder in tests/matrix/test_list_queries.py (API
       `-list` routes are found by themselves; flag pages in `HTML_LISTS`).
    A route missing from the table, or an entry whose route is gone, fails
    `test_every_route_is_in_the_table`. Only the Django admin (staff only) is left out, in
    `routes.OUT_OF_TABLE`.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse

from stakeholders.services import stakeholder_create
from tests.matrix.routes import Route, all_routes
from tests.matrix.rules import API_ROLES, ROLES, Outcome, Role, Rule, expected
from tests.matrix.table import BODIES, TABLE, url_of
from tests.matrix.world import World, snapshot

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
PROBLEM = "application/problem+json"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED_STATUSES = {200, 201, 202, 204, 301, 302, 303, 400, 409}
CASES = [(name, method) for name in sorted(TABLE) for method in TABLE[name]]


def test_every_route_is_in_the_table() -> None:
    missing = sorted(set(ROUTES) - set(TABLE))
    gone = sorted(set(TABLE) - set(ROUTES))
    methods = sorted(
        f"{name}: the view serves {sorted(ROUTES[name].methods)}, the table says "
        f"{sorted(TABLE[name])}"
        for name in set(ROUTES) & set(TABLE)
        if set(ROUTES[name].methods) != set(TABLE[name])
    )
    problems = [
        *(f"{n} is a route but not in tests/matrix/table.py TABLE: add it" for n in missing),
        *(f"{n} is in TABLE but no longer a route: remove it" for n in gone),
        *methods,
    ]
    assert not problems, "\n".join(problems)


def _send(world: World, role: Role, route: Route, method: str, url: str) -> HttpResponse:
    body = BODIES.get((route.name, method))
    data = body(world.objects, role.name) if body else {}
    if route.is_api:
        client: Any = world.api[role.name]
        if method == "GET":
            return client.get(url)
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    client = world.html[role.name]
    cookies = SimpleCookie(client.cookies)  # signing out or in must not change who is next
    try:
        if method == "GET":
            return client.get(url)
        if method == "POST":
            return client.post(url, data)
        return client.generic(method, url)
    finally:
        client.cookies = cookies


def _mismatch(response: HttpResponse, want: Outcome, route: Route) -> str | None:
    """Why the response is not `want`, or None."""
    status = response.status_code
    location = response.get("Location", "")
    # The sign-in wall sends people on with ?next=; the login page itself (after signing
    # out, say) is an ordinary destination.
    to_login = location.startswith(reverse("accounts:login") + "?next=")
    content_type = response.get("Content-Type", "")
    seen = f"got {status}{' → ' + location if location else ''}"
    if want is Outcome.ALLOWED:
        if status not in ALLOWED_STATUSES or to_login:
            return f"must be allowed, {seen}"
        return None
    if want is Outcome.LOGIN:
        return None if status == 302 and to_login else f"must {want}, {seen}"
    wanted_status = {
        Outcome.UNAUTHENTICATED: 401,
        Outcome.FORBIDDEN: 403,
        Outcome.NOT_FOUND: 404,
    }[want]
    if status != wanted_status:
        return f"must be {want}, {seen}"
    if route.is_api and content_type != PROBLEM:
        return f"must be {want} as {PROBLEM}, got {content_type}"
    return None


def _check_role(world: World, role: Role, route: Route, method: str, rule: Rule) -> str | None:
    want = expected(rule, role, is_api=route.is_api)
    url = url_of(world, route)
    checks_nothing_changed = want is not Outcome.ALLOWED and method in WRITES
    with transaction.atomic():
        before = snapshot() if checks_nothing_changed else None
        try:
            response = _send(world, role, route, method, url)
        except Exception as error:
            problem: str | None = f"raised {error!r}"
        else:
            problem = _mismatch(response, want, route)
        if problem is None and before is not None:
            after = snapshot()
            changed = sorted(
                t for t in after.keys() | before.keys() if after.get(t) != before.get(t)
            )
            if changed:
                problem = f"denied, yet wrote to {changed}"
        transaction.set_rollback(True)
    return None if problem is None else f"{role.name} ({rule!r}): {problem}"


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{m} {n}" for n, m in CASES])
def test_route_answers_each_role_as_the_table_says(world: World, name: str, method: str) -> None:
    route = ROUTES.get(name)
    assert route is not None, f"{name} is in TABLE but no longer a route: remove it"
    assert method in route.methods, f"{name} does not serve {method}: fix TABLE"
    rule = TABLE[name][method]
    roles = API_ROLES if route.is_api else ROLES
    failures = [
        problem
        for role in roles
        if (problem := _check_role(world, role, route, method, rule)) is not None
    ]
    assert not failures, f"{method} {url_of(world, route)}\n" + "\n".join(failures)


def test_the_snapshot_sees_a_write_and_its_audit_event(world: World) -> None:
    """The "nothing changed" check can fail: a service's write and its audit row show."""
    before = snapshot()
    with transaction.atomic():
        stakeholder_create(
            actor=world.users["manager"],
            organization=world.org,
            name="Kim",
            email="kim@acme.test",
            kind="end_user",
        )
        transaction.set_rollback(True)  # undone, and still seen: it was written
    after = snapshot()
    changed = {t for t in after if after[t] != before[t]}
    # the row, its audit event and the captured row change
    assert changed == {"stakeholders_stakeholder", "audit_auditevent", "audit_rowchange"}
