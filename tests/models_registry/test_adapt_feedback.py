"""Human feedback on the model — by hand and from the product-feedback intake — triaged and
addressed by a later version; and user-testing sessions (counts, never people)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from models_registry import services
from models_registry.models import HumanFeedback, UserTestSession
from stakeholders import services as stakeholder_services
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db
INTAKE = "/api/v1/intake/feedback/"


@pytest.fixture
def versions(project, manager):
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="claims-v2"
    )
    return v1, v2


def _intake(project, manager, body):
    _, plain = stakeholder_services.intake_key_create(actor=manager, project=project, name="App")
    return APIClient().post(INTAKE, body, format="json", HTTP_X_CHARTER_INTAKE_KEY=plain)


def test_product_feedback_with_a_comment_arrives_as_feedback_on_the_named_version(
    project, manager, versions
):
    response = _intake(
        project, manager, {"rating": 4, "comment": "Good, but slow.", "model_ref": "claims-v2"}
    )
    assert response.status_code == 201
    item = HumanFeedback.objects.get()
    assert (item.source, item.text, item.rating, item.status) == (
        "product",
        "Good, but slow.",
        4,
        "new",
    )
    assert item.model_version == versions[1]
    assert str(item.source_id) == response.json()["id"]


def test_a_poor_rating_without_a_word_is_triaged_and_a_good_one_is_not(project, manager, versions):
    _intake(project, manager, {"rating": 5})
    assert not HumanFeedback.objects.exists()
    _intake(project, manager, {"rating": 1, "model_ref": "unknown"})
    item = HumanFeedback.objects.get()
    assert item.text == "Rated 1/5 without a comment."
    assert item.model_version is None


def test_feedback_is_triaged_then_addressed_by_a_later_version(project, manager, versions):
    v1, v2 = versions
    item = services.feedback_record(
        actor=manager, project=project, text="Hail claims go to motor.", model_version=v1
    )
    with pytest.raises(ValidationError, match="why"):
        services.feedback_triage(actor=manager, item=item, status="rejected")
    with pytest.raises(ValidationError, match="accepted"):
        services.feedback_addressed(actor=manager, item=item, version=v2)
    services.feedback_triage(actor=manager, item=item, status="needs_change", note="Add hail.")
    with pytest.raises(ValidationError, match="after the one"):
        services.feedback_addressed(actor=manager, item=item, version=v1)
    done = services.feedback_addressed(actor=manager, item=item, version=v2)
    assert (done.status, done.addressed_in) == ("addressed", v2)


def test_the_api_triages_and_addresses_feedback(project, manager, versions, token_client):
    v1, v2 = versions
    api = token_client(manager)
    base = f"/api/v1/projects/{project.pk}/adapt/feedback/"
    made = api.post(base, {"text": "Too terse.", "model_version": str(v1.pk)}, format="json")
    assert made.status_code == 201
    item = made.json()["id"]
    triaged = api.post(f"{base}{item}/triage/", {"status": "accepted"}, format="json")
    assert triaged.json()["status"] == "accepted"
    addressed = api.post(f"{base}{item}/addressed/", {"version": str(v2.pk)}, format="json")
    assert addressed.status_code == 200
    assert addressed.json()["addressed_in"]["name"] == "claims-v2"
    assert api.get(base, {"status": "addressed"}).json()["count"] == 1
    assert api.get(base, {"status": "bogus"}).status_code == 400


def test_a_user_test_records_counts_and_refuses_more_successes_than_attempts(
    project, manager, versions, token_client
):
    v1, _ = versions
    session = services.user_test_record(
        actor=manager,
        project=project,
        model_version=v1,
        held_on=date(2026, 11, 20),
        participants=6,
        tasks=["Route five claims", "Explain one routing"],
        attempts=30,
        successes=24,
        satisfaction=Decimal("4.2"),
    )
    assert session.success_rate == 0.8
    with pytest.raises(ValidationError, match="More successes"):
        services.user_test_record(
            actor=manager,
            project=project,
            model_version=v1,
            held_on=date(2026, 11, 21),
            participants=2,
            attempts=3,
            successes=4,
        )
    api = token_client(manager)
    bad = api.post(
        f"/api/v1/projects/{project.pk}/adapt/user-tests/",
        {
            "model_version": str(v1.pk),
            "held_on": "2026-11-22",
            "participants": 4,
            "attempts": 8,
            "successes": 6,
            "satisfaction": 7,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "satisfaction" in bad.json()["errors"]
    assert UserTestSession.objects.count() == 1
