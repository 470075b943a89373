"""Forms of a project's DPIA: the draft, the DPO's opinion, a sign-off and reopening. The
dataset's inventory record is edited with the Adapt phase's own dataset form."""

from __future__ import annotations

from django import forms

from compliance.models import DpiaApproval, DpiaVersion


def _text(max_length: int, label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        max_length=max_length,
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DpiaForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    art35_cases = forms.MultipleChoiceField(
        choices=DpiaVersion.Case.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Art. 35(3) cases",
    )
    criteria = forms.MultipleChoiceField(
        choices=DpiaVersion.Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="WP248 criteria met",
        help_text="Two or more, or any Art. 35(3) case: a DPIA is required.",
    )
    screening_notes = _text(5000, "Screening reasoning", "Why, in a few lines.")
    nature = _text(5000, "Nature of the processing")
    scope = _text(5000, "Scope")
    context = _text(5000, "Context")
    purposes = _text(5000, "Purposes")
    datasets = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Datasets (from the inventory)"
    )
    necessity = _text(10000, "Necessity and proportionality")
    risks = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Risks to rights and freedoms (from the register)",
    )
    risk_assessment = _text(10000, "Assessment of the risks")
    mitigations = _text(10000, "Mitigations")


class DpiaOpinionForm(forms.Form):
    opinion = forms.CharField(
        max_length=10000, widget=forms.Textarea(attrs={"rows": 4}), label="The DPO's opinion"
    )
    advice = forms.ChoiceField(choices=DpiaVersion.Advice.choices, widget=forms.RadioSelect)
    advice_reason = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the advice is not followed",
    )


class DpiaSignOffForm(forms.Form):
    capacity = forms.ChoiceField(choices=DpiaApproval.Capacity.choices)
    comment = forms.CharField(max_length=5000, required=False)


class DpiaReopenForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False)
