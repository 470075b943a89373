"""The scope document, at /projects/{project_id}/scope/versions/…: versions (never edited in
place), their review, their comments and the differences between two of them — their input
and output shapes and the viewset."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.models import project_id_of
from projects.models import ScopeReviewComment, ScopeVersion, SuccessCriterion
from projects.rest import PROJECT_ID, ProjectChildViewSet
from projects.selectors import scope_version_diff, scope_version_get_for_user, scope_version_list
from projects.services import (
    scope_version_approve,
    scope_version_comment,
    scope_version_create,
    scope_version_request_changes,
    scope_version_submit,
)

UNKNOWN_VERSION = "Unknown version of this scope document."
NEVER_EDITED = (
    " Versions are never edited in place: PUT, PATCH and DELETE answer 405; to change the "
    "scope, create the next version (open drafts are superseded by it)."
)


# --- serializers ----------------------------------------------------------------------------


def _statements() -> serializers.ListField:
    return serializers.ListField(
        # Blank items are dropped by the service, as in the web form.
        child=serializers.CharField(max_length=500, allow_blank=True),
        max_length=50,
        required=False,
        help_text="Short statements, one per item (at most 50; blank items are dropped).",
    )


@extend_schema_serializer(component_name="MilestoneCreate")
class MilestoneInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


@extend_schema_serializer(component_name="SuccessCriterionCreate")
class SuccessCriterionInputSerializer(StrictInputSerializer):
    metric = serializers.CharField(max_length=200)
    comparison = serializers.ChoiceField(
        choices=SuccessCriterion.Comparison.choices, default=SuccessCriterion.Comparison.AT_LEAST
    )
    target = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit = serializers.CharField(max_length=40)


@extend_schema_serializer(component_name="ScopeVersionCreate")
class ScopeVersionCreateInputSerializer(StrictInputSerializer):
    goals = serializers.CharField(max_length=10000)
    deliverables = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    timeline_start = serializers.DateField(required=False, allow_null=True)
    timeline_end = serializers.DateField(required=False, allow_null=True)
    out_of_scope = _statements()
    assumptions = _statements()
    constraints = _statements()
    # `many_init` is what `many=True` calls; the stubs' __init__ lacks the list's max_length.
    milestones = MilestoneInputSerializer.many_init(
        required=False,
        max_length=100,
        help_text="In date order, inside the timeline.",
    )
    success_criteria = SuccessCriterionInputSerializer.many_init(
        required=False, max_length=100, help_text="Each one measurable."
    )
    change_summary = serializers.CharField(max_length=300, allow_blank=True, required=False)


@extend_schema_serializer(component_name="ScopeReviewApprove")
class ApproveInputSerializer(StrictInputSerializer):
    comment = serializers.CharField(max_length=5000, allow_blank=True, required=False)


@extend_schema_serializer(component_name="ScopeReviewRequestChanges")
class RequestChangesInputSerializer(StrictInputSerializer):
    comment = serializers.CharField(max_length=5000, help_text="What must change.")


@extend_schema_serializer(component_name="ScopeReviewCommentCreate")
class CommentInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="Milestone")
class MilestoneOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField()


@extend_schema_serializer(component_name="SuccessCriterion")
class SuccessCriterionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    metric = serializers.CharField()
    comparison = serializers.ChoiceField(choices=SuccessCriterion.Comparison.choices)
    target = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit = serializers.CharField()


@extend_schema_serializer(component_name="ScopeReviewComment")
class CommentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = UserSummaryOutputSerializer()
    body = serializers.CharField()
    decision = serializers.ChoiceField(choices=ScopeReviewComment.Decision.choices)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ScopeVersion")
class ScopeVersionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ScopeVersion.Status.choices)
    goals = serializers.CharField()
    deliverables = serializers.CharField()
    timeline_start = serializers.DateField(allow_null=True)
    timeline_end = serializers.DateField(allow_null=True)
    out_of_scope = serializers.ListField(child=serializers.CharField())
    assumptions = serializers.ListField(child=serializers.CharField())
    constraints = serializers.ListField(child=serializers.CharField())
    change_summary = serializers.CharField()
    created_by = UserSummaryOutputSerializer()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = UserSummaryOutputSerializer(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ScopeVersionDetail")
class ScopeVersionDetailOutputSerializer(ScopeVersionOutputSerializer):
    milestones = MilestoneOutputSerializer(many=True)
    success_criteria = SuccessCriterionOutputSerializer(many=True)
    comments = CommentOutputSerializer(many=True, help_text="Review decisions and comments.")


class VersionRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()


@extend_schema_serializer(component_name="ScopeVersionDiff")
class DiffOutputSerializer(serializers.Serializer):
    version = VersionRefSerializer(help_text="The version in the URL (`new`).")
    against = VersionRefSerializer(help_text="The version compared with (`old`).")
    changes = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text=(
            'Only what differs, by field: {"old": …, "new": …}. Milestones and success '
            "criteria are compared as lists of readable lines."
        ),
    )


class DiffQuerySerializer(serializers.Serializer):
    against = serializers.UUIDField(help_text="Another version of the same document.")


VERSION_EXAMPLE_VALUE = {
    "id": "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
    "number": 2,
    "status": "in_review",
    "goals": "Cut claims triage time by half.",
    "deliverables": "Triage assistant in the claims inbox.",
    "timeline_start": "2027-01-04",
    "timeline_end": "2027-06-30",
    "out_of_scope": ["Motor claims"],
    "assumptions": ["Claims data stays in the EU"],
    "constraints": [],
    "change_summary": "Added a cost criterion.",
    "created_by": {
        "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
        "email": "ada@acme.example",
        "full_name": "Ada Lovelace",
    },
    "submitted_at": "2026-11-28T10:00:00Z",
    "reviewed_by": None,
    "reviewed_at": None,
    "created_at": "2026-11-28T09:00:00Z",
    "updated_at": "2026-11-28T10:00:00Z",
}
VERSION_DETAIL_EXAMPLE = OpenApiExample(
    "Scope version",
    response_only=True,
    value=VERSION_EXAMPLE_VALUE
    | {
        "milestones": [
            {
                "id": "2f3e4d5c-6b7a-4899-8a0b-1c2d3e4f5a6b",
                "position": 1,
                "title": "Pilot",
                "due_date": "2027-03-01",
            }
        ],
        "success_criteria": [
            {
                "id": "3a4b5c6d-7e8f-4091-a2b3-c4d5e6f7a8b9",
                "position": 1,
                "metric": "Median triage time",
                "comparison": "lte",
                "target": "4.0000",
                "unit": "hours",
            }
        ],
        "comments": [],
    },
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class ScopeVersionViewSet(ProjectChildViewSet):
    """The versions of the project's scope document: everyone on the project reads them,
    contributors write and submit them, reviewers (not their authors) decide on them."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "diff": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "submit": Perm.PROJECT_CONTRIBUTE,
        "approve": Perm.PROJECT_REVIEW,
        "request_changes": Perm.PROJECT_REVIEW,
        "comments": Rule.SCOPE_VERSION_COMMENT,  # contributors and reviewers alike
    }

    def fetch_row(self, pk: str) -> ScopeVersion:
        return scope_version_get_for_user(user=signed_in_user(self.request), id=pk)

    def _detail(self, version: ScopeVersion) -> Response:
        # Read again after a change: the answer shows the comments and review just written.
        fresh = scope_version_get_for_user(user=signed_in_user(self.request), id=version.pk)
        return Response(ScopeVersionDetailOutputSerializer(fresh).data)

    @extend_schema(
        summary="List scope versions",
        description="Every version, newest first (without milestones and criteria).",
        responses={200: ScopeVersionOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        versions = scope_version_list(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(ScopeVersionOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Write the next scope version",
        description=(
            "Contributors. The new version is a draft numbered after the latest; open drafts "
            "are superseded. Refused with 409 while a version is in review. Milestones must be "
            "in date order and inside the timeline; success criteria need a metric, a numeric "
            "target and a unit." + NEVER_EDITED
        ),
        request=ScopeVersionCreateInputSerializer,
        responses={201: ScopeVersionDetailOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New version",
                request_only=True,
                value={
                    "goals": "Cut claims triage time by half.",
                    "timeline_start": "2027-01-04",
                    "timeline_end": "2027-06-30",
                    "out_of_scope": ["Motor claims"],
                    "milestones": [
                        {"title": "Pilot", "due_date": "2027-03-01"},
                        {"title": "Go-live", "due_date": "2027-06-01"},
                    ],
                    "success_criteria": [
                        {
                            "metric": "Median triage time",
                            "comparison": "lte",
                            "target": "4",
                            "unit": "hours",
                        }
                    ],
                    "change_summary": "First version.",
                },
            ),
            VERSION_DETAIL_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(ScopeVersionCreateInputSerializer, request.data)
        version = scope_version_create(actor=signed_in_user(request), project=project, **data)
        response = self._detail(version)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Get a scope version",
        description="With its milestones, success criteria and review comments." + NEVER_EDITED,
        parameters=[ID],
        responses={200: ScopeVersionDetailOutputSerializer, **problems(*READ)},
        examples=[VERSION_DETAIL_EXAMPLE],
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(ScopeVersionDetailOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Submit a version for review",
        description="Contributors; the latest version, as a draft or with changes requested.",
        operation_id="projects_scope_versions_submit",
        parameters=[ID],
        request=None,
        responses={200: ScopeVersionDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, project_id: str, pk: str) -> Response:
        version = scope_version_submit(actor=signed_in_user(request), version=self.get_object())
        return self._detail(version)

    @extend_schema(
        summary="Approve a version in review",
        description=(
            "Reviewers, compliance officers and managers — never the version's author (403). "
            "The previously approved version is superseded."
        ),
        operation_id="projects_scope_versions_approve",
        parameters=[ID],
        request=ApproveInputSerializer,
        responses={200: ScopeVersionDetailOutputSerializer, **problems(*WRITE)},
        examples=[OpenApiExample("Approve", request_only=True, value={"comment": "Clear."})],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, project_id: str, pk: str) -> Response:
        version = self.get_object()
        data = validated(ApproveInputSerializer, request.data)
        version = scope_version_approve(
            actor=signed_in_user(request), version=version, comment=data.get("comment", "")
        )
        return self._detail(version)

    @extend_schema(
        summary="Request changes to a version in review",
        description="Reviewers (not the author), saying what must change.",
        operation_id="projects_scope_versions_request_changes",
        parameters=[ID],
        request=RequestChangesInputSerializer,
        responses={200: ScopeVersionDetailOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Changes", request_only=True, value={"comment": "Add a cost criterion."})
        ],
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, project_id: str, pk: str) -> Response:
        version = self.get_object()
        data = validated(RequestChangesInputSerializer, request.data)
        version = scope_version_request_changes(
            actor=signed_in_user(request), version=version, comment=data["comment"]
        )
        return self._detail(version)

    @extend_schema(
        summary="Comment on a version",
        description="Contributors and reviewers; a comment decides nothing.",
        operation_id="projects_scope_versions_comment",
        parameters=[ID],
        request=CommentInputSerializer,
        responses={201: CommentOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, project_id: str, pk: str) -> Response:
        version = self.get_object()
        data = validated(CommentInputSerializer, request.data)
        comment = scope_version_comment(
            actor=signed_in_user(request), version=version, body=data["body"]
        )
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Compare two versions",
        description=(
            "What changed from the version `against` to this one. An `against` that is not a "
            "version of this project's document is 400."
        ),
        operation_id="projects_scope_versions_diff",
        parameters=[ID, DiffQuerySerializer],
        responses={200: DiffOutputSerializer, **problems(400, 401, 404, 429)},
        examples=[
            OpenApiExample(
                "Diff",
                response_only=True,
                value={
                    "version": {"id": "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6", "number": 2},
                    "against": {"id": "0d1c2b3a-4958-4677-8a9b-b0c1d2e3f4a5", "number": 1},
                    "changes": {
                        "goals": {"old": "Faster triage.", "new": "Cut triage time by half."}
                    },
                },
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, project_id: str, pk: str) -> Response:
        version = self.get_object()
        query = validated(DiffQuerySerializer, request.query_params)
        try:
            other = scope_version_get_for_user(user=signed_in_user(request), id=query["against"])
        except Http404:
            other = None
        # A query parameter, not the resource: another document's version (or none) is a
        # bad parameter, and looks the same whether it exists elsewhere or not.
        if other is None or project_id_of(other) != project_id_of(version):
            raise serializers.ValidationError({"against": [UNKNOWN_VERSION]})
        body = {
            "version": version,
            "against": other,
            "changes": scope_version_diff(other, version),
        }
        return Response(DiffOutputSerializer(body).data)
