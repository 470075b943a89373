"""Posts to the intake with invalid keys are throttled per client address: past
BAD_CREDENTIALS_LIMIT failures in the window the address gets 429 with Retry-After instead of
401, while a valid key, from that address or any other, keeps its own budget. Before, 100
posts with garbage keys were 100 answers of 401."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from core.ratelimit import BAD_CREDENTIALS_LIMIT, BAD_CREDENTIALS_WINDOW_SECONDS
from stakeholders.models import ProductFeedback
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/feedback/"
GOOD = {"rating": 4}


def post(key: str, **meta: Any):
    return APIClient().post(URL, GOOD, format="json", HTTP_X_CHARTER_INTAKE_KEY=key, **meta)


def test_a_hundred_garbage_keys_are_cut_off_after_the_limit(world):
    statuses = [post(f"chi_garbage_{n}").status_code for n in range(100)]

    assert statuses[:BAD_CREDENTIALS_LIMIT] == [401] * BAD_CREDENTIALS_LIMIT
    assert set(statuses[BAD_CREDENTIALS_LIMIT:]) == {429}
    limited = post("chi_garbage_last")
    body = assert_problem(limited, 429)
    assert body["title"] == "Too many requests"
    assert int(limited["Retry-After"]) == BAD_CREDENTIALS_WINDOW_SECONDS
    assert ProductFeedback.objects.count() == 0


def test_garbage_does_not_spend_a_valid_keys_budget(world):
    # Garbage that even names the valid key's prefix, from the same address.
    forged = f"chi_{world.key.prefix}_{'x' * 40}"
    for _ in range(BAD_CREDENTIALS_LIMIT + 5):
        post(forged)

    assert post(world.plain_key).status_code == 201  # the same address, a valid key
    assert ProductFeedback.objects.count() == 1


def test_the_cut_off_is_per_client_address_behind_the_trusted_proxy(world, settings):
    settings.CHARTER_TRUSTED_PROXIES = 1
    script = [
        post("chi_garbage", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        for _ in range(BAD_CREDENTIALS_LIMIT + 1)
    ]

    assert script[-1] == 429
    assert post("chi_garbage", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 401
