"""Idempotency-Key on POST: a retried create answers the first response again and creates
nothing more; the same key for another request is a 422; a running first request is a 409."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.response import Response

from audit.models import AuditEvent
from core.api.idempotency import finish
from core.models import IdempotentRequest
from projects.models import Project
from tests.helpers import assert_problem, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def _create(client, org, name="Chatbot", key="8d0c6f1e-5b7a-4c2e-9f3d-1a2b3c4d5e6f"):
    return client.post(URL, {"organization": str(org.pk), "name": name}, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_create_replays_the_first_answer_and_creates_once(admin, org):
    client = client_for(admin)

    first = _create(client, org)
    events = AuditEvent.objects.count()
    again = _create(client, org)

    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Project.objects.filter(name="Chatbot").count() == 1
    assert AuditEvent.objects.count() == events


def test_the_same_key_for_another_body_or_path_is_a_422_and_changes_nothing(admin, org):
    client = client_for(admin)
    _create(client, org)

    other_body = _create(client, org, name="Something else")
    other_path = client.post(
        "/api/v1/tokens/",
        {"name": "x"},
        HTTP_IDEMPOTENCY_KEY=("8d0c6f1e-5b7a-4c2e-9f3d-1a2b3c4d5e6f"),
    )

    assert assert_problem(other_body, 422)["code"] == "idempotency_key_reused"
    assert assert_problem(other_path, 422)["code"] == "idempotency_key_reused"
    assert not Project.objects.filter(name="Something else").exists()


def test_keys_belong_to_their_user(admin, org, org_member):
    colleague = org_member("member")

    mine = _create(client_for(admin), org, name="Mine")
    theirs = _create(client_for(colleague), org, name="Theirs")

    assert mine.status_code == 201
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert Project.objects.filter(name__in=["Mine", "Theirs"]).count() == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "clé", "two words"])
def test_a_malformed_key_is_a_400_and_creates_nothing(admin, org, key):
    response = _create(client_for(admin), org, key=key)

    assert "Idempotency-Key" in assert_problem(response, 400)["errors"]
    assert not Project.objects.filter(name="Chatbot").exists()
    assert not IdempotentRequest.objects.exists()


def test_a_refusal_is_replayed_too(admin, org):
    client = client_for(admin)
    body = {"organization": str(org.pk), "name": ""}

    first = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="k-400")
    again = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="k-400")

    assert_problem(first, 400)
    assert again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["errors"] == first.json()["errors"]


def test_while_the_first_request_runs_a_retry_is_a_409(admin, org):
    client = client_for(admin)
    _create(client, org)
    # The first request has claimed the key and not answered yet.
    IdempotentRequest.objects.update(completed_at=None, status_code=None, response_body=None)

    response = _create(client, org)

    assert assert_problem(response, 409)["code"] == "idempotency_key_in_flight"
    assert Project.objects.filter(name="Chatbot").count() == 1


def test_a_key_is_forgotten_after_24_hours(admin, org):
    client = client_for(admin)
    _create(client, org)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    # Within the day the same key for another body would be a 422; a day later it is new.
    response = _create(client, org, name="Chatbot 2")

    assert response.status_code == 201, response.content
    assert "Idempotent-Replayed" not in response
    assert IdempotentRequest.objects.count() == 1


def test_without_a_key_nothing_is_stored(admin, org):
    client = client_for(admin)

    client.post(URL, {"organization": str(org.pk), "name": "A"})
    client.post(URL, {"organization": str(org.pk), "name": "A2"})

    assert not IdempotentRequest.objects.exists()
    assert Project.objects.filter(name__in=["A", "A2"]).count() == 2


@pytest.mark.parametrize(
    ("status", "kept"),
    [(201, True), (400, True), (409, False), (412, False), (429, False), (503, False)],
)
def test_answers_that_say_try_again_are_not_kept(admin, status, kept):
    record = IdempotentRequest.objects.create(
        owner=str(admin.pk), key="k", method="POST", path=URL, fingerprint="f"
    )

    finish(record, Response({"detail": "x"}, status=status))

    assert (
        IdempotentRequest.objects.filter(pk=record.pk, completed_at__isnull=False).exists() == kept
    )
    assert IdempotentRequest.objects.filter(pk=record.pk).exists() == kept


def test_a_bug_after_the_claim_releases_the_key(admin):
    record = IdempotentRequest.objects.create(
        owner=str(admin.pk), key="k", method="POST", path=URL, fingerprint="f"
    )

    finish(record, None)  # what the viewset does when the handler raised

    assert not IdempotentRequest.objects.exists()
