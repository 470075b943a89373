"""Feedback from outside stakeholders in a real browser: the manager adds two stakeholders,
builds and opens a round; one stakeholder answers from their personal link in a fresh browser
without any session; the manager reads the results."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from outbox.services import outbox_deliver_due
from stakeholders.models import Answer, FeedbackRound
from tests.helpers import sign_in
from tests.pages import found

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/charter-feedback"  # noqa: S108 — looked at by a person after the run


def add_stakeholder(page: Page, name: str, email: str, influence: str, interest: str) -> None:
    page.get_by_role("link", name="Add a new person").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Influence").select_option(influence)
    page.get_by_label("Interest").select_option(interest)
    # Added from the project: the person joins the registry and the project, with a role.
    page.get_by_label("Role in the project").fill("Claims handler")
    page.get_by_role("button", name="Add to the project").click()
    expect(page.get_by_role("status")).to_contain_text(f"{name} added to the registry and to")


def test_a_stakeholder_answers_from_their_link_and_the_manager_reads_it(
    page: Page, browser: Browser, live_server, project, manager
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    sign_in(page, base, manager.email)

    page.goto(f"{base}/projects/{project.pk}/")
    tabs = page.get_by_role("navigation", name="Project sections")
    tabs.get_by_role("link", name="Stakeholders").click()
    add_stakeholder(page, "Dana Claims", "dana@example.com", "2", "5")
    add_stakeholder(page, "Lee Legal", "lee@example.com", "5", "4")
    expect(page.locator("#q-keep_informed").locator("xpath=..")).to_contain_text("Dana Claims")
    expect(page.locator("#q-manage_closely").locator("xpath=..")).to_contain_text("Lee Legal")

    # Build the round: a rating and a free-text question; one more row through htmx.
    tabs.get_by_role("link", name="Feedback").click()
    page.get_by_role("link", name="New round").click()
    page.get_by_label("Title").fill("Expectations")
    page.get_by_label("Context shown to respondents").fill("An assistant that triages claims.")
    closes = timezone.localdate() + timedelta(days=10)
    page.get_by_label("End date").fill(closes.isoformat())
    first, second = (page.get_by_role("group", name=f"Question {n}") for n in (1, 2))
    first.get_by_label("Kind").select_option("rating")
    first.get_by_label("Question").fill("How useful would the assistant be?")
    second.get_by_label("Kind").select_option("text")
    second.get_by_label("Question").fill("What worries you?")
    second.get_by_label("An answer is required").uncheck()
    page.get_by_role("button", name="Add another question").click()
    expect(page.get_by_role("group", name="Question 4")).to_be_visible()
    expect(page.get_by_role("group", name="Question 4").get_by_label("Question")).to_be_focused()
    expect(first.get_by_label("Question")).to_have_value("How useful would the assistant be?")
    page.get_by_role("button", name="Save the round").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Expectations"))).to_be_visible()

    # Open it for both; the links go out through the outbox, delivered here directly.
    expect(page.get_by_label("Dana Claims (Claims handler)")).to_be_checked()
    expect(page.get_by_label("Lee Legal (Claims handler)")).to_be_checked()
    page.get_by_role("button", name="Open and send the links").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Round opened: 2 personal links on the way by email."
    )
    assert FeedbackRound.objects.get().status == FeedbackRound.Status.OPEN
    mail.outbox.clear()
    assert outbox_deliver_due() == 2
    to_dana = next(m for m in mail.outbox if m.to == ["dana@example.com"])
    path = found(r"https?://[^/\s]+(/f/[^/\s]+/)", str(to_dana.body)).group(1)

    # Dana has no account and no session: a fresh browser context.
    stranger = browser.new_context()
    try:
        form = stranger.new_page()
        # The first, empty submission answers 400 on purpose; any other error counts.
        form.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "status of 400" not in m.text
                else None
            ),
        )
        form.goto(f"{base}{path}")
        expect(form.get_by_role("heading", level=1)).to_have_text(project.name)
        expect(form.get_by_text("An assistant that triages claims.")).to_be_visible()
        expect(form.get_by_text("Lee Legal")).to_have_count(0)
        form.get_by_role("button", name="Send my answers").click()  # nothing chosen yet
        expect(form.get_by_role("alert")).to_contain_text("This question needs an answer.")
        form.get_by_role("alert").get_by_role("link").click()
        rating = form.get_by_role("group", name=re.compile("How useful"))
        expect(rating.get_by_label("1", exact=True)).to_be_focused()
        rating.get_by_label("4", exact=True).check()
        form.get_by_label("Your answer to question 2").fill("That it <b>guesses</b> wrong.")
        form.screenshot(path=f"{SCREENSHOTS}-public-form.png", full_page=True)
        form.get_by_role("button", name="Send my answers").click()
        expect(form.get_by_role("heading", level=1)).to_have_text("Thank you")
    finally:
        stranger.close()
    assert Answer.objects.filter(rating=4).count() == 1

    # The manager's results: one of two, the rating and the text, escaped.
    page.reload()
    expect(page.get_by_text("1 of 2 responded")).to_be_visible()
    expect(page.get_by_text("average 4.0 / 5")).to_be_visible()
    expect(page.get_by_text("That it <b>guesses</b> wrong.")).to_be_visible()
    owed = page.locator("section", has=page.get_by_role("heading", name="Who still owes an answer"))
    expect(owed).to_contain_text("Lee Legal")
    expect(owed).not_to_contain_text("Dana Claims")
    page.screenshot(path=f"{SCREENSHOTS}-results.png", full_page=True)
    assert errors == []
