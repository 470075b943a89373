"""`/healthz` answers 200 when PostgreSQL and Redis answer, 503 when the broker is down;
the rest of the site keeps working while the broker is down.

The probe lives in core, which may not import config: it reaches config's Celery app through
Celery's default app. The broker-down tests change that app's broker and see the probe follow,
so the probe talks to the broker the workers use, not to some other app's."""

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from config.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down() -> Iterator[None]:
    original = app.conf.broker_url
    app.conf["broker_url"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        yield
    finally:
        app.conf["broker_url"] = original


def test_healthz_is_ok_with_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"ok": True, "vendor": "postgresql"},
        "broker": {"ok": True, "transport": "redis"},
    }
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_healthz_answers_503_quickly_when_the_broker_is_down(client, broker_down):
    started = time.monotonic()

    response = client.get("/healthz")

    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["checks"]["broker"] == {"ok": False, "error": "OperationalError"}


def test_healthz_reaches_the_configured_broker_from_another_thread():
    # runserver and threaded gunicorn workers answer requests in threads of their own; there,
    # too, the probe must find config's app (Celery's fallback app would try AMQP on 5672).
    answers: list[tuple[int, dict[str, Any]]] = []

    def probe() -> None:
        try:
            response = Client().get("/healthz")
            answers.append((response.status_code, response.json()["checks"]["broker"]))
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=10)

    assert answers == [(200, {"ok": True, "transport": "redis"})]


def test_pages_still_answer_while_the_broker_is_down(client, broker_down):
    assert client.get("/healthz").status_code == 503

    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
