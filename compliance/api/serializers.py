"""Output shape of the audit-events API (read-only: the trail is written by services only)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="AuditActor")
class AuditActorOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


@extend_schema_serializer(component_name="AuditEvent")
class AuditEventOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    chain = serializers.CharField(help_text='The organisation id, or "system".')
    sequence = serializers.IntegerField(help_text="Position in the chain, from 1.")
    occurred_at = serializers.DateTimeField()
    organization = serializers.UUIDField(source="organization_id", allow_null=True)
    project = serializers.UUIDField(source="project_id", allow_null=True)
    actor = AuditActorOutputSerializer(allow_null=True, help_text="null: the system.")
    action = serializers.CharField(help_text='e.g. "project.updated".')
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    data = serializers.DictField(help_text='The change, e.g. {"name": {"old": …, "new": …}}.')
    origin = serializers.CharField(help_text="web, api, task, command, admin or system.")
    request_id = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    prev_hash = serializers.CharField(help_text="The previous event's hash in the chain.")
    hash = serializers.CharField(help_text="SHA-256 over this event's content and prev_hash.")
