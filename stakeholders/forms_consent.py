"""Forms of the consent pages: the organisation's terms, and a withdrawal asked of the team."""

from __future__ import annotations

from django import forms

from stakeholders.models_consent import POLICY_TEXT_MAX


class ConsentPolicyForm(forms.Form):
    purpose = forms.CharField(
        max_length=200,
        help_text="What the answers are processed for, in a few words.",
    )
    text = forms.CharField(
        label="Text shown to stakeholders",
        max_length=POLICY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Shown exactly as written above the consent box; its SHA-256 is kept.",
    )
    required_on_feedback = forms.BooleanField(
        label="Required on feedback forms",
        required=False,
        help_text="Answers are stored only with the stakeholder's consent.",
    )


class ConsentWithdrawalRequestForm(forms.Form):
    note = forms.CharField(
        label="How the request reached you",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. “by email to the team, 3 December”. Kept off the audit trail.",
    )
