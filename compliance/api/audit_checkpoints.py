"""The audit trail's signed checkpoints at /audit-checkpoints/: each chain's head signed with
the server's Ed25519 key (audit/checkpoints.py), for GRC tools and auditors to keep, and the
public key that verifies them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import audit_checkpoints_visible_to
from accounts.types import signed_in_user
from audit.checkpoints import latest_checkpoints, public_key_document
from audit.models import AuditCheckpoint
from core.api.schema import problems
from core.api.viewsets import ApiViewSet


@extend_schema_serializer(component_name="AuditCheckpoint")
class AuditCheckpointOutputSerializer(serializers.Serializer):
    chain = serializers.CharField(help_text="The organisation id.")
    sequence = serializers.IntegerField(help_text="The chain's last event then.")
    head_hash = serializers.CharField(help_text="That event's hash.")
    taken_at = serializers.DateTimeField()
    key_id = serializers.CharField()
    signature = serializers.CharField(
        help_text="Ed25519, hex, over checkpoint:v1:<chain>:<sequence>:<head_hash>:<taken_at>."
    )


@extend_schema_serializer(component_name="AuditPublicKey")
class PublicKeyOutputSerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="The raw 32-byte key, hex.")
    public_key_pem = serializers.CharField()
    checkpoint_message = serializers.CharField(help_text="What each checkpoint signs.")


class AuditCheckpointViewSet(ApiViewSet):
    """Checkpoints of the organisations whose whole trail you read (administrators and
    compliance officers), newest first."""

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return AuditCheckpoint.objects.none()
        return audit_checkpoints_visible_to(signed_in_user(self.request)).order_by(
            "-taken_at", "chain"
        )

    @extend_schema(
        summary="List signed checkpoints",
        responses={200: AuditCheckpointOutputSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AuditCheckpointOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="The latest checkpoint of each chain",
        responses={200: AuditCheckpointOutputSerializer(many=True), **problems(401, 429)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def latest(self, request: Request) -> Response:
        found = sorted(latest_checkpoints(self.get_queryset()).values(), key=lambda c: c.chain)
        return Response(AuditCheckpointOutputSerializer(found, many=True).data)

    @extend_schema(
        summary="The public key that verifies checkpoints and export manifests",
        responses={200: PublicKeyOutputSerializer, **problems(401, 429)},
    )
    @action(detail=False, methods=["get"], url_path="public-key")
    def public_key(self, request: Request) -> Response:
        return Response(public_key_document())
