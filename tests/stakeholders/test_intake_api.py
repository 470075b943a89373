"""Product feedback intake: posting with a project intake key (and only with one), its rate
limit per key, managing the keys, and reading what came in."""

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from stakeholders import services
from stakeholders.models import IntakeKey, ProductFeedback
from tests.helpers import assert_problem, client_for, event_count, new_events

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/feedback/"
HEADER = "HTTP_X_CHARTER_INTAKE_KEY"
GOOD = {"rating": 4, "comment": "Mostly right.", "model_ref": "claims-v3", "output_ref": "c-1/m-2"}


def post(plain: str | None, body: dict | None = None, client: APIClient | None = None):
    client = client or APIClient()
    # Any: mypy would otherwise match the WSGI environ entries against post()'s named flags.
    extra: dict[str, Any] = {HEADER: plain} if plain is not None else {}
    return client.post(URL, GOOD if body is None else body, format="json", **extra)


def test_a_valid_key_stores_the_feedback(world):
    before = event_count()

    response = post(world.plain_key)

    assert response.status_code == 201, response.content
    body = response.json()
    feedback = ProductFeedback.objects.get()
    assert body == {"id": str(feedback.pk), "received_at": body["received_at"]}
    assert (feedback.project_id, feedback.key_id, feedback.rating, feedback.comment) == (
        world.project.pk,
        world.key.pk,
        4,
        "Mostly right.",
    )
    assert (feedback.model_ref, feedback.output_ref) == ("claims-v3", "c-1/m-2")
    [event] = new_events(before)
    assert (event.action, event.actor_id, event.target_id, event.project_id) == (
        "product_feedback.received",
        None,
        str(feedback.pk),
        world.project.pk,
    )
    assert event.data == {"rating": 4, "key_prefix": world.key.prefix, "model_ref": "claims-v3"}
    assert IntakeKey.objects.get(pk=world.key.pk).last_used_at is not None


def test_the_key_is_enough_no_session_and_no_csrf(world):
    strict = APIClient(enforce_csrf_checks=True)
    assert post(world.plain_key, client=strict).status_code == 201

    signed_in = client_for(world.manager)  # a session is not a key
    assert_problem(post(None, client=signed_in), 401)
    assert ProductFeedback.objects.count() == 1


@pytest.mark.parametrize(
    "presented",
    [
        None,  # no header
        "",
        "chi_",
        "chi_short_secret",
        "not-a-key",
        "WRONG_SECRET",
        "PERSONAL_TOKEN",
        "REVOKED",
    ],
)
def test_missing_malformed_wrong_or_revoked_keys_are_401(world, presented):
    revoked, revoked_plain = services.intake_key_create(
        actor=world.manager, project=world.project, name="Old"
    )
    services.intake_key_revoke(actor=world.manager, key=revoked)
    prefix = world.plain_key.split("_")[1]
    from accounts.services import api_token_create

    _, personal = api_token_create(actor=world.manager, name="mine")
    presented = {
        "WRONG_SECRET": f"chi_{prefix}_not-the-secret",
        "PERSONAL_TOKEN": personal,
        "REVOKED": revoked_plain,
    }.get(presented, presented)
    before = (ProductFeedback.objects.count(), event_count())

    response = post(presented)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'IntakeKey header="X-Charter-Intake-Key"'
    expected = (
        "Authentication credentials were not provided."
        if presented is None
        else "Invalid or revoked intake key."
    )
    assert body["detail"] == expected
    assert (ProductFeedback.objects.count(), event_count()) == before


def test_a_personal_bearer_token_does_not_open_the_intake(world, token_client):
    response = token_client(world.manager).post(URL, GOOD, format="json")
    assert_problem(response, 401)
    assert ProductFeedback.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"rating": 0}, ["rating"]),
        ({"rating": 6}, ["rating"]),
        ({"rating": "five"}, ["rating"]),
        ({"rating": None}, ["rating"]),
        ({"comment": "no rating"}, ["rating"]),
        ({"rating": 3, "comment": "c" * 4001}, ["comment"]),
        ({"rating": 3, "model_ref": "m" * 121}, ["model_ref"]),
        ({"rating": 3, "project": "x"}, ["project"]),
    ],
)
def test_bad_feedback_is_400_and_stores_nothing(world, body, fields):
    before = (ProductFeedback.objects.count(), event_count())
    response = post(world.plain_key, body)
    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (ProductFeedback.objects.count(), event_count()) == before


def test_non_json_bodies_are_refused(world):
    client = APIClient()
    broken = client.generic(
        "POST", URL, '{"rating": ', content_type="application/json", **{HEADER: world.plain_key}
    )
    form = client.post(URL, {"rating": 3}, format="multipart", **{HEADER: world.plain_key})
    assert_problem(broken, 400)
    assert_problem(form, 415)
    assert ProductFeedback.objects.count() == 0


def test_posts_beyond_the_rate_are_429_per_key(world, settings):
    # The test settings raise every rate; this test sets a small one of its own.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "intake": "3/min",
        },
    }
    other, other_plain = services.intake_key_create(
        actor=world.manager, project=world.project, name="Staging"
    )
    cache.delete_many([f"throttle_intake_{k.prefix}" for k in (world.key, other)])

    statuses = [post(world.plain_key).status_code for _ in range(3)]
    before = (ProductFeedback.objects.count(), event_count())
    limited = post(world.plain_key)

    assert statuses == [201, 201, 201]
    body = assert_problem(limited, 429)
    assert body["title"] == "Too many requests"
    assert 0 < int(limited["Retry-After"]) <= 60
    assert (ProductFeedback.objects.count(), event_count()) == before
    assert post(other_plain).status_code == 201  # another key has its own budget


# --- managing keys and reading feedback -------------------------------------------------------


def test_create_list_and_revoke_keys(world):
    client = client_for(world.manager)
    before = event_count()

    created = client.post(
        f"/api/v1/projects/{world.project.pk}/intake-keys/", {"name": " Mobile app "}
    )

    assert created.status_code == 201, created.content
    body = created.json()
    key = IntakeKey.objects.get(pk=body["id"])
    assert body["key"].startswith(f"chi_{key.prefix}_")
    assert (body["name"], body["prefix"], body["is_active"]) == ("Mobile app", key.prefix, True)
    [event] = new_events(before)
    assert (event.action, event.data) == (
        "intake_key.created",
        {"name": "Mobile app", "prefix": key.prefix},
    )
    assert body["key"].split("_", 2)[2] not in str(event.data)

    listed = client.get(f"/api/v1/projects/{world.project.pk}/intake-keys/").json()["results"]
    assert [(row["name"], "key" in row) for row in listed] == [
        ("Mobile app", False),
        ("Production", False),
    ]
    assert post(body["key"]).status_code == 201

    revoked = client.post(f"/api/v1/intake-keys/{key.pk}/revoke/")
    again = client.post(f"/api/v1/intake-keys/{key.pk}/revoke/")

    assert (revoked.json()["is_active"], again.status_code) == (False, 200)
    assert [e.action for e in new_events(before)].count("intake_key.revoked") == 1
    assert_problem(post(body["key"]), 401)


@pytest.mark.parametrize(
    ("body", "field"), [({"name": ""}, "name"), ({"name": "n" * 101}, "name"), ({}, "name")]
)
def test_key_create_refuses_bad_input(world, body, field):
    before = (IntakeKey.objects.count(), event_count())
    response = client_for(world.manager).post(
        f"/api/v1/projects/{world.project.pk}/intake-keys/", body
    )
    assert list(assert_problem(response, 400)["errors"]) == [field]
    assert (IntakeKey.objects.count(), event_count()) == before


def test_product_feedback_list_and_summary(world, project_member):
    for rating, comment in [(5, "Great"), (4, "Good"), (5, "Spot on"), (1, "Wrong claim type")]:
        assert post(world.plain_key, {"rating": rating, "comment": comment}).status_code == 201
    viewer = client_for(project_member(world.project, "viewer"))
    base = f"/api/v1/projects/{world.project.pk}/product-feedback/"

    first = viewer.get(base, {"page_size": 3}).json()
    second = viewer.get(first["next"]).json()
    summary = viewer.get(f"{base}summary/").json()

    assert [row["comment"] for row in first["results"] + second["results"]] == [
        "Wrong claim type",
        "Spot on",
        "Good",
        "Great",
    ]
    assert second["next"] is None
    assert first["results"][0]["key"] == {
        "id": str(world.key.pk),
        "name": "Production",
        "prefix": world.key.prefix,
    }
    assert summary == {
        "count": 4,
        "average": 3.75,
        "distribution": [
            {"value": "1", "count": 1},
            {"value": "2", "count": 0},
            {"value": "3", "count": 0},
            {"value": "4", "count": 1},
            {"value": "5", "count": 2},
        ],
    }
