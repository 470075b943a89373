"""The portfolio dashboard on the demo data: every panel has something to show."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_dashboard_shows_every_panel_with_the_demo_figures(client):
    call_command("load_demo_data", stdout=StringIO())
    client.force_login(User.objects.get(email="admin@demo.charter.local"))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Projects by phase",
        "Open risks of the portfolio",
        "Your overdue tasks",
        "Compliance per framework",
        "Workshops and feedback rounds",
        "Incidents and rollouts",
    ):
        assert f">{title}</h2>" in html, title
    phases = re.findall(r'aria-label="(\d+) projects? in ([^"]+)"', html)
    assert len(phases) == 6  # scope to retired
    assert sum(int(n) for n, _ in phases) == 3  # the demo organisation's three projects
    assert "Claims triage assistant" in html
    assert "Clinical notes summariser" not in html  # the other demo organisation's
    assert "EU AI Act" in html
