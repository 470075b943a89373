"""In the quickstart (debug on), a form's 400 answer is swapped in place as in production:
django-htmx's debug script, which replaces the whole document with any 400 response, is not
loaded; htmx itself is, from static files (no CDN)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_pages_load_htmx_without_the_debug_script_that_swaps_400s_over_the_page(
    client, settings, debug
):
    settings.DEBUG = debug
    html = client.get("/accounts/login/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "django-htmx.js" not in html
