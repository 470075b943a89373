"""Browser journeys: Playwright driving the operating system's Chromium (never a downloaded one)."""

import os

import pytest

# live_server runs Django in a thread while the test body drives the browser synchronously
# and reads the ORM; Django's async-safety check would refuse those ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _close_pages_after_each_journey(browser):
    """Close every page a journey opened: an open page keeps polling (the bell every 30 s)
    into the next test, whose flush of the database then deadlocks with its requests."""
    yield
    for context in list(browser.contexts):
        context.close()
