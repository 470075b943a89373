"""Input and output shapes of the scope-document API. Inputs are validated here; services
decide."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.api.common import StrictInputSerializer, UserSummaryOutputSerializer
from projects.models import ScopeReviewComment, ScopeVersion, SuccessCriterion


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
    milestones = MilestoneInputSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="In date order, inside the timeline.",
    )
    success_criteria = SuccessCriterionInputSerializer(
        many=True, required=False, max_length=100, help_text="Each one measurable."
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
