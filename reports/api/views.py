"""Scheduled audit reports at /reports/ (read and download) and their schedules at
/report-schedules/: administrators and compliance officers of the organisation."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import TokenScope
from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.selectors import organization_get_for_user
from accounts.types import signed_in_user
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, TimeZoneField, validated
from core.api.viewsets import ApiViewSet
from core.pdf import PdfUnavailableError
from projects.models import Project
from reports.downloads import report_download
from reports.models import FORMATS, Cadence, Report, ReportSchedule
from reports.selectors import READ as READ_PERM
from reports.selectors import (
    report_list_for_user,
    report_schedule_list_for_user,
    reports_of_member,
    schedules_of_member,
)
from reports.services import (
    report_generate_last_period,
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
)

NOT_IN_ORGANIZATION = "No such project in this organisation."
FILE_TYPE = OpenApiParameter(
    "type",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(FORMATS),
    description="Which file: pdf or csv (by default the PDF, or the CSV of a report made "
    "in CSV only).",
)
BAD_TYPE = "Choose pdf or csv."


@extend_schema_serializer(component_name="ReportSchedule")
class ReportScheduleOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    project = serializers.UUIDField(source="project_id", allow_null=True)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    formats = serializers.ListField(child=serializers.ChoiceField(choices=FORMATS))
    time_zone = serializers.CharField(help_text="Where the weeks and months begin and end.")
    is_enabled = serializers.BooleanField()
    created_by = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ReportScheduleCreate")
class ReportScheduleInputSerializer(StrictInputSerializer):
    organization = serializers.UUIDField()
    project = serializers.UUIDField(required=False, allow_null=True, default=None)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=FORMATS),
        allow_empty=False,
        max_length=2,
        required=False,
        default=list(FORMATS),
    )
    time_zone = TimeZoneField(required=False, default="")


@extend_schema_serializer(component_name="ReportScheduleUpdate")
class ReportScheduleUpdateSerializer(StrictInputSerializer):
    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False)
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=FORMATS),
        allow_empty=False,
        max_length=2,
        required=False,
    )
    time_zone = TimeZoneField(required=False)
    is_enabled = serializers.BooleanField(required=False)


class PdfUnavailable(APIException):
    # Each app's API stands on its own (import-linter): the transparency API has its twin.
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "PDF rendering is not available on this server."


class ReportGenerateInputSerializer(StrictInputSerializer):
    """No fields: the period is the schedule's last ended one. A body naming one (`period`,
    `formats`) is a 400 rather than a report of another period than the client meant."""


@extend_schema_serializer(component_name="ReportFile")
class ReportFileSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.CharField(help_text="Where the API downloads it.")


@extend_schema_serializer(component_name="Report")
class ReportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    project = serializers.UUIDField(source="project_id", allow_null=True)
    schedule = serializers.UUIDField(source="schedule_id", allow_null=True)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    period_start = serializers.DateTimeField(help_text="Local midnight in time_zone, as UTC.")
    period_end = serializers.DateTimeField(help_text="Exclusive.")
    time_zone = serializers.CharField()
    status = serializers.ChoiceField(choices=Report.Status.choices)
    generated_at = serializers.DateTimeField(allow_null=True)
    pdf = serializers.SerializerMethodField()
    csv = serializers.SerializerMethodField()
    summary = serializers.JSONField(
        help_text="Counts per section, compliance per framework, and the audit chain's result."
    )

    def _file(self, report: Report, kind: str) -> dict[str, Any] | None:
        sha = report.pdf_sha256 if kind == "pdf" else report.csv_sha256
        if not sha:
            return None
        return {
            "sha256": sha,
            "size": report.pdf_size if kind == "pdf" else report.csv_size,
            "url": f"/api/v1/reports/{report.pk}/download/?type={kind}",
        }

    @extend_schema_field(ReportFileSerializer(allow_null=True))
    def get_pdf(self, report: Report) -> dict[str, Any] | None:
        return self._file(report, "pdf")

    @extend_schema_field(ReportFileSerializer(allow_null=True))
    def get_csv(self, report: Report) -> dict[str, Any] | None:
        return self._file(report, "csv")


class ReportViewSet(ApiViewSet):
    """Reports of the organisations whose trail you read, newest period first."""

    policy_perms = dict.fromkeys(("list", "retrieve", "download"), READ_PERM)
    # A report's file is an export of the trail: downloading it needs the `export` scope.
    token_scopes = {"download": TokenScope.EXPORT.value}

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Report.objects.none()
        user = signed_in_user(self.request)
        # A detail is fetched among the member's organisations, so that a member who may not
        # read reports is told 403 and anyone else 404.
        return reports_of_member(user=user) if self.detail else report_list_for_user(user=user)

    @extend_schema(
        summary="List reports",
        responses={200: ReportOutputSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReportOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Get a report",
        parameters=[ID],
        responses={200: ReportOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReportOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Download a report's PDF or CSV",
        description="As an attachment; the X-Checksum-SHA256 header carries the file's "
        "SHA-256, the same as the report's `sha256`.",
        parameters=[ID, FILE_TYPE],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The PDF."
            ),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The CSV."
            ),
            **problems(400, *READ),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        kind = request.query_params.get("type", "")
        if kind and kind not in FORMATS:
            raise serializers.ValidationError({"type": [BAD_TYPE]})
        report = self.get_object()
        return report_download(report, kind or ("pdf" if report.pdf_sha256 else "csv"))


class ReportScheduleViewSet(ApiViewSet):
    """Report schedules of the organisations whose trail you read."""

    policy_perms = {
        "list": READ_PERM,
        "retrieve": READ_PERM,
        "partial_update": Perm.COMPLIANCE_MANAGE,
        "destroy": Perm.COMPLIANCE_MANAGE,
        "generate": Perm.COMPLIANCE_MANAGE,
    }

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return ReportSchedule.objects.none()
        user = signed_in_user(self.request)
        if self.detail:
            return schedules_of_member(user=user)
        return report_schedule_list_for_user(user=user)

    @extend_schema(
        summary="List report schedules",
        responses={200: ReportScheduleOutputSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReportScheduleOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a report schedule",
        request=ReportScheduleInputSerializer,
        responses={201: ReportScheduleOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request) -> Response:
        user = signed_in_user(request)
        data = validated(ReportScheduleInputSerializer, request.data)
        organization = organization_get_for_user(
            user=user, id=data.pop("organization"), perm=Perm.COMPLIANCE_MANAGE
        )
        project_id = data.pop("project")
        project = None
        if project_id is not None:
            project = Project.objects.filter(pk=project_id, organization=organization).first()
            if project is None:
                raise serializers.ValidationError({"project": [NOT_IN_ORGANIZATION]})
        schedule = report_schedule_create(
            actor=user, organization=organization, project=project, **data
        )
        return Response(
            ReportScheduleOutputSerializer(schedule).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Get a report schedule",
        parameters=[ID],
        responses={200: ReportScheduleOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReportScheduleOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a report schedule",
        parameters=[ID],
        request=ReportScheduleUpdateSerializer,
        responses={200: ReportScheduleOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        schedule = self.get_object()
        data = validated(ReportScheduleUpdateSerializer, request.data)
        schedule = report_schedule_update(actor=signed_in_user(request), schedule=schedule, **data)
        return Response(ReportScheduleOutputSerializer(schedule).data)

    @extend_schema(
        summary="Delete a report schedule",
        description="Its reports stay.",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        report_schedule_delete(actor=signed_in_user(request), schedule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Generate a schedule's last period now",
        description="The report of the schedule's latest period that has ended, made now "
        "(201; the compliance officers are emailed) or, if it was made already, that report "
        "(200): generating twice makes one report.",
        parameters=[ID],
        request=None,
        responses={
            201: ReportOutputSerializer,
            200: ReportOutputSerializer,
            **problems(*WRITE),
        },
    )
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str) -> Response:
        schedule = self.get_object()
        validated(ReportGenerateInputSerializer, request.data)
        try:
            report, created = report_generate_last_period(
                actor=signed_in_user(request), schedule=schedule
            )
        except PdfUnavailableError as exc:
            raise PdfUnavailable(str(exc)) from exc
        return Response(
            ReportOutputSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
