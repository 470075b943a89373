"""Form helpers: putting a service's ValidationError back on the form that sent the input,
and filling in choices that depend on the request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's field errors to the matching form fields, others to the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def error_text(error: Exception, fallback: str = "") -> str:
    """The readable message of a service refusal (ConflictError, ValidationError,
    PermissionDenied with a reason), or `fallback` when it carries none."""
    text = getattr(error, "message", "") or " ".join(getattr(error, "messages", [])) or str(error)
    return text or fallback


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's own copy of the choice field `name`, to set choices known only per request.

    `form.fields` is typed as plain fields; this checks, once, that the field has choices.
    """
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def rows_data(data: Any, prefix: str, *, more: int, most: int) -> Any:
    """A formset's posted data with `more` rows counted in its management form (at most
    `most`): "add a row" without a script posts the form, which comes back one row longer."""
    if data is None or not more:
        return data
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = max(int(data.get(key, 0)), 0)
    except (TypeError, ValueError):
        total = 0
    data[key] = str(min(total + more, most))
    return data


def quiet(form: forms.BaseForm, *formsets: forms.BaseFormSet[Any]) -> None:
    """Show a bound form (and its formsets) again without errors: what was typed stays, but
    nothing was submitted for saving yet. Django computes errors lazily on first access;
    stating them as empty skips that."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    for formset in formsets:
        formset._errors = [ErrorDict() for _ in formset.forms]  # type: ignore[attr-defined]
        formset._non_form_errors = formset.error_class()  # type: ignore[attr-defined]
        for row in formset.forms:
            row._errors = ErrorDict()
            row.cleaned_data = {}
