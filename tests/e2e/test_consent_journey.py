"""Consent in a real browser: a stakeholder opens the feedback link from their email, gives
consent and answers; later opens the withdrawal link from the same email and withdraws; the
project's manager sees the consent withdrawn."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from notifications.models import Notification
from outbox.services import outbox_deliver_due
from stakeholders import services
from stakeholders.models import ConsentRecord
from tests.e2e.axe import axe_violations
from tests.helpers import sign_in
from tests.pages import found

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TERMS = "We use your answers to shape the claims assistant.\nYou may withdraw at any time."


def test_a_stakeholder_consents_then_withdraws_and_the_manager_sees_it(
    page: Page, browser: Browser, live_server, project, manager, admin
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    services.consent_policy_publish(
        actor=admin,
        organization=project.organization,
        purpose="Processing of feedback answers",
        text=TERMS,
        required_on_feedback=True,
    )
    dana = services.stakeholder_create_on_project(
        actor=manager, project=project, name="Dana Claims", email="dana@example.com"
    ).stakeholder
    feedback_round = services.feedback_round_create(
        actor=manager,
        project=project,
        title="Expectations",
        closes_at=timezone.now() + timedelta(days=7),
        questions=[{"kind": "rating", "prompt": "How useful would the assistant be?"}],
    )
    services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[dana.pk]
    )
    mail.outbox.clear()
    assert outbox_deliver_due() == 1
    body = str(mail.outbox[0].body)
    form_path = found(r"https?://[^/\s]+(/f/[^/\s]+/)", body).group(1)
    withdraw_path = found(r"https?://[^/\s]+(/consent/withdraw/[^/\s]+/)", body).group(1)

    stranger = browser.new_context()  # Dana: no account, no session
    try:
        form = stranger.new_page()
        form.goto(f"{base}{form_path}")
        expect(form.locator("#consent-text")).to_have_text(TERMS)
        form.get_by_role("group", name=re.compile("How useful")).get_by_label(
            "4", exact=True
        ).check()
        form.get_by_role("button", name="Send my answers").click()  # without the box
        expect(form.get_by_role("alert")).to_contain_text("Tick the box to consent")
        assert axe_violations(form) == []  # the terms, the box and its error
        assert not ConsentRecord.objects.exists()
        form.get_by_label("I consent to the processing of my answers").check()
        form.get_by_role("button", name="Send my answers").click()
        expect(form.get_by_role("heading", level=1)).to_have_text("Thank you")
        assert ConsentRecord.objects.get().withdrawn_at is None

        form.goto(f"{base}{withdraw_path}")
        expect(form.get_by_role("heading", level=1)).to_have_text("Your consent")
        expect(form.get_by_text("Processing of feedback answers")).to_be_visible()
        assert axe_violations(form) == []
        form.get_by_role("button", name="Withdraw my consent").click()
        expect(form.get_by_role("status")).to_contain_text("Your consent is withdrawn.")
        expect(form.get_by_role("button", name="Withdraw my consent")).to_have_count(0)
    finally:
        stranger.close()
    assert ConsentRecord.objects.get().withdrawn_via == "link"

    sign_in(page, base, manager.email)
    assert Notification.objects.filter(kind="consent.withdrawn", recipient=manager).exists()
    page.goto(f"{base}/projects/{project.pk}/feedback/{feedback_round.pk}/")
    expect(page.get_by_text("0 of 1 answer with active consent")).to_be_visible()
    page.goto(f"{base}/organizations/stakeholders/{dana.pk}/")
    consent = page.locator("section", has=page.get_by_role("heading", name="Consent"))
    expect(consent.get_by_role("row").nth(1)).to_contain_text("Withdrawn")
    expect(consent).to_contain_text("Expectations")
    assert axe_violations(page) == []
    assert errors == []
