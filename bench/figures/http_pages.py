"""Figure 5: the API and the HTML pages under a real server, in requests per second.

A load-data organisation (bench/load_data.py): 60 projects and one project with a large risk
register (`scale.batch // 5` risks: 2,000 at full scale). Four pages, each against its
ceiling, a bare view of bench/views.py returning the same rows with `.values()` —
JSON through `JsonResponse`, HTML through a bare template — served by the same process behind
the same middleware (bench/urls.py):

- API projects: GET /api/v1/projects/ (the first page of 50) with the personal token;
- API risks: GET /api/v1/projects/{id}/risks/ (the first page of 50, score order);
- HTML project overview: GET /projects/{id}/ with a session;
- HTML risk register: GET /projects/{id}/risks/ with a session.

Method: the server is started once per kind on a free local port (bench/http.py); a burst of
`scale.batch // 50` requests (200 at full scale) shared by CONNECTIONS keep-alive connections
is one measurement; rounds interleave Charter and the ceiling, the order alternating. The API
projects page is measured under every server of bench.http.SERVERS (gunicorn sync, gunicorn
gthread, Granian WSGI), each against its own ceiling; the other pages under the first. The
SQL queries of one request of each Charter page are counted in process (Django's test
client), and reported with the size of its answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.services import api_token_create
from bench import http
from bench.load_data import Sizes, generate, risks_add
from bench.measure import Measurement
from bench.scales import Scale
from bench.world import World
from projects.models import Project

CONNECTIONS = 4
GOAL = 0.5
CEILING_JSON = "the same rows by .values() and JsonResponse, same server and middleware"
CEILING_HTML = "the same rows by .values() through a bare template, same server and middleware"


def _sizes(scale: Scale) -> Sizes:
    """Sixty projects (more than a page), few of everything else: the figure reads pages."""
    return Sizes(
        projects=60,
        risks=600,
        checks=60,
        stakeholders=10,
        answers=50,
        events=scale.batch // 10,
        points=10,
    )


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}{port}/{db['NAME']}"


def server_environ() -> dict[str, str]:
    """The server's environment: this process's database (the benchmark's, or pytest's) and
    secret key (the session cookie must verify there), production settings, a throttle high
    enough that the load is measured and not refused (the throttle still counts in Redis)."""
    return {
        "DATABASE_URL": _database_url(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHARTER_THROTTLE_USER": "100000000/min",
    }


def _page(
    name: str, charter: str, ceiling: str, headers: dict[str, str], html: bool
) -> dict[str, Any]:
    return {"name": name, "charter": charter, "ceiling": ceiling, "headers": headers, "html": html}


def _queries(path: str, headers: dict[str, str], client: Client) -> tuple[int, int]:
    """SQL queries and bytes of one request of `path`, in process."""
    sent = {k: v for k, v in headers.items() if k != "Cookie"}  # the client holds the session
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(path, secure=True, headers=sent)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code} in process")
    return len(queries), len(answer.content)


def _rounds(
    base: str, page: dict[str, Any], requests: int, rounds: int
) -> tuple[list[float], list[float]]:
    results: dict[str, list[float]] = {"charter": [], "ceiling": []}

    def burst(side: str) -> None:
        results[side].append(
            http.load(
                base,
                page[side],
                headers=page["headers"],
                requests=requests,
                connections=CONNECTIONS,
            )
        )

    burst("charter")  # warm-up of both paths in every worker: not measured
    burst("ceiling")
    results = {"charter": [], "ceiling": []}
    for number in range(rounds):
        for side in ("charter", "ceiling") if number % 2 == 0 else ("ceiling", "charter"):
            burst(side)
    return results["charter"], results["ceiling"]


def run(
    world: World,
    scale: Scale,
    *,
    servers: tuple[str, ...] = tuple(http.SERVERS),
    requests: int | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> list[Measurement]:
    if scale.name == "tiny":
        # `make test` runs the tiny scale to prove the figure runs: one server, short bursts.
        servers, requests = servers[:1], requests or CONNECTIONS
    seed = secrets.randbelow(2**31)
    data = generate(scale=1, seed=seed, sizes=_sizes(scale))
    project = Project.objects.filter(organization=data.organization).order_by("name").first()
    if project is None:
        raise RuntimeError("the load data has no project")
    register = scale.batch // 5
    risks_add(project, register - project.risks.count(), seed=seed + 1)
    _, token = api_token_create(actor=data.admin, name="http figure", expires_in_days=1)
    client = Client(HTTP_HOST="localhost")  # one of the production ALLOWED_HOSTS
    client.force_login(data.admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    proto = {"X-Forwarded-Proto": "https"}  # behind a TLS proxy, as deployed
    api = {**proto, "Authorization": f"Bearer {token}"}
    html = {**proto, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    org = data.organization.pk
    pages = [
        _page(
            "API projects",
            "/api/v1/projects/",
            f"/bench/ceiling/api/projects/?organization={org}",
            api,
            False,
        ),
        _page(
            "API risks",
            f"/api/v1/projects/{project.pk}/risks/",
            f"/bench/ceiling/api/projects/{project.pk}/risks/",
            api,
            False,
        ),
        _page(
            "HTML project overview",
            f"/projects/{project.pk}/",
            f"/bench/ceiling/projects/{project.pk}/",
            html,
            True,
        ),
        _page(
            "HTML risk register",
            f"/projects/{project.pk}/risks/",
            f"/bench/ceiling/projects/{project.pk}/risks/",
            html,
            True,
        ),
    ]
    with override_settings(STORAGES=http.STATIC_STORAGES):
        counted = {p["name"]: _queries(p["charter"], p["headers"], client) for p in pages}
    requests = requests or max(CONNECTIONS * 2, scale.batch // 50)
    environ = server_environ()
    measurements = []
    for number, kind in enumerate(servers):
        with http.server(kind, environ) as base:
            for page in pages if number == 0 else pages[:1]:
                progress(f"{page['name']} under {kind}")
                charter, ceiling = _rounds(base, page, requests, scale.rounds)
                queries, size = counted[page["name"]]
                measurements.append(
                    Measurement(
                        name=f"{page['name']}, {kind}",
                        unit="requests/s",
                        description=f"GET {page['charter']}",
                        charter_rounds=charter,
                        ceiling_rounds=ceiling,
                        ceiling=CEILING_HTML if page["html"] else CEILING_JSON,
                        goal=GOAL,
                        details={
                            "server": kind,
                            "workers": http.WORKERS,
                            "connections": CONNECTIONS,
                            "requests_per_round": requests,
                            "rounds": scale.rounds,
                            "queries_per_request": queries,
                            "answer_bytes": size,
                            "projects": _sizes(scale).projects,
                            "risks_in_register": register,
                        },
                    )
                )
    return measurements
