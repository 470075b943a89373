"""Forms of a project's A/B tests page: a test with its variants as rows, a variant's totals,
and the finishing note."""

from __future__ import annotations

from typing import Any

from django import forms

from models_registry.models import ABTest, OptimisationRecord

TEST_FIELDS = (
    "name",
    "hypothesis",
    "metric_name",
    "metric_kind",
    "higher_is_better",
    "min_sample_per_variant",
    "alpha",
)
VARIANT_ROWS = 4  # rows offered on the page; blank ones are ignored


class ABTestForm(forms.Form):
    name = forms.CharField(max_length=200)
    hypothesis = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    metric_name = forms.CharField(max_length=120, label="Primary metric")
    metric_kind = forms.ChoiceField(choices=ABTest.MetricKind.choices, label="Kind")
    higher_is_better = forms.BooleanField(required=False, initial=True)
    min_sample_per_variant = forms.IntegerField(min_value=2, initial=100)
    alpha = forms.DecimalField(
        min_value=0.001, max_value=0.5, decimal_places=3, initial="0.05", label="Alpha"
    )

    def __init__(self, *args: Any, versions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(VARIANT_ROWS):
            self.fields[f"v{i}_name"] = forms.CharField(
                max_length=120, required=False, label=f"Variant {i + 1} name"
            )
            self.fields[f"v{i}_version"] = forms.ChoiceField(
                choices=[("", "—"), *versions], required=False, label=f"Variant {i + 1} version"
            )
            self.fields[f"v{i}_share"] = forms.IntegerField(
                min_value=1, max_value=99, required=False, label=f"Variant {i + 1} share %"
            )
        self.fields["control"] = forms.ChoiceField(
            choices=[(str(i), f"Variant {i + 1}") for i in range(VARIANT_ROWS)],
            initial="0",
            label="Control",
        )

    def variant_rows(self) -> list[dict[str, Any]]:
        """The filled rows as the service takes them (versions still as ids)."""
        rows = []
        for i in range(VARIANT_ROWS):
            name = self.cleaned_data.get(f"v{i}_name")
            if not name:
                continue
            rows.append(
                {
                    "name": name,
                    "model_version": self.cleaned_data.get(f"v{i}_version") or None,
                    "traffic_share": self.cleaned_data.get(f"v{i}_share"),
                    "is_control": self.cleaned_data["control"] == str(i),
                }
            )
        return rows

    def test_fields(self) -> list[Any]:
        return [self[name] for name in TEST_FIELDS]

    def row_fields(self) -> list[list[Any]]:
        return [
            [self[f"v{i}_name"], self[f"v{i}_version"], self[f"v{i}_share"]]
            for i in range(VARIANT_ROWS)
        ]


class ResultsForm(forms.Form):
    variant = forms.ChoiceField()
    sample_size = forms.IntegerField(label="Trials / observations")
    successes = forms.IntegerField(required=False)
    mean = forms.DecimalField(required=False, max_digits=20, decimal_places=6)
    std_dev = forms.DecimalField(
        required=False, max_digits=20, decimal_places=6, label="Standard deviation"
    )


class FinishForm(forms.Form):
    conclusion = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _measure(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=4, label=label
    )


class OptimisationForm(forms.Form):
    technique = forms.ChoiceField(choices=OptimisationRecord.Technique.choices)
    before = forms.ChoiceField(label="Version before (the teacher, for a distillation)")
    after = forms.ChoiceField(label="Version after (the student)")
    bits = forms.IntegerField(required=False, min_value=1, max_value=32, label="Bit width")
    method = forms.CharField(max_length=120, required=False, help_text="GPTQ, AWQ, int8…")
    pruned_percent = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label="Pruned %"
    )
    hardware = forms.CharField(max_length=120, required=False, help_text="TensorRT on L4…")
    before_evaluation = forms.ChoiceField(required=False, label="Evaluation before")
    after_evaluation = forms.ChoiceField(required=False, label="Evaluation after")
    quality_metric = forms.CharField(max_length=120, required=False)
    latency_p50_before = _measure("Latency p50 before (ms)")
    latency_p50_after = _measure("Latency p50 after (ms)")
    latency_p95_before = _measure("Latency p95 before (ms)")
    latency_p95_after = _measure("Latency p95 after (ms)")
    memory_mb_before = _measure("Memory before (MB)")
    memory_mb_after = _measure("Memory after (MB)")
    cost_per_1k_before = _measure("Cost per 1,000 requests before")
    cost_per_1k_after = _measure("Cost per 1,000 requests after")
    notes = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
