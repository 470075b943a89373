"""Nobody can lock stakeholders out of the public form: garbage links spend a budget of their
own, and behind the trusted proxies each client is counted by its own address. Bad intake keys
are limited per address."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.ratelimit import BAD_CREDENTIALS_LIMIT
from stakeholders import links, ratelimit
from stakeholders.models import FeedbackResponse
from tests.stakeholders.helpers import build_world

pytestmark = pytest.mark.django_db

LIMIT = ratelimit.PUBLIC_FORM_LIMIT


def _answer(client, feedback_round, invite, **meta):
    ids = {q.position: str(q.pk) for q in feedback_round.questions.all()}
    return client.post(f"/f/{links.make_token(invite)}/", {ids[1]: "4", ids[2]: "Jobs"}, **meta)


def _garbage(client, n, **meta):
    return [client.post(f"/f/garbage{i}/", {}, **meta).status_code for i in range(n)]


def test_garbage_links_cannot_exhaust_a_stakeholders_budget(open_round):
    feedback_round, invites = open_round
    client = Client()  # the same address for the script and the stakeholder (one office NAT)

    statuses = _garbage(client, LIMIT + 1)
    answered = _answer(client, feedback_round, invites["Dana Claims"])

    assert statuses[-1] == 429  # the script is limited...
    assert answered.status_code in (200, 302)  # ...the stakeholder is not
    assert FeedbackResponse.objects.filter(invite=invites["Dana Claims"]).count() == 1


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(settings):
    settings.CHARTER_TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="10.0.0.2")  # every request arrives from the proxy

    script = _garbage(client, LIMIT + 1, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = _garbage(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert script[-1] == 429
    assert other == [404]  # an unknown link, not "too many attempts"


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(settings):
    settings.CHARTER_TRUSTED_PROXIES = 0
    client = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [
        client.post(f"/f/garbage{i}/", {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(LIMIT + 1)
    ]

    assert statuses[-1] == 429


def test_an_address_sending_bad_intake_keys_is_throttled_and_good_keys_still_work(project):
    world = build_world(project)
    client = APIClient()

    def post(key):
        return client.post(
            "/api/v1/intake/feedback/", {"rating": 4}, format="json", HTTP_X_CHARTER_INTAKE_KEY=key
        )

    statuses = [
        post(f"chi_deadbeef_{n:064x}").status_code for n in range(BAD_CREDENTIALS_LIMIT + 1)
    ]

    assert statuses[:-1] == [401] * BAD_CREDENTIALS_LIMIT
    assert statuses[-1] == 429
    assert post(world.plain_key).status_code == 201
