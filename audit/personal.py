"""Which fields of an audited model may enter the trail: declared once, on the model.

Three class attributes of a model classify its fields:

- `personal_fields`: data about a person (names, addresses, free notes about them). Never
  copied into an event or a captured row change; an event names the personal fields that
  changed, never their values, so erasing a person cannot break a chain.
- `audit_excluded_fields`: not personal, but off the trail all the same: secrets (password and
  token hashes) and bookkeeping that changes on its own (last login).
- `audit_safe_fields`: text that may be copied into the hashed payload.

Services (e.g. the stakeholder registry), the admin (audit.admin.AuditedModelAdmin) and the
row-capture triggers' configuration (`audit.rowcapture.capture_models`) all read them here;
a test holds every text field of an audited model to exactly one of the three.
"""

from __future__ import annotations

from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def personal_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "personal_fields", ()))


def excluded_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "audit_excluded_fields", ()))


def safe_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "audit_safe_fields", ()))


def off_the_trail(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    """Fields whose values never enter an event or a row change: personal, then excluded."""
    return personal_fields(model) + excluded_fields(model)


def unclassified_fields(model: type[models.Model]) -> list[str]:
    """Text fields of `model` classified as none of the three, or as more than one."""
    declared = [*personal_fields(model), *excluded_fields(model), *safe_fields(model)]
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS) and declared.count(field.name) != 1
    ]
