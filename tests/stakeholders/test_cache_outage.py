"""With the cache server (Redis) unreachable, throttled routes still answer — and still limit.

The cache is pointed at a port where nothing listens, so every cache call fails for real
(connection refused), as it does when Redis is stopped.
"""

import logging

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from core.ratecache import clear_local_fallback
from stakeholders import links, ratelimit
from stakeholders.models import FeedbackResponse
from tests.stakeholders.helpers import build_world

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture(autouse=True)
def _redis_down():
    clear_local_fallback()
    with override_settings(CACHES=REDIS_DOWN):
        yield
    clear_local_fallback()


def test_the_api_answers_signed_in_requests(token_client, manager, caplog):
    client = token_client(manager)
    with caplog.at_level(logging.WARNING, logger="core.ratecache"):
        response = client.get("/api/v1/me/")

    assert response.status_code == 200, response.content
    assert response.json()["email"] == manager.email
    assert "rate limits count per process" in caplog.text


def test_an_anonymous_api_request_gets_its_401_not_a_500():
    response = APIClient().get("/api/v1/projects/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_product_feedback_intake_still_stores_and_still_limits_per_key(project, settings):
    world = build_world(project)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "intake": "2/min",
        },
    }
    client = APIClient()

    statuses = [
        client.post(
            "/api/v1/intake/feedback/",
            {"rating": 4},
            format="json",
            HTTP_X_CHARTER_INTAKE_KEY=world.plain_key,
        ).status_code
        for _ in range(3)
    ]

    assert statuses == [201, 201, 429]


def test_the_public_form_still_takes_an_answer(open_round):
    feedback_round, invites = open_round
    token = links.make_token(invites["Dana Claims"])
    questions = {q.position: str(q.pk) for q in feedback_round.questions.all()}

    response = Client().post(f"/f/{token}/", {questions[1]: "4", questions[2]: "Jobs"})

    assert response.status_code in (200, 302), response.content
    assert FeedbackResponse.objects.filter(invite=invites["Dana Claims"]).count() == 1


def test_the_public_form_limit_holds_in_local_memory_meanwhile():
    client = Client()
    statuses = [
        client.post(f"/f/garbage{n}/", {}).status_code
        for n in range(ratelimit.PUBLIC_FORM_LIMIT + 1)
    ]

    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429
