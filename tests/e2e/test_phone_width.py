"""Every main page fits a 360 px phone screen without sideways scrolling: wide tables scroll
inside their own box or stack their rows, long words break."""

import pytest
from playwright.sync_api import Browser

from tests.helpers import sign_in
from tests.projects.scope_helpers import assessed_risk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360

PAGES = [
    "/projects/{p}/",
    "/projects/{p}/risks/",
    "/projects/{p}/stakeholders/",
    "/projects/{p}/operate/",
    "/projects/{p}/scope/",
    "/projects/{p}/scope/new/",
    "/projects/{p}/workshops/",
    "/projects/{p}/tasks/",
    "/projects/{p}/gate/",
    "/compliance/projects/{p}/",
    "/projects/{p}/audit/",
    "/organizations/stakeholders/",
    "/compliance/workspace/",
    "/compliance/audit/",
    "/inbox/",
    "/projects/",
    "/",
    "/incidents/",
]


def test_the_main_pages_fit_a_360_px_screen(browser: Browser, live_server, project, manager, admin):
    assessed_risk(project, manager, likelihood=4, impact=5)
    context = browser.new_context(viewport={"width": WIDTH, "height": 780})
    page = context.new_page()
    sign_in(page, live_server.url, admin.email)
    too_wide = {}
    for path in PAGES:
        response = page.goto(live_server.url + path.format(p=project.pk))
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            culprits = page.evaluate(
                """(w) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w + 1
                                 && e.parentElement.getBoundingClientRect().right <= w + 1)
                    .slice(0, 4)
                    .map(e => e.outerHTML.slice(0, 160))""",
                WIDTH,
            )
            too_wide[path] = (width, culprits)
    assert too_wide == {}
