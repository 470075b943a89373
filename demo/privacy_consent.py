"""The demo organisation's terms of consent: feedback answers are stored only with the
stakeholder's consent, so the demo's next feedback form shows the terms and the box. The
answers already in the demo were given before these terms existed, and stay as they are."""

from __future__ import annotations

from accounts.models import Organization, User
from stakeholders.models import ConsentPolicy
from stakeholders.services import consent_policy_publish

PURPOSE = "Processing of feedback answers"
TEXT = (
    "Demo Insurance Co. uses your answers to this form to shape the project it asks about: "
    "the project team reads them, and summaries of them appear in the project's records.\n"
    "Your answers are kept for as long as the project's records are, at most five years "
    "after the project ends. You can withdraw your consent at any time with the link in "
    "any of our feedback emails; the team then stops using your answers."
)


def demo_consent_policy(org: Organization, *, compliance: User) -> ConsentPolicy:
    """Publish the demo's terms, as its compliance officer would (required on feedback)."""
    return consent_policy_publish(
        actor=compliance,
        organization=org,
        purpose=PURPOSE,
        text=TEXT,
        required_on_feedback=True,
    )
