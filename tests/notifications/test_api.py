"""The notifications API: only the recipient sees theirs; read, read all, preferences."""

import uuid

import pytest

from notifications.models import Notification, NotificationPreference
from notifications.services import notify

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BASE = "/api/v1/notifications/"


def _tell(org, person, n, *, start=0):
    for i in range(start, start + n):
        notify(
            kind="gate.requested",
            recipients=[person],
            organization=org,
            title=f"Gate {i}",
            link="/projects/",
            key_parts=[i],
        )


@pytest.fixture
def member(org_member):
    return org_member()


@pytest.fixture
def api(token_client, member):
    return token_client(member)


def test_list_newest_first_with_an_unread_filter(org, member, api):
    _tell(org, member, 3)
    first = Notification.objects.get(title="Gate 0")
    Notification.objects.filter(pk=first.pk).update(read_at="2026-12-01T09:00:00Z")

    every = api.get(BASE).json()
    unread = api.get(BASE + "?unread=true").json()

    assert every["count"] == 3
    assert {item["title"] for item in unread["results"]} == {"Gate 1", "Gate 2"}
    item = next(i for i in every["results"] if i["title"] == "Gate 0")
    assert item["is_read"] is True
    assert item["kind"] == "gate.requested"
    assert item["link"] == "/projects/"
    assert item["organization"] == str(org.pk)
    assert item["project"] is None
    assert api.get(BASE + "?unread=maybe").status_code == 400


def test_read_and_read_all(org, member, api):
    _tell(org, member, 3)
    one = Notification.objects.get(title="Gate 1")

    response = api.post(f"{BASE}{one.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True

    response = api.post(BASE + "read-all/")
    assert response.json() == {"marked_read": 2}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(org, api, org_member, outsider, token_client):
    other = org_member()
    _tell(org, other, 1)
    notification = Notification.objects.get()

    for response in (
        api.get(f"{BASE}{notification.pk}/"),
        api.post(f"{BASE}{notification.pk}/read/"),
        api.get(f"{BASE}{uuid.uuid4()}/"),
        api.get(f"{BASE}not-a-uuid/"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    assert Notification.objects.get().read_at is None
    assert api.get(BASE).json()["count"] == 0
    api.post(BASE + "read-all/")
    assert Notification.objects.get().read_at is None
    assert token_client(outsider).get(f"{BASE}{notification.pk}/").status_code == 404


def test_preferences_get_and_put(api, member):
    preferences = api.get(BASE + "preferences/").json()["preferences"]
    assert {p["kind"]: p["channel"] for p in preferences}["modification.flagged"] == "digest"

    response = api.put(
        BASE + "preferences/",
        {"preferences": [{"kind": "incident.opened", "channel": "off"}]},
        format="json",
    )

    assert response.status_code == 200
    chosen = {p["kind"]: p for p in response.json()["preferences"]}
    assert (chosen["incident.opened"]["channel"], chosen["incident.opened"]["is_default"]) == (
        "off",
        False,
    )
    assert NotificationPreference.objects.get(user=member).channel == "off"


@pytest.mark.parametrize(
    "body",
    [
        {"preferences": [{"kind": "no.such", "channel": "off"}]},
        {"preferences": [{"kind": "incident.opened", "channel": "pigeon"}]},
        {"preferences": [{"kind": "incident.opened", "channel": "off", "extra": 1}]},
        {"channels": {}},
        {},
    ],
)
def test_bad_preferences_are_a_400_that_changes_nothing(api, body):
    response = api.put(BASE + "preferences/", body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert not NotificationPreference.objects.exists()


def test_anonymous_is_401(api_client):
    assert api_client.get(BASE).status_code == 401
    assert api_client.get(BASE + "preferences/").status_code == 401


def test_the_list_costs_the_same_queries_for_few_and_many(
    org, member, api, django_assert_max_num_queries
):
    _tell(org, member, 2)
    api.get(BASE)
    with django_assert_max_num_queries(12) as few:
        api.get(BASE)
    _tell(org, member, 20, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(BASE)
    assert response.json()["count"] == 22
