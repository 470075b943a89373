"""Forms of evidence (adding, attaching, judging, filtering) and of the AI-literacy register."""

from __future__ import annotations

from typing import Any

from django import forms

from compliance.models import Evidence
from compliance.selectors.evidence import EVIDENCE_STATUSES


class EvidenceAddForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Evidence.Kind.choices, widget=forms.RadioSelect, initial=Evidence.Kind.FILE
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)
    file = forms.FileField(
        required=False,
        help_text="PDF, PNG, JPEG, text, CSV, JSON, DOCX, XLSX, ODT or ODS; its type is read "
        "from its content.",
    )
    record = forms.ChoiceField(
        required=False,
        label="The record",
        help_text="A feasibility study, scope version, risk, workshop or decision record of "
        "this project.",
    )
    url = forms.CharField(max_length=1000, required=False, label="Address (http or https)")
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="After this date the evidence no longer counts and met checks return to review.",
    )
    checks = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Attach to checks"
    )

    def __init__(
        self,
        *args: Any,
        check_choices: list[tuple[str, str]],
        record_choices: list[tuple[str, list[tuple[str, str]]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = check_choices  # type: ignore[attr-defined]
        self.fields["record"].choices = [("", "—"), *(record_choices or [])]  # type: ignore[attr-defined]

    def record_ref(self) -> tuple[str, str]:
        """(record_type, record_id) of the chosen record, or ("", "")."""
        kind, _, pk = (self.cleaned_data.get("record") or "").partition(":")
        return kind, pk


class EvidenceAttachForm(forms.Form):
    evidence = forms.ChoiceField(label="Evidence of this project")

    def __init__(self, *args: Any, evidence_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = evidence_choices  # type: ignore[attr-defined]


class EvidenceJudgeForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    comment = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), *EVIDENCE_STATUSES], required=False)
    kind = forms.ChoiceField(choices=[("", "Any"), *Evidence.Kind.choices], required=False)
    expiring = forms.BooleanField(required=False, label="Expiring within 30 days")


class TrainingRecordForm(forms.Form):
    person = forms.ChoiceField()
    course = forms.CharField(max_length=200)
    provider = forms.CharField(max_length=200)
    completed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    renews_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if it does not need renewing.",
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]
