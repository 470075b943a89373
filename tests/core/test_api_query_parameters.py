"""Query parameters DRF would read quietly: given blank, or given twice."""

import pytest

from core.api.serializers import BLANK_PARAMETER, GIVE_ONCE
from tests.helpers import assert_problem, client_for

pytestmark = pytest.mark.django_db


def test_a_blank_parameter_is_refused_not_read_as_absent(org, admin):
    response = client_for(admin).get(
        f"/api/v1/organizations/{org.pk}/catalogue-models/export/?format="
    )
    assert assert_problem(response, 400)["errors"] == {"format": [BLANK_PARAMETER]}


def test_a_parameter_given_twice_is_refused_not_read_as_its_last_value(org, admin):
    response = client_for(admin).get(
        f"/api/v1/organizations/{org.pk}/catalogue-models/export/?format=csv&format=json"
    )
    assert assert_problem(response, 400)["errors"] == {"format": [GIVE_ONCE]}


def test_a_parameter_given_once_still_works(org, admin):
    response = client_for(admin).get(
        f"/api/v1/organizations/{org.pk}/catalogue-models/export/?format=csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
