"""Two-factor sign-in in a real headless Chromium, under the strict CSP: an administrator
whose organisation requires it is sent to set it up, scans (here: reads) the inline SVG QR
code's key, confirms with a code, sees the recovery codes once, and signs in again with a
code after the password. No console error (a CSP violation would be one)."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_two_factor_journey(page: Page, live_server, org, admin):
    org.require_two_factor_for_privileged = True
    org.save(update_fields=["require_two_factor_for_privileged"])
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.get_by_role("status")).to_contain_text("requires two-factor sign-in")

    page.goto(f"{live_server.url}/projects/")  # held on the enrolment page
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")

    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_role("textbox", name="Code").fill(_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.reload()
    expect(page.locator("#recovery-codes")).to_have_count(0)  # shown once

    page.goto(f"{live_server.url}/projects/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Projects of {org.name}")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_role("textbox", name="Code").fill(
        _code(secret, steps_ahead=1)
    )  # a code not used before
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Portfolio of {org.name}")

    assert errors == []
