"""Form helpers: putting a service's ValidationError back on the form that sent the input,
and filling in choices that depend on the request."""

from django import forms
from django.core.exceptions import ValidationError


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
