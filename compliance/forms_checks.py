"""Forms of the classification questionnaire and of compliance checks."""

from __future__ import annotations

from typing import Any

from django import forms

from compliance.classification import (
    ANNEX_III_AREAS,
    ART_6_3_EXCEPTIONS,
    PROHIBITED_PRACTICES,
    ROLES,
    TIER_LABELS,
    TRANSPARENCY_QUESTIONS,
)
from compliance.models import ComplianceCheck
from core.forms import choice_field


class ClassificationForm(forms.Form):
    role = forms.ChoiceField(
        choices=list(ROLES.items()),
        label="Your organisation's role",
        help_text="Provider: develops it or has it developed and puts it on the market under "
        "its name. Deployer: uses it under its authority.",
    )
    prohibited_practice = forms.ChoiceField(
        choices=list(PROHIBITED_PRACTICES.items()), label="Does it involve a prohibited practice?"
    )
    annex_i_product = forms.BooleanField(
        required=False,
        label="It is a safety component of a product covered by Annex I legislation "
        "(machinery, toys, medical devices…) that needs third-party conformity assessment",
    )
    annex_iii_area = forms.ChoiceField(
        choices=list(ANNEX_III_AREAS.items()),
        required=False,
        label="Is it used in an Annex III high-risk area?",
    )
    art_6_3_exception = forms.ChoiceField(
        choices=list(ART_6_3_EXCEPTIONS.items()),
        label="Does an Art. 6(3) exception apply?",
        help_text="Only for an Annex III area, and never when it profiles natural persons.",
    )
    profiling = forms.BooleanField(required=False, label="It profiles natural persons")
    interacts_with_people = forms.BooleanField(
        required=False, label=TRANSPARENCY_QUESTIONS["interacts_with_people"]
    )
    generates_synthetic_content = forms.BooleanField(
        required=False, label=TRANSPARENCY_QUESTIONS["generates_synthetic_content"]
    )
    emotion_or_biometric_categorisation = forms.BooleanField(
        required=False, label=TRANSPARENCY_QUESTIONS["emotion_or_biometric_categorisation"]
    )
    deep_fake = forms.BooleanField(required=False, label=TRANSPARENCY_QUESTIONS["deep_fake"])
    gpai_model = forms.BooleanField(
        required=False, label="It is (or includes) a general-purpose AI model you provide"
    )
    expected_tier = forms.ChoiceField(
        choices=[("", "No expectation"), *TIER_LABELS.items()],
        required=False,
        label="The tier you expect",
        help_text="If the answers give another, you are told which answer contradicts it.",
    )
    rationale = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why, in your words: what the system does and for whom.",
    )

    def answers(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "rationale"}


class CheckUpdateForm(forms.Form):
    owner = forms.ChoiceField(required=False)
    reviewer = forms.ChoiceField(required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        choices=[
            (ComplianceCheck.Status.NOT_STARTED, "Not started"),
            (ComplianceCheck.Status.IN_PROGRESS, "In progress"),
        ],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "reviewer"):
            choice_field(self, name).choices = [("", "Nobody yet"), *people]


class CheckSubmitForm(forms.Form):
    claim = forms.ChoiceField(
        choices=[("met", "The requirement is met"), ("not_applicable", "It does not apply")]
    )
    justification = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when it does not apply.",
    )


class CheckReviewForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject.",
    )


class CheckFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ComplianceCheck.Status.choices], required=False
    )
    framework = forms.ChoiceField(required=False)
    blocking = forms.ChoiceField(
        choices=[("", "Blocking or not"), ("1", "Blocking a gate")], required=False
    )

    def __init__(self, *args: Any, frameworks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "framework").choices = [("", "Every framework"), *frameworks]


class OrgCheckFilterForm(forms.Form):
    """The organisation-wide list of checks, as the workspace's figures link to it."""

    status = forms.ChoiceField(
        choices=[
            ("", "Any status"),
            ("open", "Open"),
            ("done", "Met or not applicable"),
            *ComplianceCheck.Status.choices,
        ],
        required=False,
    )
    framework = forms.ChoiceField(required=False)
    due = forms.ChoiceField(
        choices=[("", "Any due date"), ("overdue", "Overdue"), ("soon", "Due within 14 days")],
        required=False,
    )
    tier = forms.ChoiceField(
        choices=[
            ("", "Any tier"),
            ("unassessed", "Not assessed"),
            ("minimal", "Minimal"),
            ("limited", "Limited"),
            ("high", "High"),
            ("prohibited", "Prohibited"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, frameworks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "framework").choices = [("", "Every framework"), *frameworks]
