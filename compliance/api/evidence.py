"""REST endpoints of a project's evidence (files as multipart, record links and URLs as JSON),
its judgement, attaching it to checks, the download, and the AI-literacy register."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet, UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.evidence_records import LINKABLE
from compliance.models import ComplianceCheck, Evidence, TrainingRecord
from compliance.selectors import (
    check_get_for_user,
    evidence_checks_served,
    evidence_get_for_user,
    evidence_list,
    training_get_for_user,
    training_list_for_user,
)
from compliance.selectors.evidence import EVIDENCE_STATUSES
from compliance.services import (
    evidence_add,
    evidence_attach,
    evidence_detach,
    evidence_download_record,
    evidence_judge,
    training_record_create,
    training_record_delete,
    training_record_update,
)
from compliance.uploads import CONTENT_TYPES
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.rest import PROJECT_ID, ProjectChildViewSet, person_in

NO_SUCH_CHECK = "No such check in this project."
NOT_A_MEMBER = "Choose a member of the organisation."

# --- evidence -------------------------------------------------------------------------------


class EvidenceCheckSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="check.id")
    requirement = serializers.SerializerMethodField()
    status = serializers.CharField(source="check.status")
    attached = serializers.BooleanField(help_text="False: it counts through the crosswalk.")

    def get_requirement(self, row: dict[str, Any]) -> str:
        return str(row["check"].requirement)


@extend_schema_serializer(component_name="Evidence")
class EvidenceOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    file_name = serializers.CharField(help_text="Files: the name as uploaded, made safe.")
    content_type = serializers.CharField(help_text="Files: the type read from the content.")
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(help_text="Files: SHA-256 of the content, hex.")
    record_type = serializers.CharField()
    record_id = serializers.UUIDField(allow_null=True)
    url = serializers.CharField()
    owner = UserSummaryOutputSerializer()
    expires_on = serializers.DateField(allow_null=True)
    expired_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=Evidence.Status.choices)
    judged_by = UserSummaryOutputSerializer(allow_null=True)
    judged_at = serializers.DateTimeField(allow_null=True)
    judgement_comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="EvidenceDetail")
class EvidenceDetailOutputSerializer(EvidenceOutputSerializer):
    checks = serializers.SerializerMethodField(
        help_text="The checks it counts for: attached, or through the crosswalk."
    )

    @extend_schema_field(EvidenceCheckSerializer(many=True))
    def get_checks(self, evidence: Evidence) -> Any:
        return EvidenceCheckSerializer(evidence_checks_served(evidence=evidence), many=True).data


class EvidenceListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EVIDENCE_STATUSES, required=False)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    expiring = serializers.BooleanField(
        required=False, default=False, help_text="Expires within 30 days, not expired yet."
    )


@extend_schema_serializer(component_name="EvidenceCreate")
class EvidenceCreateInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    file = serializers.FileField(
        required=False, help_text="kind=file, sent as multipart/form-data."
    )
    record_type = serializers.ChoiceField(
        choices=list(LINKABLE), required=False, help_text="kind=record."
    )
    record_id = serializers.UUIDField(required=False, help_text="kind=record.")
    url = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="kind=url: http or https."
    )
    expires_on = serializers.DateField(required=False, allow_null=True)
    checks = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="Checks of the project to attach it to at once.",
    )


@extend_schema_serializer(component_name="EvidenceJudge")
class EvidenceJudgeInputSerializer(StrictInputSerializer):
    verdict = serializers.ChoiceField(choices=["accept", "reject"])
    comment = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text="Required to reject."
    )


@extend_schema_serializer(component_name="EvidenceCheck")
class EvidenceCheckInputSerializer(StrictInputSerializer):
    check = serializers.UUIDField(help_text="A compliance check of the same project.")


@extend_schema(parameters=[PROJECT_ID])
class EvidenceViewSet(ProjectChildViewSet):
    """A project's evidence: contributors add and attach it, reviewers and compliance
    officers who did not provide it judge it; files are downloaded only here."""

    parser_classes = [JSONParser, MultiPartParser]
    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "judge": Rule.EVIDENCE_JUDGE,
        "attach": Perm.PROJECT_CONTRIBUTE,
        "detach": Perm.PROJECT_CONTRIBUTE,
        "download": Perm.PROJECT_VIEW,
    }

    def fetch_row(self, pk: str) -> Evidence:
        return evidence_get_for_user(user=signed_in_user(self.request), id=pk)

    def _detail(self, evidence: Evidence) -> Any:
        found = evidence_get_for_user(user=signed_in_user(self.request), id=evidence.pk)
        return EvidenceDetailOutputSerializer(found).data

    def _check(self, evidence: Evidence, data: Any) -> ComplianceCheck:
        try:
            check = check_get_for_user(user=signed_in_user(self.request), id=data["check"])
        except Http404:
            check = None
        if check is None or check.project_id != evidence.project_id:
            raise serializers.ValidationError({"check": [NO_SUCH_CHECK]})
        return check

    @extend_schema(
        summary="List the project's evidence",
        parameters=[EvidenceListQuerySerializer],
        responses={200: EvidenceOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        filters = validated(EvidenceListQuerySerializer, request.query_params)
        page = self.paginate_queryset(evidence_list(project=project, filters=filters))
        return self.get_paginated_response(EvidenceOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add evidence",
        description=(
            "A file as multipart/form-data (its type is read from its content and must agree "
            "with its name's extension; size limit in the settings), or a record of the same "
            "project or a URL as JSON. Bad input is 400 naming the field; nothing is kept."
        ),
        request={
            "application/json": EvidenceCreateInputSerializer,
            "multipart/form-data": EvidenceCreateInputSerializer,
        },
        responses={201: EvidenceDetailOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "A link",
                request_only=True,
                value={"kind": "url", "title": "Model card", "url": "https://wiki.example/card"},
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = dict(validated(EvidenceCreateInputSerializer, _form_data(request)))
        wanted = data.pop("checks", [])
        checks = list(ComplianceCheck.objects.filter(project=project, pk__in=wanted))
        if len(checks) != len(set(wanted)):
            raise serializers.ValidationError({"checks": [NO_SUCH_CHECK]})
        evidence = evidence_add(
            actor=signed_in_user(request), project=project, checks=checks, **data
        )
        return Response(self._detail(evidence), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a piece of evidence",
        parameters=[ID],
        responses={200: EvidenceDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(EvidenceDetailOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Judge evidence",
        description="Accept, or reject with a comment. Its owner never judges it (403).",
        parameters=[ID],
        request=EvidenceJudgeInputSerializer,
        responses={200: EvidenceDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def judge(self, request: Request, project_id: str, pk: str) -> Response:
        evidence = self.get_object()
        data = validated(EvidenceJudgeInputSerializer, request.data)
        evidence = evidence_judge(actor=signed_in_user(request), evidence=evidence, **data)
        return Response(self._detail(evidence))

    @extend_schema(
        summary="Attach evidence to a check",
        parameters=[ID],
        request=EvidenceCheckInputSerializer,
        responses={200: EvidenceDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def attach(self, request: Request, project_id: str, pk: str) -> Response:
        evidence = self.get_object()
        check = self._check(evidence, validated(EvidenceCheckInputSerializer, request.data))
        evidence_attach(actor=signed_in_user(request), evidence=evidence, check=check)
        return Response(self._detail(evidence))

    @extend_schema(
        summary="Detach evidence from a check",
        parameters=[ID],
        request=EvidenceCheckInputSerializer,
        responses={200: EvidenceDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def detach(self, request: Request, project_id: str, pk: str) -> Response:
        evidence = self.get_object()
        check = self._check(evidence, validated(EvidenceCheckInputSerializer, request.data))
        evidence_detach(actor=signed_in_user(request), evidence=evidence, check=check)
        return Response(self._detail(evidence))

    @extend_schema(
        summary="Download the evidence file",
        description="As an attachment, with the type recorded at upload (404 for evidence "
        "that is not a file).",
        parameters=[ID],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    response=OpenApiTypes.BINARY, description="The file's bytes."
                )
                # Each type an upload may have, and the fallback of a file recorded without one.
                for content_type in sorted({*CONTENT_TYPES.values(), "application/octet-stream"})
            },
            **problems(*READ),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, project_id: str, pk: str) -> FileResponse:
        evidence = self.get_object()
        if evidence.kind != Evidence.Kind.FILE or not evidence.file:
            raise Http404
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        evidence_download_record(actor=signed_in_user(request), evidence=evidence)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.file_name or "evidence",
            content_type=evidence.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def _form_data(request: Request) -> Any:
    """The request's fields as one mapping: multipart's (with its file and repeated `checks`)
    or JSON's as sent."""
    sent: Any = request.data
    if hasattr(sent, "getlist"):
        data: dict[str, Any] = {key: sent.get(key) for key in sent}
        if "checks" in sent:
            data["checks"] = sent.getlist("checks")
        return data
    return sent


# --- the AI-literacy register -----------------------------------------------------------------


@extend_schema_serializer(component_name="TrainingRecord")
class TrainingRecordOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    person = UserSummaryOutputSerializer()
    course = serializers.CharField()
    provider = serializers.CharField()
    completed_on = serializers.DateField()
    renews_on = serializers.DateField(allow_null=True)
    recorded_by = UserSummaryOutputSerializer()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="TrainingRecordInput")
class TrainingRecordInputSerializer(StrictInputSerializer):
    person = serializers.UUIDField(help_text="A member of the organisation.")
    course = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=200)
    completed_on = serializers.DateField()
    renews_on = serializers.DateField(required=False, allow_null=True)


class TrainingListQuerySerializer(serializers.Serializer):
    person = serializers.UUIDField(required=False)
    current = serializers.BooleanField(
        required=False, default=False, help_text="Only training that has not lapsed."
    )


@extend_schema(parameters=[ORGANIZATION_ID])
class TrainingRecordViewSet(OrganizationChildViewSet):
    """The organisation's AI-literacy register (EU AI Act Art. 4): every member reads their
    own records, administrators and compliance officers read and keep everybody's."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "create": Perm.LITERACY_MANAGE,
        "retrieve": Rule.TRAINING_VIEW,
        "partial_update": Perm.LITERACY_MANAGE,
        "destroy": Perm.LITERACY_MANAGE,
    }

    def get_object(self) -> TrainingRecord:
        organization = self.get_organization()
        record = training_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        if record.organization_id != organization.pk:
            raise Http404
        self.check_object_permissions(self.request, record)
        return record

    def _person(self, person_id: Any) -> Any:
        return person_in(
            user=signed_in_user(self.request),
            organization=self.get_organization(),
            person_id=person_id,
            field="person",
            message=NOT_A_MEMBER,
        )

    @extend_schema(
        summary="List training records",
        parameters=[TrainingListQuerySerializer],
        responses={200: TrainingRecordOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        filters = validated(TrainingListQuerySerializer, request.query_params)
        rows = training_list_for_user(
            user=signed_in_user(request), organization=organization, filters=filters
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TrainingRecordOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a training",
        request=TrainingRecordInputSerializer,
        responses={201: TrainingRecordOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = dict(validated(TrainingRecordInputSerializer, request.data))
        data["person"] = self._person(data["person"])
        record = training_record_create(
            actor=signed_in_user(request), organization=organization, **data
        )
        found = training_get_for_user(user=signed_in_user(request), id=record.pk)
        return Response(TrainingRecordOutputSerializer(found).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a training record",
        parameters=[ID],
        responses={200: TrainingRecordOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        return Response(TrainingRecordOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Correct a training record",
        parameters=[ID],
        request=TrainingRecordInputSerializer(partial=True),
        responses={200: TrainingRecordOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, organization_id: str, pk: str) -> Response:
        record = self.get_object()
        data = dict(validated(TrainingRecordInputSerializer, request.data, partial=True))
        if "person" in data:
            data["person"] = self._person(data["person"])
        record = training_record_update(actor=signed_in_user(request), record=record, **data)
        found = training_get_for_user(user=signed_in_user(request), id=record.pk)
        return Response(TrainingRecordOutputSerializer(found).data)

    @extend_schema(
        summary="Remove a training record",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        training_record_delete(actor=signed_in_user(request), record=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
