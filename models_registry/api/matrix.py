"""The published shape of a scoring matrix (live or frozen in a decision record).

Some published fields are named like DRF Field attributes (`label`); the serializer metaclass
takes declared fields off the class, so the attributes are untouched at run time.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class MatrixCriterionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    weight = serializers.IntegerField(help_text="Points.")
    share_percent = serializers.FloatField(help_text="The weight as a share of all points.")
    is_hard_constraint = serializers.BooleanField()
    minimum_score = serializers.IntegerField(
        allow_null=True, help_text="For a hard constraint: the mean score a candidate needs."
    )


class MatrixReviewerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]  # a published field


class MatrixScoreSerializer(serializers.Serializer):
    reviewer = serializers.UUIDField()
    value = serializers.IntegerField(min_value=1, max_value=5)


class MatrixCellSerializer(serializers.Serializer):
    criterion = serializers.UUIDField()
    scores = MatrixScoreSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    spread = serializers.IntegerField(allow_null=True, help_text="Highest minus lowest score.")
    disagreement = serializers.BooleanField(help_text="Reviewers 2 or more points apart.")


class MatrixRowSerializer(serializers.Serializer):
    candidate = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]  # a published field
    total = serializers.FloatField(
        allow_null=True, help_text="Weighted mean on the 1–5 scale; null until complete."
    )
    rank = serializers.IntegerField(
        allow_null=True, help_text="Null when excluded or not completely scored."
    )
    excluded_by = serializers.ListField(
        child=serializers.CharField(), help_text="Hard constraints the candidate fails."
    )
    cells = MatrixCellSerializer(many=True)


class MatrixRankingSerializer(serializers.Serializer):
    candidate = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]  # a published field
    total = serializers.FloatField()


class SensitivitySerializer(serializers.Serializer):
    criterion = serializers.UUIDField()
    name = serializers.CharField()
    share_percent = serializers.FloatField()
    winner_minus_10 = serializers.UUIDField(
        allow_null=True, help_text="The winner with this weight 10 points lower."
    )
    winner_plus_10 = serializers.UUIDField(allow_null=True)
    changes_within_10 = serializers.BooleanField()
    flip_at_points = serializers.FloatField(
        allow_null=True,
        help_text=(
            "The smallest move of this weight (signed, in points) at which another candidate "
            "draws level with the winner; null if none from 0 to 100 % does."
        ),
    )
    flips_to = serializers.UUIDField(allow_null=True)
    flips_to_label = serializers.CharField(allow_null=True)


@extend_schema_serializer(component_name="SelectionMatrix")
class MatrixOutputSerializer(serializers.Serializer):
    criteria = MatrixCriterionSerializer(many=True)
    reviewers = MatrixReviewerSerializer(many=True, help_text="Submitted sheets only.")
    rows = MatrixRowSerializer(many=True)
    ranking = MatrixRankingSerializer(many=True)
    winner = serializers.UUIDField(allow_null=True)
    sensitivity = SensitivitySerializer(many=True)
