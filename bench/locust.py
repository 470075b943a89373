"""`python -m bench.locust [--users N] [--seconds S]`: the load scenario of bench/locustfile.py,
headless, against gunicorn gthread on the benchmark's database (docs/performance.md)."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Sequence

from bench.runner import bench_database_url, database_ensure, django_setup


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.locust", description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--csv", default="bench/results/locust", help="Locust's CSV prefix")
    options = parser.parse_args(argv)
    url = bench_database_url(dict(os.environ))
    database_ensure(url, recreate=False)
    django_setup(url)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.services import api_token_create
    from bench import http
    from bench.figures.http_pages import server_environ
    from bench.load_data import Sizes, generate
    from models_registry.models import Deployment

    call_command("migrate", interactive=False, verbosity=0)
    sizes = Sizes(60, 1_500, 600, 100, 500, 10_000, 1_000)
    data = generate(scale=1, seed=secrets.randbelow(2**31), sizes=sizes)
    deployment = Deployment.objects.filter(project__organization=data.organization).first()
    if deployment is None:
        raise SystemExit("the load data has no deployment")
    _, token = api_token_create(actor=data.admin, name="locust", expires_in_days=1)
    client = Client(HTTP_HOST="localhost")
    client.force_login(data.admin)
    world = {
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "token": token,
        "project": str(deployment.project_id),
        "deployment": str(deployment.pk),
    }
    with http.server("gunicorn gthread", server_environ()) as base:
        command = [
            str(http.BIN / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            f"--users={options.users}",
            f"--spawn-rate={max(1, options.users // 5)}",
            f"--run-time={options.seconds}s",
            f"--host={base}",
            f"--csv={options.csv}",
            "--only-summary",
        ]
        env = {**os.environ, "CHARTER_LOCUST_WORLD": json.dumps(world)}
        return subprocess.call(command, env=env)  # noqa: S603 (our own fixed command line)


if __name__ == "__main__":
    sys.exit(main())
