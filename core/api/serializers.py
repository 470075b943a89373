"""Serializer building blocks: strict input (unknown fields are a 400, and the schema says
so), fields checked beyond DRF's (time zones, aware times), and the one way views validate."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.timezones import UNKNOWN_TIME_ZONE, is_time_zone

UNKNOWN_FIELD = "This field cannot be set here."
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
        if errors:
            raise serializers.ValidationError(errors)
        return value


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


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The validated data of `data`, or a 400 with the field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
