"""Building blocks every app's services share: snapshots, diffs and the one update sequence."""

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from core.errors import UNKNOWN_FIELD, reject_unknown_fields

Changes = dict[str, dict[str, Any]]


def json_normalise(data: Any) -> Any:
    """Round-trip through JSON: the values exactly as a JSONField gives them back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, JSON-normalised, for a before/after diff.

    Foreign keys give their id (`owner` → the `owner_id` value).
    """
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)  # type: ignore[union-attr]
    normalised: dict[str, Any] = json_normalise(values)
    return normalised


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """Only the fields that changed, as {"field": {"old": …, "new": …}}."""
    return {
        name: {"old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def model_update[ModelT: models.Model](
    *,
    instance: ModelT,
    fields: Iterable[str],
    data: Mapping[str, Any],
    check: Callable[[ModelT], None] | None = None,
    counter: str | None = None,
    save_with: Iterable[str] = (),
    always_save: bool = False,
    clean_exclude: Iterable[str] | None = None,
    validate_unique: bool = True,
    validate_constraints: bool = True,
    unknown_message: str = UNKNOWN_FIELD,
) -> tuple[ModelT, Changes]:
    """Apply `data` to `instance` (already locked by the caller), validate it and save only
    what changed; return the instance and the {"field": {"old", "new"}} diff for the audit.

    - `fields`: the names `data` may hold; any other raises a field-keyed ValidationError.
    - `check(instance)`: runs after the values are applied and before `full_clean`, for
      checks across fields or rows and for values derived from the new ones.
    - `counter`: an integer field incremented when something changed (a version for
      optimistic locking, a calendar sequence).
    - `save_with`: fields the caller or `check` set itself, saved along with the changes.
    - `always_save`: save even when no field of `data` changed (the caller changed others).
    - `clean_exclude`, `validate_unique`, `validate_constraints`: passed to `full_clean`.

    Nothing is saved when nothing changed, unless `always_save`; `updated_at` is saved
    with the rest when the model has one.
    """
    reject_unknown_fields(data, fields, unknown_message)
    names = list(data)
    before = snapshot(instance, names)
    for name, value in data.items():
        setattr(instance, name, value)
    if check is not None:
        check(instance)
    instance.full_clean(
        exclude=clean_exclude,
        validate_unique=validate_unique,
        validate_constraints=validate_constraints,
    )
    changes = diff(before, snapshot(instance, names))
    if changes or always_save:
        update_fields = [*changes, *save_with]
        if changes and counter is not None:
            setattr(instance, counter, getattr(instance, counter) + 1)
            update_fields.append(counter)
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return instance, changes
