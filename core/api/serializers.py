"""Serializer building blocks: strict input (unknown fields are a 400, and the schema says
so), fields checked beyond DRF's (time zones, aware times), and the one way views validate."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.timezones import UNKNOWN_TIME_ZONE, is_time_zone

UNKNOWN_FIELD = "This field cannot be set here."
NOT_TEXT = "Give text (a JSON string), not {kind}."
NOT_NUMBER = "Give a JSON number, not {kind}."
NOT_BOOLEAN = "Give true or false, not {kind}."
GIVE_ONCE = "Give this parameter once."
BLANK_PARAMETER = "Give a value, or leave the parameter out."
OFFSET_NEEDED = "Give the UTC offset, e.g. 2027-01-12T09:30:00+01:00 or …Z."


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not declare.

    DRF ignores unknown keys; here a misspelt or read-only field (say `phase` in a project
    PATCH) answers 400 naming the field, instead of a 200 that changed nothing.
    """

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        value = None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            errors = (
                dict(detail)
                if isinstance(detail, Mapping)
                else {api_settings.NON_FIELD_ERRORS_KEY: detail}
            )
        if isinstance(data, Mapping):
            for name in sorted(set(data) - set(self.fields)):
                errors[str(name)] = [UNKNOWN_FIELD]
            for name, field in self.fields.items():
                # DRF's own message, when it has one, says it best ("Must be a valid boolean.").
                if name in data and name not in errors and not field.read_only:
                    wrong = wrong_json_type(field, data[name])
                    if wrong:
                        errors[name] = [wrong]
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return "this value"


def wrong_json_type(field: serializers.Field, value: Any) -> str | None:
    """Why `value` is the wrong JSON type for `field`, if it is.

    DRF converts quietly: a CharField stores the number 5 as "5", an IntegerField reads "5" and
    a BooleanField reads "yes" or 1. The published schema says `type: string`, `integer`,
    `boolean`; a client that sends another type has a bug the API should name, not hide.
    """
    if value is None:
        return None  # allow_null decides, with DRF's own message
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else NOT_BOOLEAN.format(kind=_kind(value))
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else NOT_TEXT.format(kind=_kind(value))
    if isinstance(field, serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        textual = all(isinstance(key, str) for key in field.choices)
        if textual and not isinstance(value, str):
            return NOT_TEXT.format(kind=_kind(value))
        return None
    if isinstance(field, serializers.IntegerField | serializers.FloatField):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number else NOT_NUMBER.format(kind=_kind(value))
    return None


class StrictInputSchema(OpenApiSerializerExtension):
    """The schema says what StrictInputSerializer enforces: no undeclared properties
    (`additionalProperties: false`), and the fields a PATCH still requires
    (`required_in_patch`, e.g. the `version` of an optimistic edit).

    It sits beside the serializer so that importing one registers the other."""

    target_class = StrictInputSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        always = getattr(self.target, "required_in_patch", ())
        missing = [name for name in always if name not in schema.get("required", [])]
        if missing:
            schema["required"] = [*schema.get("required", []), *missing]
        return schema


class TimeZoneField(serializers.CharField):
    """An IANA time zone name, checked against the zone database."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "An IANA time zone name, e.g. Europe/Paris.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_time_zone(value):
            raise serializers.ValidationError(UNKNOWN_TIME_ZONE)
        return value


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset. A naive time would be read in the server's zone, which
    the client cannot know, so it is refused rather than guessed."""

    default_error_messages = {"naive": OFFSET_NEEDED}

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return value.astimezone(UTC)


def _query_problems(serializer: serializers.Serializer, query: QueryDict) -> dict[str, list[str]]:
    """What DRF lets through in a query string: `?format=` read as "not given" and
    `?status=a&status=b` read as its last value."""
    problems: dict[str, list[str]] = {}
    for name, field in serializer.fields.items():
        values = query.getlist(name)
        many = isinstance(field, serializers.ListField | serializers.MultipleChoiceField)
        if len(values) > 1 and not many:
            problems[name] = [GIVE_ONCE]
        elif values == [""] and not getattr(field, "allow_blank", False):
            problems[name] = [BLANK_PARAMETER]
    return problems


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The validated data of `data`, or a 400 with the field errors."""
    serializer = serializer_class(data=data, **kwargs)
    problems = _query_problems(serializer, data) if isinstance(data, QueryDict) else {}
    if not serializer.is_valid() or problems:
        raise serializers.ValidationError({**serializer.errors, **problems})
    return serializer.validated_data
