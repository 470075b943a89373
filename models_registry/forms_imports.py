"""Forms of the Adapt tab's imports: a results file or log (lm-evaluation-harness or Inspect
AI), and an MLflow experiment."""

from __future__ import annotations

from typing import Any

from django import forms

LM_EVAL, INSPECT = "lm_eval", "inspect"
FORMATS = [
    (LM_EVAL, "lm-evaluation-harness results (.json)"),
    (INSPECT, "Inspect AI log (.eval or .json)"),
]


class ResultsImportForm(forms.Form):
    file = forms.FileField(label="Results file or log")
    format = forms.ChoiceField(choices=FORMATS)
    model_version = forms.ChoiceField(label="Version evaluated")
    benchmark = forms.CharField(
        max_length=200,
        required=False,
        help_text="lm-evaluation-harness only. Default: the file's top-level tasks.",
    )


class MlflowImportForm(forms.Form):
    tracking_url = forms.CharField(
        max_length=500,
        label="Tracking URL",
        help_text="http(s)://… — read by the Charter server, not by your browser.",
    )
    experiment = forms.CharField(max_length=250, help_text="Its name, or its id.")
    model_version = forms.ChoiceField(
        label="Adapted from",
        help_text="Runs are evaluations of this version (unless a version was registered "
        "from the run); registered versions are recorded as adapted from it.",
    )


def import_forms(
    version_choices: list[tuple[str, str]], data: Any = None, files: Any = None
) -> dict[str, Any]:
    """The Adapt tab's import forms, with the project's versions to choose from."""
    results = ResultsImportForm(data, files)
    results.fields["model_version"].choices = version_choices  # type: ignore[attr-defined]
    mlflow = MlflowImportForm(data)
    mlflow.fields["model_version"].choices = version_choices  # type: ignore[attr-defined]
    return {"results_import_form": results, "mlflow_import_form": mlflow}
