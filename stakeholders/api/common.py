"""What the stakeholders API modules share: stakeholder summaries and tallies, lists of
stakeholder ids, and the examples' ids."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

# Ids used in the OpenAPI examples.
EXAMPLE_IDS = {
    "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
    "project": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
    "stakeholder": "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "stakeholder_2": "8d2e3f4a-5b6c-4d7e-9f80-a1b2c3d4e5f6",
    "user": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
    "workshop": "9e3f4a5b-6c7d-4e8f-a091-b2c3d4e5f6a7",
    "round": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
    "question": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
    "invite": "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f",
}
EXAMPLE_USER = {
    "id": EXAMPLE_IDS["user"],
    "email": "ada@acme.example",
    "full_name": "Ada Lovelace",
}


def stakeholder_ids(**kwargs: Any) -> serializers.ListField:
    """A list of stakeholder ids (the service checks that they are on the project)."""
    kwargs.setdefault("help_text", "Ids of stakeholders linked to the project.")
    return serializers.ListField(child=serializers.UUIDField(), max_length=500, **kwargs)


@extend_schema_serializer(component_name="StakeholderSummary")
class StakeholderSummaryOutputSerializer(serializers.Serializer):
    """A stakeholder as a reference: personal data, shown to organisation members only."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()


@extend_schema_serializer(component_name="Tally")
class TallyOutputSerializer(serializers.Serializer):
    """One bar of a distribution: a value (a rating or a choice) and how often it was given."""

    value = serializers.CharField(help_text="A rating (1 to 5) or a choice.")
    count = serializers.IntegerField()
