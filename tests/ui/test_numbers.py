"""Numbers and money as people read them, on the pages and in the filters behind them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from projects import services
from tests.projects.scope_helpers import go_feasibility

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load charter %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("9E+1"), "90"),
        (Decimal("90.0000"), "90"),
        (Decimal("0.93000000"), "0.93"),
        (Decimal("1234567.125"), "1,234,567.125"),
        (7, "7"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_number_has_no_exponent_nor_trailing_zeros_and_groups_thousands(value, shown):
    assert render("{{ v|number }}", v=value) == shown


def test_money_uses_the_currency_symbol_of_the_active_locale():
    assert render("{{ v|money:'EUR' }}", v=Decimal("120000.00")) == "€120,000.00"
    assert render("{{ v|money:c }}", v=Decimal("5"), c="usd") == "$5.00"
    with translation.override("de"):
        assert render("{{ v|money:'EUR' }}", v=Decimal("120000.00")) == "120.000,00\xa0€"
    # No currency: a number; nothing: nothing, so |default can stand in.
    assert render("{{ v|money }}", v=Decimal("12.50")) == "12.5"
    assert render("{{ v|money:'EUR'|default:'—' }}", v=None) == "—"


def test_the_scope_page_shows_a_target_of_90_as_90(client, project, manager):
    services.scope_version_create(
        actor=manager,
        project=project,
        goals="Answer faster.",
        success_criteria=[{"metric": "Accuracy", "comparison": "gte", "target": "90", "unit": "%"}],
    )
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/scope/").content.decode()
    assert "Accuracy at least 90 %" in page or "Accuracy ≥ 90 %" in page, page
    assert "9E+1" not in page


def test_the_feasibility_page_shows_money_with_its_symbol(client, project, manager):
    go_feasibility(project, manager)
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/feasibility/").content.decode()
    assert "Estimated €120,000.00, available €150,000.00" in page
    assert "120000.00 EUR" not in page
