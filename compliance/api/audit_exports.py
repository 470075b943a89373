"""Audit trail exports at /audit-exports/: queue an export of a filtered view (a worker writes
it), follow its status, download it when ready; and /audit-exports/verify/, which checks an
export file (JSON Lines or CSV) against the server's key as the offline verifier does.

Each method validates the input, calls a selector or service, and serializes the result.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import TokenScope
from accounts.permissions import organizations_visible_to
from accounts.types import signed_in_user
from audit import signing
from audit.offline.verify_export import Failure, verify
from compliance.models import AuditExport
from compliance.selectors import (
    SYSTEM_ACTOR,
    audit_export_get_for_user,
    audit_export_list_for_user,
)
from compliance.services import audit_export_request
from compliance.services.audit_exports import CONTENT_TYPES, audit_export_file
from core.api.errors import Conflict
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer
from core.api.viewsets import ApiViewSet

START_AFTER_END = "occurred_after must be before occurred_before."
NOT_READY = "This export is not ready: see its status."
MAX_VERIFY_BYTES = 200 * 1024 * 1024

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="AuditExportFilter")
class AuditExportFilterInputSerializer(StrictInputSerializer):
    project = serializers.UUIDField(required=False, help_text="Project id.")
    actor = serializers.CharField(
        required=False, max_length=36, help_text='The acting user\'s id, or "system".'
    )
    action = serializers.CharField(
        required=False, max_length=80, help_text='Action, or its start ("project.").'
    )
    target_type = serializers.CharField(required=False, max_length=80)
    target_id = serializers.CharField(required=False, max_length=64)
    occurred_after = serializers.DateTimeField(required=False, help_text="Inclusive.")
    occurred_before = serializers.DateTimeField(required=False, help_text="Exclusive.")

    def validate_actor(self, value: str) -> str:
        if value != SYSTEM_ACTOR:
            serializers.UUIDField().to_internal_value(value)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("occurred_after"), attrs.get("occurred_before")
        if after and before and after >= before:
            raise serializers.ValidationError({"occurred_before": [START_AFTER_END]})
        return attrs


@extend_schema_serializer(component_name="AuditExportCreate")
class AuditExportInputSerializer(StrictInputSerializer):
    organization = serializers.UUIDField(help_text="The organisation whose trail is exported.")
    format = serializers.ChoiceField(choices=AuditExport.Format.choices)
    filters = AuditExportFilterInputSerializer(required=False)


@extend_schema_serializer(component_name="AuditExport")
class AuditExportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    format = serializers.CharField()
    status = serializers.CharField(help_text="queued, running, ready or failed.")
    filters = serializers.DictField(help_text="The filter, as the manifest records it.")
    rows = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True, help_text="Bytes.")
    sha256 = serializers.CharField(help_text="The file's SHA-256 (hex), once ready.")
    error = serializers.CharField(help_text="Why it failed, if it did.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="AuditExportVerifyInput")
class AuditExportVerifyInputSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text="An export, JSON Lines or CSV, as downloaded.")


@extend_schema_serializer(component_name="AuditExportVerification")
class AuditExportVerifyOutputSerializer(serializers.Serializer):
    verified = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField(), help_text="What was checked.")
    failure = serializers.CharField(allow_null=True, help_text="The first problem found.")
    first_bad_row = serializers.IntegerField(
        allow_null=True, help_text="The first bad event's row in the file, from 1."
    )


# --- views ----------------------------------------------------------------------------------


class AuditExportViewSet(ApiViewSet):
    """Exports of the trails you read whole (administrators and compliance officers); another
    organisation's export is not found."""

    parser_classes = [JSONParser, MultiPartParser]
    # The whole trail leaves Charter here: a token needs the `export` scope for every action.
    token_scope = TokenScope.EXPORT.value

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return AuditExport.objects.none()
        return audit_export_list_for_user(user=signed_in_user(self.request))

    @extend_schema(
        summary="List audit exports",
        responses={200: AuditExportOutputSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AuditExportOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Queue an audit export",
        description=(
            "A worker writes the filtered trail to a file (CSV, JSON Lines or PDF), each "
            "carrying its signed manifest; poll the export until `status` is `ready`, then "
            "download it. The request is itself an audit event."
        ),
        request=AuditExportInputSerializer,
        responses={201: AuditExportOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request) -> Response:
        data = self._valid(AuditExportInputSerializer, request.data)
        user = signed_in_user(request)
        organization = organizations_visible_to(user).filter(pk=data["organization"]).first()
        if organization is None:
            raise Http404
        export = audit_export_request(
            actor=user,
            organization=organization,
            filters=dict(data.get("filters") or {}),
            format=data["format"],
        )
        return Response(AuditExportOutputSerializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get an audit export's status",
        parameters=[ID],
        responses={200: AuditExportOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        export = audit_export_get_for_user(user=signed_in_user(request), id=pk)
        return Response(AuditExportOutputSerializer(export).data)

    @extend_schema(
        summary="Download a ready audit export",
        parameters=[ID],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The export file."
            ),
            **problems(*READ, 409),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse | Response:
        export = audit_export_get_for_user(user=signed_in_user(request), id=pk)
        if export.status != AuditExport.Status.READY:
            raise Conflict(NOT_READY)
        path = audit_export_file(export)
        if not path.is_file():
            raise Http404
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"audit-{export.organization.slug}-{str(export.pk)[:8]}.{export.format}",
            content_type=CONTENT_TYPES[export.format],
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        summary="Verify an audit export file",
        description=(
            "Checks every row's hash, the links (for an unfiltered export), the manifest's "
            "counts, ends and digest, and its Ed25519 signature under the server's key; the "
            "answer names the first bad row. Any signed-in user may ask."
        ),
        request={"multipart/form-data": AuditExportVerifyInputSerializer},
        responses={200: AuditExportVerifyOutputSerializer, **problems(400, 401, 415, 429)},
    )
    # JSON is parsed too, so a body without a file is a 400 naming `file`, not a bare 415.
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, JSONParser])
    def verify(self, request: Request) -> Response:
        data = self._valid(AuditExportVerifyInputSerializer, request.data)
        upload = data["file"]
        if upload.size > MAX_VERIFY_BYTES:
            raise serializers.ValidationError({"file": ["The file is too large to verify here."]})
        suffix = ".csv" if str(upload.name).lower().endswith(".csv") else ".jsonl"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"export{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            answer = _verdict(str(path))
        return Response(AuditExportVerifyOutputSerializer(answer).data)

    def _valid(self, serializer_class: Any, data: Any) -> Any:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _verdict(path: str) -> dict[str, Any]:
    try:
        notes = verify(path, signing.public_key_bytes().hex())
    except Failure as failure:
        return {
            "verified": False,
            "notes": [],
            "failure": str(failure),
            "first_bad_row": failure.row,
        }
    except (UnicodeDecodeError, OSError) as error:
        return {
            "verified": False,
            "notes": [],
            "failure": f"not a readable export: {error}",
            "first_bad_row": None,
        }
    return {"verified": True, "notes": notes, "failure": None, "first_bad_row": None}
