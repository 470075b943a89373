"""The load scenario: many people at once on one organisation (docs/performance.md).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.locust --users 20 --seconds 60

builds a load-data organisation, starts gunicorn gthread on a free port and runs this file
headless against it. The people, with their weights:

- managers browse (project list, overview, risk register, a filtered page, the API risks);
- compliance officers read the audit trail page and export the trail as CSV;
- API clients post batches of monitoring points and read the projects API.

Stakeholders submitting feedback forms and managers editing risks are not in it yet: both
need per-request CSRF or signed-link tokens the scenario does not mint.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from locust import HttpUser, between, task

WORLD: dict[str, Any] = json.loads(os.environ.get("CHARTER_LOCUST_WORLD", "{}"))
PROTO = {"X-Forwarded-Proto": "https"}


class Manager(HttpUser):
    weight = 5
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers.update(PROTO)
        self.client.cookies.set("sessionid", WORLD["session"])

    @task(3)
    def risk_register(self) -> None:
        self.client.get(f"/projects/{WORLD['project']}/risks/", name="/projects/[id]/risks/")

    @task(2)
    def overview(self) -> None:
        self.client.get(f"/projects/{WORLD['project']}/", name="/projects/[id]/")

    @task(2)
    def project_list(self) -> None:
        self.client.get("/projects/")

    @task(1)
    def heat_map_cell(self) -> None:
        self.client.get(
            f"/projects/{WORLD['project']}/risks/?likelihood=3&impact=4&page=1",
            name="/projects/[id]/risks/?cell",
        )


class ComplianceOfficer(HttpUser):
    weight = 1
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.client.headers.update(PROTO)
        self.client.cookies.set("sessionid", WORLD["session"])

    @task(3)
    def audit_trail(self) -> None:
        self.client.get("/compliance/audit/")

    @task(1)
    def export(self) -> None:
        self.client.get("/compliance/audit/export.csv")


class ApiClient(HttpUser):
    weight = 2
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.headers.update({**PROTO, "Authorization": f"Bearer {WORLD['token']}"})

    @task(2)
    def post_points(self) -> None:
        start = datetime.now(UTC) - timedelta(hours=1)
        batch = uuid.uuid4().hex
        body = {
            "batch_id": f"locust-{batch}",
            "points": [  # a metric of its own per batch: no two batches share a point
                {
                    "metric": f"m-{batch[:12]}",
                    "at": (start + timedelta(seconds=n)).isoformat(),
                    "value": n,
                }
                for n in range(100)
            ],
        }
        self.client.post(
            f"/api/v1/projects/{WORLD['project']}/operate/deployments/{WORLD['deployment']}/points/",
            json=body,
            name="/api/v1/…/points/",
        )

    @task(3)
    def projects(self) -> None:
        self.client.get("/api/v1/projects/")

    @task(3)
    def risks(self) -> None:
        self.client.get(
            f"/api/v1/projects/{WORLD['project']}/risks/", name="/api/v1/projects/[id]/risks/"
        )
