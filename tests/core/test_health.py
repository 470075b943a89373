"""`/healthz` answers 200 when PostgreSQL and Redis answer, 503 when the broker is down;
the rest of the site keeps working while the broker is down."""

import time
from collections.abc import Iterator

import pytest

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


def test_pages_still_answer_while_the_broker_is_down(client, broker_down):
    assert client.get("/healthz").status_code == 503

    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
