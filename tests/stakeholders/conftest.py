from datetime import timedelta

import pytest
from django.utils import timezone

from stakeholders import services
from tests.stakeholders.helpers import QUESTIONS, build_world, person_add


@pytest.fixture
def stakeholder_of(manager):
    """make(project, name) → a stakeholder of the project's organisation linked to it."""

    def make(project, name="Dana Claims", **fields):
        return person_add(manager, project, name, **fields)

    return make


@pytest.fixture
def open_round(project, manager, stakeholder_of):
    """An open round with two invited stakeholders; returns (round, invites by name)."""
    dana, lee = stakeholder_of(project, "Dana Claims"), stakeholder_of(project, "Lee Legal")
    feedback_round = services.feedback_round_create(
        actor=manager,
        project=project,
        title="Expectations",
        closes_at=timezone.now() + timedelta(days=7),
        questions=QUESTIONS,
        shared_context="We are exploring an AI claims-triage assistant.",
    )
    services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[dana.pk, lee.pk]
    )
    invites = {i.stakeholder.name: i for i in feedback_round.invites.select_related("stakeholder")}
    return feedback_round, invites


@pytest.fixture
def world(project):
    """build_world(project): stakeholders, workshops, rounds in each state, an intake key."""
    return build_world(project)
