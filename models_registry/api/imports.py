"""REST endpoints that import evaluations from where they already live: an lm-evaluation-harness
results file or an Inspect AI log (multipart/form-data), or the finished runs of an MLflow
experiment (JSON, read by the Charter server from the tracking URL). Importing the same thing
again creates nothing new: 201 the first time, 200 after."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.types import signed_in_user
from core.api.schema import WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.api.evaluations import EvaluationOutputSerializer
from models_registry.api.lookups import NOT_A_VERSION, in_project
from models_registry.models import Evaluation, ModelVersion
from models_registry.selectors import evaluation_get_for_user, model_version_in_project
from models_registry.services import (
    evaluation_import_inspect,
    evaluation_import_lm_eval,
    evaluation_import_mlflow,
)
from projects.rest import PROJECT_ID, ProjectChildViewSet

AGAIN = "Importing the same source again answers 200 with the first record and creates nothing."


@extend_schema_serializer(component_name="LmEvalImport")
class LmEvalImportInputSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text="A results_*.json file written by lm_eval.")
    model_version = serializers.UUIDField(help_text="The version that was evaluated.")
    benchmark = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Default: the file's top-level tasks (groups, and tasks in no group).",
    )


@extend_schema_serializer(component_name="InspectImport")
class InspectImportInputSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text="An Inspect AI log, .eval or .json.")
    model_version = serializers.UUIDField(help_text="The version that was evaluated.")


@extend_schema_serializer(component_name="MlflowImport")
class MlflowImportInputSerializer(StrictInputSerializer):
    tracking_url = serializers.CharField(
        max_length=500, help_text="http(s) URL of the tracking server, fetched by Charter."
    )
    experiment = serializers.CharField(max_length=250, help_text="Its name, or its id.")
    model_version = serializers.UUIDField(
        help_text="Runs' evaluations belong to it (unless a registered version came from the "
        "run), and registered versions are recorded as adapted from it."
    )


@extend_schema_serializer(component_name="MlflowImportResult")
class MlflowImportOutputSerializer(serializers.Serializer):
    experiment = serializers.CharField()
    versions_created = VersionSummarySerializer(many=True)
    evaluations_created = EvaluationOutputSerializer(many=True)
    versions_unchanged = serializers.IntegerField()
    evaluations_unchanged = serializers.IntegerField()
    runs_without_metrics = serializers.ListField(child=serializers.CharField())


def _version(project: Any, value: Any) -> ModelVersion:
    """The project's version a body named (the field is required), else a 400 on it."""
    found: ModelVersion = in_project(
        model_version_in_project(project=project, id=value), "model_version", NOT_A_VERSION
    )
    return found


def _answer(request: Request, evaluation: Evaluation, created: bool) -> Response:
    evaluation = evaluation_get_for_user(user=signed_in_user(request), id=evaluation.pk)
    return Response(
        EvaluationOutputSerializer(evaluation).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


FILE_RESPONSES = {
    201: EvaluationOutputSerializer,
    200: EvaluationOutputSerializer,
    **problems(*WRITE),
}


@extend_schema(parameters=[PROJECT_ID])
class EvaluationFileImportViewSet(ProjectChildViewSet):
    """Evaluations from uploaded files, checked whole before anything is recorded."""

    # multipart/form-data carries the file; a JSON body cannot, and answers 400 naming it.
    parser_classes = [MultiPartParser, JSONParser]
    policy_perms = {"lm_eval": Perm.PROJECT_CONTRIBUTE, "inspect": Perm.PROJECT_CONTRIBUTE}

    @extend_schema(
        summary="Import an lm-evaluation-harness results file",
        description=f"One evaluation per file, metrics named task/metric. {AGAIN}",
        request={"multipart/form-data": LmEvalImportInputSerializer},
        responses=FILE_RESPONSES,
    )
    def lm_eval(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(LmEvalImportInputSerializer, request.data)
        evaluation, created = evaluation_import_lm_eval(
            actor=signed_in_user(request),
            project=project,
            model_version=_version(project, data["model_version"]),
            upload=data["file"],
            benchmark=data.get("benchmark", ""),
        )
        return _answer(request, evaluation, created)

    @extend_schema(
        summary="Import an Inspect AI log",
        description=f"One evaluation per log, metrics named scorer/metric. {AGAIN}",
        request={"multipart/form-data": InspectImportInputSerializer},
        responses=FILE_RESPONSES,
    )
    def inspect(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(InspectImportInputSerializer, request.data)
        evaluation, created = evaluation_import_inspect(
            actor=signed_in_user(request),
            project=project,
            model_version=_version(project, data["model_version"]),
            upload=data["file"],
        )
        return _answer(request, evaluation, created)


@extend_schema(parameters=[PROJECT_ID])
class MlflowImportViewSet(ProjectChildViewSet):
    """The finished runs of an MLflow experiment, and the versions registered from them."""

    parser_classes = [JSONParser]
    policy_perms = {"mlflow": Perm.PROJECT_CONTRIBUTE}

    @extend_schema(
        summary="Import an MLflow experiment",
        description=(
            "The Charter server reads the tracking server's REST API (bounded in time; only the "
            "hosts in CHARTER_MLFLOW_ALLOWED_HOSTS when set). Each finished run becomes an "
            "evaluation (latest value per metric, parameters in its findings); each registered "
            "model version from those runs becomes a version. A server that is down or slow "
            f"answers 400 and imports nothing. {AGAIN}"
        ),
        request=MlflowImportInputSerializer,
        responses={
            201: MlflowImportOutputSerializer,
            200: MlflowImportOutputSerializer,
            **problems(*WRITE),
        },
    )
    def mlflow(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(MlflowImportInputSerializer, request.data)
        outcome = evaluation_import_mlflow(
            actor=signed_in_user(request),
            project=project,
            tracking_url=data["tracking_url"],
            experiment=data["experiment"],
            parent=_version(project, data["model_version"]),
        )
        user = signed_in_user(request)
        outcome.evaluations_created = [
            evaluation_get_for_user(user=user, id=e.pk) for e in outcome.evaluations_created
        ]
        return Response(
            MlflowImportOutputSerializer(outcome).data,
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )
