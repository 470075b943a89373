"""The demo's privacy record: a dataset with its full inventory record and a DPIA in review
on the claims project."""

from io import StringIO

import pytest
from django.core.management import call_command

from compliance.models import DpiaVersion
from compliance.privacy_inventory import inventory_gaps
from models_registry.models import Dataset
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_claims_project_has_an_inventory_and_a_dpia_in_review():
    call_command("load_demo_data", stdout=StringIO())
    claims = Project.objects.get(name="Claims triage assistant")
    calls = Dataset.objects.get(project=claims, name="Claim call notes 2025")
    assert calls.special_categories == ["health"]
    assert calls.transfer_safeguard == "sccs"
    assert inventory_gaps(calls) == []
    dpia = DpiaVersion.objects.get(project=claims)
    assert (dpia.number, dpia.status, dpia.is_required) == (1, "in_review", True)
    assert calls in dpia.datasets.all()
    assert dpia.risks.get().category == "privacy"
