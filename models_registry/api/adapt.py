"""REST endpoints of the Adapt & align record's set-up: model versions and their lineage,
prompt templates with their versions and diffs, datasets with their governance record, and
fine-tuning runs. Versions of models and prompts are never edited (PATCH is not served)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.lookups import in_project, version_named
from models_registry.models import Dataset, FineTuneRun, ModelVersion
from models_registry.selectors import (
    catalogue_model_for_project,
    dataset_get_for_user,
    dataset_in_project,
    dataset_list,
    fine_tune_run_get_for_user,
    fine_tune_run_list,
    model_version_get_for_user,
    model_version_list,
    prompt_diff,
    prompt_template_get_for_user,
    prompt_template_list,
    prompt_version_in_template,
    version_lineage,
)
from models_registry.services import (
    dataset_create,
    dataset_update,
    fine_tune_run_create,
    fine_tune_run_update,
    model_version_create,
    prompt_template_create,
    prompt_version_create,
)
from projects.rest import PROJECT_ID, ProjectChildViewSet

NOT_A_DATASET = "Not a dataset of this project."
NOT_A_MODEL = "Not a model of this organisation's catalogue."
NO_SUCH_PROMPT_VERSION = "This template has no version with that number."


# --- model versions -----------------------------------------------------------------------------


class VersionSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ModelVersion")
class ModelVersionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    adaptation = serializers.ChoiceField(choices=ModelVersion.Adaptation.choices)
    parent = serializers.UUIDField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    base_model = serializers.UUIDField(source="base_model_id", allow_null=True)
    description = serializers.CharField()
    artifact_uri = serializers.CharField()
    created_by = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ModelVersionDetail")
class ModelVersionDetailOutputSerializer(ModelVersionOutputSerializer):
    lineage = VersionSummarySerializer(many=True, help_text="From the base to this version.")


@extend_schema_serializer(component_name="ModelVersionCreate")
class ModelVersionInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False, help_text="Default: v<number>.")
    adaptation = serializers.ChoiceField(
        choices=ModelVersion.Adaptation.choices,
        required=False,
        help_text="Default: base without a parent; every other kind needs a parent.",
    )
    parent = serializers.UUIDField(required=False, allow_null=True)  # type: ignore[assignment]
    base_model = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=(
            "The base version: default the model the approved decision chose. An adapted "
            "version: default its parent's; another model here is a change of base model."
        ),
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    artifact_uri = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class ModelVersionViewSet(ProjectChildViewSet):
    """The versions of the project's model, each an adaptation of its parent."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> ModelVersion:
        return model_version_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the model versions",
        responses={200: ModelVersionOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(model_version_list(project=self.get_project()))
        return self.get_paginated_response(ModelVersionOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a model version",
        request=ModelVersionInputSerializer,
        responses={201: ModelVersionDetailOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(ModelVersionInputSerializer, request.data)
        if "parent" in data:
            data["parent"] = version_named(project, data["parent"], "parent")
        if data.get("base_model") is not None:
            try:
                data["base_model"] = catalogue_model_for_project(
                    project=project, id=data["base_model"]
                )
            except Http404:
                raise serializers.ValidationError({"base_model": [NOT_A_MODEL]}) from None
        version = model_version_create(actor=signed_in_user(request), project=project, **data)
        return Response(self._detail(version), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a model version with its lineage",
        parameters=[ID],
        responses={200: ModelVersionDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, version: ModelVersion) -> Any:
        version = model_version_get_for_user(user=signed_in_user(self.request), id=version.pk)
        version.lineage = version_lineage(version=version)  # type: ignore[attr-defined]
        return ModelVersionDetailOutputSerializer(version).data


# --- prompts ------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="PromptVersion")
class PromptVersionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    variables = serializers.ListField(child=serializers.CharField())
    model_version = serializers.UUIDField(source="model_version_id", allow_null=True)
    change_note = serializers.CharField()
    created_by = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PromptTemplate")
class PromptTemplateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    version_count = serializers.IntegerField()
    latest_number = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PromptTemplateDetail")
class PromptTemplateDetailOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    versions = PromptVersionOutputSerializer(many=True, source="versions.all")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PromptVersionCreate")
class PromptVersionInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=50000, trim_whitespace=False)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    model_version = serializers.UUIDField(required=False, allow_null=True)


@extend_schema_serializer(component_name="PromptTemplateCreate")
class PromptTemplateInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    purpose = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    text = serializers.CharField(
        max_length=50000, required=False, trim_whitespace=False, help_text="Its first version."
    )
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    model_version = serializers.UUIDField(required=False, allow_null=True)


class DiffRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["same", "changed", "removed", "added"])
    old_number = serializers.IntegerField(allow_null=True)
    old = serializers.CharField()
    new_number = serializers.IntegerField(allow_null=True)
    new = serializers.CharField()


@extend_schema_serializer(component_name="PromptDiff")
class PromptDiffOutputSerializer(serializers.Serializer):
    old = serializers.IntegerField(help_text="The older version's number.")
    new = serializers.IntegerField(help_text="The newer version's number.")
    rows = DiffRowSerializer(many=True)


VERSION_NUMBER = [
    OpenApiParameter("old", OpenApiTypes.INT, required=True, description="A version number."),
    OpenApiParameter("new", OpenApiTypes.INT, required=True, description="A version number."),
]


@extend_schema(parameters=[PROJECT_ID])
class PromptTemplateViewSet(ProjectChildViewSet):
    """The project's prompt library: templates, their frozen versions, and diffs."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "versions": Perm.PROJECT_CONTRIBUTE,
        "diff": Perm.PROJECT_VIEW,
    }

    def fetch_row(self, pk: str) -> Any:
        return prompt_template_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the prompt templates",
        responses={200: PromptTemplateOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(prompt_template_list(project=self.get_project()))
        return self.get_paginated_response(PromptTemplateOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a prompt template (with its first version)",
        request=PromptTemplateInputSerializer,
        responses={201: PromptTemplateDetailOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(PromptTemplateInputSerializer, request.data)
        if "model_version" in data:
            data["model_version"] = version_named(project, data["model_version"], "model_version")
        template = prompt_template_create(actor=signed_in_user(request), project=project, **data)
        template = prompt_template_get_for_user(user=signed_in_user(request), id=template.pk)
        return Response(
            PromptTemplateDetailOutputSerializer(template).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Get a prompt template with its versions",
        parameters=[ID],
        responses={200: PromptTemplateDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(PromptTemplateDetailOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Add a version of the prompt",
        description="A text that did not change is refused (400).",
        parameters=[ID],
        request=PromptVersionInputSerializer,
        responses={201: PromptVersionOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, project_id: str, pk: str) -> Response:
        template = self.get_object()
        data: dict[str, Any] = validated(PromptVersionInputSerializer, request.data)
        if "model_version" in data:
            data["model_version"] = version_named(
                template.project, data["model_version"], "model_version"
            )
        version = prompt_version_create(actor=signed_in_user(request), template=template, **data)
        return Response(PromptVersionOutputSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Compare two versions of the prompt, side by side",
        parameters=[ID, *VERSION_NUMBER],
        responses={200: PromptDiffOutputSerializer, **problems(400, *READ)},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, project_id: str, pk: str) -> Response:
        template = self.get_object()
        old, new = (
            in_project(
                prompt_version_in_template(template=template, number=request.query_params.get(k)),
                k,
                NO_SUCH_PROMPT_VERSION,
            )
            for k in ("old", "new")
        )
        rows = prompt_diff(old=old, new=new)
        return Response(
            PromptDiffOutputSerializer(
                {"old": old.number, "new": new.number, "rows": [row.__dict__ for row in rows]}
            ).data
        )


# --- datasets -----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Dataset")
class DatasetOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    reference = serializers.CharField()
    licence = serializers.CharField()
    personal_data = serializers.BooleanField()
    lawful_basis = serializers.ChoiceField(choices=[("", "none"), *Dataset.LawfulBasis.choices])
    retention = serializers.CharField()
    description = serializers.CharField()
    purpose = serializers.CharField()
    personal_data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Dataset.Category.choices)
    )
    special_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Dataset.Special.choices)
    )
    special_category_condition = serializers.ChoiceField(
        choices=[("", "none"), *Dataset.SpecialCondition.choices]
    )
    data_subjects = serializers.ListField(
        child=serializers.ChoiceField(choices=Dataset.SubjectCategory.choices)
    )
    transfers_outside_eea = serializers.BooleanField()
    transfer_countries = serializers.CharField()
    transfer_safeguard = serializers.ChoiceField(choices=[("", "none"), *Dataset.Safeguard.choices])
    processors = serializers.CharField()
    created_at = serializers.DateTimeField()


def _codes(choices: type[models.TextChoices], help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices.choices),
        required=False,
        max_length=len(choices.values),
        help_text=help_text,
    )


@extend_schema_serializer(component_name="DatasetWrite")
class DatasetInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=160)
    source = serializers.CharField(max_length=500)  # type: ignore[assignment]
    reference = serializers.CharField(max_length=500, required=False, allow_blank=True)
    licence = serializers.CharField(max_length=200)
    personal_data = serializers.BooleanField(required=False)
    lawful_basis = serializers.ChoiceField(
        choices=Dataset.LawfulBasis.choices,
        required=False,
        allow_blank=True,
        help_text="Required when the data holds personal data; refused otherwise.",
    )
    retention = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Required when the data holds personal data.",
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    purpose = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    personal_data_categories = _codes(Dataset.Category, "Only for personal data.")
    special_categories = _codes(
        Dataset.Special, "GDPR Art. 9(1); needs `special_category_condition`."
    )
    special_category_condition = serializers.ChoiceField(
        choices=Dataset.SpecialCondition.choices,
        required=False,
        allow_blank=True,
        help_text="The Art. 9(2) condition: required with special categories, refused without.",
    )
    data_subjects = _codes(Dataset.SubjectCategory, "Only for personal data.")
    transfers_outside_eea = serializers.BooleanField(required=False)
    transfer_countries = serializers.CharField(max_length=300, required=False, allow_blank=True)
    transfer_safeguard = serializers.ChoiceField(
        choices=Dataset.Safeguard.choices,
        required=False,
        allow_blank=True,
        help_text="Required for a transfer outside the EEA (Art. 45–49), refused without one.",
    )
    processors = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="One processor a line."
    )


@extend_schema(parameters=[PROJECT_ID])
class DatasetViewSet(ProjectChildViewSet):
    """The data the project trains and evaluates on, with its governance record."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> Dataset:
        return dataset_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the datasets", responses={200: DatasetOutputSerializer, **problems(*READ)}
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(dataset_list(project=self.get_project()))
        return self.get_paginated_response(DatasetOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a dataset",
        request=DatasetInputSerializer,
        responses={201: DatasetOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()  # 404 and 403 before a word about the body
        data = validated(DatasetInputSerializer, request.data)
        dataset = dataset_create(actor=signed_in_user(request), project=project, **data)
        return Response(DatasetOutputSerializer(dataset).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a dataset",
        parameters=[ID],
        responses={200: DatasetOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(DatasetOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a dataset's record",
        parameters=[ID],
        request=DatasetInputSerializer(partial=True),
        responses={200: DatasetOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        dataset = self.get_object()
        data = validated(DatasetInputSerializer, request.data, partial=True)
        dataset = dataset_update(actor=signed_in_user(request), dataset=dataset, **data)
        return Response(DatasetOutputSerializer(dataset).data)


# --- fine-tuning runs ---------------------------------------------------------------------------


@extend_schema_serializer(component_name="FineTuneRun")
class FineTuneRunOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    method = serializers.ChoiceField(choices=FineTuneRun.Method.choices)
    base_version = VersionSummarySerializer()
    dataset = serializers.UUIDField(source="dataset_id")
    hyperparameters = serializers.DictField()
    gpu_hours = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    cost_currency = serializers.CharField()
    result_version = VersionSummarySerializer(allow_null=True)
    status = serializers.ChoiceField(choices=FineTuneRun.Status.choices)
    external_id = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="FineTuneRunCreate")
class FineTuneRunInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=160)
    method = serializers.ChoiceField(choices=FineTuneRun.Method.choices)
    base_version = serializers.UUIDField()
    dataset = serializers.UUIDField()
    hyperparameters = serializers.JSONField(required=False, help_text="A JSON object.")
    gpu_hours = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    cost_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    result_version = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=FineTuneRun.Status.choices, required=False)
    external_id = serializers.CharField(max_length=200, required=False, allow_blank=True)


@extend_schema_serializer(component_name="FineTuneRunUpdate")
class FineTuneRunUpdateSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=FineTuneRun.Status.choices, required=False)
    result_version = serializers.UUIDField(required=False, allow_null=True)
    gpu_hours = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    cost_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class FineTuneRunViewSet(ProjectChildViewSet):
    """Fine-tuning runs: method, base version, data, compute, cost and the version made."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> FineTuneRun:
        return fine_tune_run_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the fine-tuning runs",
        responses={200: FineTuneRunOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(fine_tune_run_list(project=self.get_project()))
        return self.get_paginated_response(FineTuneRunOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a fine-tuning run",
        request=FineTuneRunInputSerializer,
        responses={201: FineTuneRunOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(FineTuneRunInputSerializer, request.data)
        data["base_version"] = version_named(project, data["base_version"], "base_version")
        data["dataset"] = in_project(
            dataset_in_project(project=project, id=data["dataset"]), "dataset", NOT_A_DATASET
        )
        if "result_version" in data:
            data["result_version"] = version_named(
                project, data["result_version"], "result_version"
            )
        run = fine_tune_run_create(actor=signed_in_user(request), project=project, **data)
        run = fine_tune_run_get_for_user(user=signed_in_user(request), id=run.pk)
        return Response(FineTuneRunOutputSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a fine-tuning run",
        parameters=[ID],
        responses={200: FineTuneRunOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(FineTuneRunOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Record a run's progress and outcome",
        parameters=[ID],
        request=FineTuneRunUpdateSerializer,
        responses={200: FineTuneRunOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        run = self.get_object()
        data: dict[str, Any] = validated(FineTuneRunUpdateSerializer, request.data)
        if "result_version" in data:
            data["result_version"] = version_named(
                run.project, data["result_version"], "result_version"
            )
        fine_tune_run_update(actor=signed_in_user(request), run=run, **data)
        run = fine_tune_run_get_for_user(user=signed_in_user(request), id=run.pk)
        return Response(FineTuneRunOutputSerializer(run).data)
