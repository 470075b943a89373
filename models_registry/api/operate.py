"""REST endpoints of deployments (the rollout plan and each step of it) and incidents (with
the serious-incident clock)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule, can
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.api.lookups import in_project, version_named
from models_registry.incident_clock import serious_kinds
from models_registry.models import (
    Deployment,
    DeploymentEvent,
    Incident,
    MonitoringThreshold,
    PostMarketPlan,
)
from models_registry.selectors import (
    clock,
    deployment_get_for_user,
    deployment_in_project,
    deployment_list,
    incident_get_for_user,
    incident_list,
    post_market_plan_get,
    prompt_version_in_project,
)
from models_registry.services import (
    deployment_approve,
    deployment_confirm_exit,
    deployment_end,
    deployment_pause,
    deployment_plan,
    deployment_promote,
    deployment_resume,
    deployment_rollback,
    deployment_start,
    incident_mark_serious,
    incident_open,
    incident_reported,
    incident_resolve,
    incident_update,
    monitoring_ingest,
    monitoring_threshold_set,
    post_market_plan_set,
    post_market_review_record,
)
from projects.rest import PROJECT_ID, ProjectChildViewSet, person_in

# --- deployments --------------------------------------------------------------------------------


@extend_schema_serializer(component_name="RolloutStage")
class StageSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    traffic_percent = serializers.IntegerField()
    starts_on = serializers.DateField()
    exit_criteria = serializers.CharField()
    entered_at = serializers.DateTimeField(allow_null=True)
    exit_confirmed_at = serializers.DateTimeField(allow_null=True)
    exit_note = serializers.CharField()


@extend_schema_serializer(component_name="DeploymentEvent")
class EventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeploymentEvent.Kind.choices)
    stage = serializers.IntegerField()
    traffic_percent = serializers.IntegerField()
    note = serializers.CharField()
    actor = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Deployment")
class DeploymentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    environment = serializers.ChoiceField(choices=Deployment.Environment.choices)
    environment_name = serializers.CharField()
    model_version = VersionSummarySerializer()
    prompt_version = serializers.UUIDField(source="prompt_version_id", allow_null=True)
    status = serializers.ChoiceField(choices=Deployment.Status.choices)
    current_stage = serializers.IntegerField()
    stages = StageSerializer(many=True, source="stages.all")
    timeline = EventSerializer(many=True, source="events.all")
    approved_by = UserSummaryOutputSerializer(allow_null=True)
    rollback_reason = serializers.CharField()
    end_reason = serializers.CharField(help_text="Why it was ended; blank unless ended.")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="RolloutStageWrite")
class StageInputSerializer(StrictInputSerializer):
    traffic_percent = serializers.IntegerField(min_value=1, max_value=100)
    starts_on = serializers.DateField()
    exit_criteria = serializers.CharField(max_length=4000)


@extend_schema_serializer(component_name="DeploymentPlan")
class DeploymentInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=160)
    environment = serializers.ChoiceField(choices=Deployment.Environment.choices)
    environment_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    model_version = serializers.UUIDField()
    prompt_version = serializers.UUIDField(required=False, allow_null=True)
    stages = StageInputSerializer(many=True, allow_empty=False, help_text="At most 20.")


@extend_schema_serializer(component_name="DeploymentStep")
class NoteInputSerializer(StrictInputSerializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="DeploymentReason")
class ReasonInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=4000)


def _deployment_step(summary: str, request: Any) -> Any:
    return extend_schema(
        summary=summary,
        request=request,
        parameters=[ID],
        responses={200: DeploymentOutputSerializer, **problems(*WRITE)},
    )


@extend_schema(parameters=[PROJECT_ID])
class DeploymentViewSet(ProjectChildViewSet):
    """Deployments and their staged rollout."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "approve": Rule.ROLLOUT_APPROVE,
        "start": Perm.PROJECT_MANAGE,
        "confirm_exit": Perm.PROJECT_MANAGE,
        "promote": Perm.PROJECT_MANAGE,
        "pause": Perm.PROJECT_MANAGE,
        "resume": Perm.PROJECT_MANAGE,
        "rollback": Perm.PROJECT_MANAGE,
        "end": Perm.PROJECT_MANAGE,
    }

    def fetch_row(self, pk: str) -> Deployment:
        return deployment_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, deployment: Deployment) -> Any:
        fresh = deployment_get_for_user(user=signed_in_user(self.request), id=deployment.pk)
        return DeploymentOutputSerializer(fresh).data

    @extend_schema(
        summary="List the deployments",
        responses={200: DeploymentOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(deployment_list(project=self.get_project()))
        return self.get_paginated_response(DeploymentOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Plan a deployment and its rollout",
        description="Stages whose traffic share only goes up; the plan awaits approval by a "
        "manager who did not write it.",
        request=DeploymentInputSerializer,
        responses={201: DeploymentOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(DeploymentInputSerializer, request.data)
        data["model_version"] = version_named(project, data["model_version"], "model_version")
        if data.get("prompt_version") is not None:
            data["prompt_version"] = in_project(
                prompt_version_in_project(project=project, id=data["prompt_version"]),
                "prompt_version",
                "Not a prompt version of this project.",
            )
        deployment = deployment_plan(actor=signed_in_user(request), project=project, **data)
        return Response(self._out(deployment), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a deployment with its stages and timeline",
        parameters=[ID],
        responses={200: DeploymentOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(DeploymentOutputSerializer(self.get_object()).data)

    def _step(
        self, request: Request, service: Any, serializer: Any = NoteInputSerializer
    ) -> Response:
        deployment = self.get_object()
        data: dict[str, Any] = validated(serializer, request.data)
        service(actor=signed_in_user(request), deployment=deployment, **data)
        return Response(self._out(deployment))

    @_deployment_step("Approve the rollout plan", NoteInputSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_approve)

    @_deployment_step("Start the rollout (stage 1)", None)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, project_id: str, pk: str) -> Response:
        deployment = self.get_object()
        deployment_start(actor=signed_in_user(request), deployment=deployment)
        return Response(self._out(deployment))

    @_deployment_step("Confirm the current stage's exit criteria", NoteInputSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-exit")
    def confirm_exit(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_confirm_exit)

    @_deployment_step("Promote to the next stage", None)
    @action(detail=True, methods=["post"])
    def promote(self, request: Request, project_id: str, pk: str) -> Response:
        deployment = self.get_object()
        deployment_promote(actor=signed_in_user(request), deployment=deployment)
        return Response(self._out(deployment))

    @_deployment_step("Pause the rollout", ReasonInputSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_pause, ReasonInputSerializer)

    @_deployment_step("Resume a paused rollout", NoteInputSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_resume)

    @_deployment_step("Roll the deployment back", ReasonInputSerializer)
    @action(detail=True, methods=["post"])
    def rollback(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_rollback, ReasonInputSerializer)

    @_deployment_step(
        "End the deployment (decommission it, or withdraw a plan never rolled out)",
        ReasonInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, project_id: str, pk: str) -> Response:
        return self._step(request, deployment_end, ReasonInputSerializer)


# --- monitoring ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MonitoringPointWrite")
class PointInputSerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=80)
    at = serializers.CharField(help_text="ISO 8601 with its time zone.")
    value = serializers.JSONField(help_text="A finite number.")


@extend_schema_serializer(component_name="MonitoringBatchWrite")
class BatchInputSerializer(StrictInputSerializer):
    batch_id = serializers.CharField(max_length=200, help_text="Posting it again adds nothing.")
    points = serializers.ListField(
        child=serializers.DictField(), help_text="At most 10,000: {metric, at, value}."
    )


@extend_schema_serializer(component_name="MonitoringBatch")
class BatchOutputSerializer(serializers.Serializer):
    batch_id = serializers.CharField()
    points = serializers.IntegerField()
    created = serializers.BooleanField()
    incidents_opened = serializers.ListField(child=serializers.UUIDField())


@extend_schema_serializer(component_name="MonitoringThreshold")
class ThresholdSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    metric = serializers.CharField(max_length=80)
    direction = serializers.ChoiceField(choices=MonitoringThreshold.Direction.choices)
    value = serializers.DecimalField(max_digits=20, decimal_places=6)
    for_minutes = serializers.IntegerField(min_value=0, max_value=10080, required=False)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices, required=False)


@extend_schema_serializer(component_name="MonitoringThresholdWrite")
class ThresholdInputSerializer(StrictInputSerializer, ThresholdSerializer):
    pass


def _points(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The points with their times read (a time that does not parse stays as given, and the
    service names it)."""
    read = []
    for point in raw:
        at = point.get("at")
        parsed = parse_datetime(at) if isinstance(at, str) else None
        read.append({**point, "at": parsed or at})
    return read


@extend_schema(parameters=[PROJECT_ID])
class MonitoringViewSet(ProjectChildViewSet):
    """A deployment's monitoring: thresholds, and points pushed by the production system."""

    policy_perms = {
        "thresholds": Perm.PROJECT_VIEW,
        "threshold_set": Perm.PROJECT_MANAGE,
        "points": Perm.PROJECT_CONTRIBUTE,
    }

    def _deployment(self, pk: str) -> Deployment:
        project = self.get_project()
        deployment = deployment_get_for_user(user=signed_in_user(self.request), id=pk)
        if deployment.project_id != project.pk:
            raise Http404
        return deployment

    @extend_schema(
        summary="List the deployment's thresholds",
        parameters=[ID],
        responses={200: ThresholdSerializer(many=True), **problems(*READ)},
    )
    def thresholds(self, request: Request, project_id: str, pk: str) -> Response:
        deployment = self._deployment(pk)
        return Response(ThresholdSerializer(deployment.thresholds.all(), many=True).data)

    @extend_schema(
        summary="Set a threshold on a metric",
        description="Above or below a value for at least so many minutes; a breach opens one "
        "incident while that incident is unresolved.",
        parameters=[ID],
        request=ThresholdInputSerializer,
        responses={200: ThresholdSerializer, **problems(*WRITE)},
    )
    def threshold_set(self, request: Request, project_id: str, pk: str) -> Response:
        deployment = self._deployment(pk)  # policy_perms: managers only, before the body
        data: dict[str, Any] = validated(ThresholdInputSerializer, request.data)
        threshold = monitoring_threshold_set(
            actor=signed_in_user(request), deployment=deployment, **data
        )
        return Response(ThresholdSerializer(threshold).data)

    @extend_schema(
        summary="Push monitoring points",
        description="As a production system does, with a personal API token: up to 10,000 "
        "points, accepted whole or refused whole; the same batch id posted again answers 200 "
        "and adds nothing.",
        parameters=[ID],
        request=BatchInputSerializer,
        responses={201: BatchOutputSerializer, 200: BatchOutputSerializer, **problems(*WRITE)},
    )
    def points(self, request: Request, project_id: str, pk: str) -> Response:
        deployment = self._deployment(pk)
        data: dict[str, Any] = validated(BatchInputSerializer, request.data)
        batch, created, opened = monitoring_ingest(
            actor=signed_in_user(request),
            deployment=deployment,
            batch_id=data["batch_id"],
            points=_points(data["points"]),
        )
        body = {
            "batch_id": batch.batch_id,
            "points": batch.points,
            "created": created,
            "incidents_opened": [incident.pk for incident in opened],
        }
        return Response(
            BatchOutputSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- incidents ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="IncidentUpdate")
class IncidentUpdateSerializer(serializers.Serializer):
    text = serializers.CharField()
    status = serializers.CharField()
    author = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="SeriousIncidentClock")
class ClockSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    reported = serializers.BooleanField()
    late = serializers.BooleanField()
    hours_left = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    days = serializers.IntegerField(allow_null=True)
    source = serializers.CharField(help_text="The legal source of the deadline.")  # type: ignore[assignment]


@extend_schema_serializer(component_name="Incident")
class IncidentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Incident.Severity.choices)
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    source = serializers.ChoiceField(choices=Incident.Source.choices)  # type: ignore[assignment]
    deployment = serializers.UUIDField(source="deployment_id", allow_null=True)
    model_version = serializers.UUIDField(source="model_version_id", allow_null=True)
    owner = UserSummaryOutputSerializer(allow_null=True)
    occurred_at = serializers.DateTimeField()
    serious_kind = serializers.CharField()
    aware_at = serializers.DateTimeField(allow_null=True)
    report_due_at = serializers.DateTimeField(allow_null=True)
    reported_at = serializers.DateTimeField(allow_null=True)
    report_reference = serializers.CharField()
    clock = serializers.SerializerMethodField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    post_incident_review = serializers.CharField()
    updates = IncidentUpdateSerializer(many=True, source="updates.all")
    created_at = serializers.DateTimeField()

    @extend_schema_field(ClockSerializer(allow_null=True))
    def get_clock(self, incident: Incident) -> dict[str, Any] | None:
        found = clock(incident)
        return None if found is None else ClockSerializer(found).data


@extend_schema_serializer(component_name="IncidentOpen")
class IncidentInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    deployment = serializers.UUIDField(required=False, allow_null=True)
    owner = serializers.UUIDField(required=False, allow_null=True)
    occurred_at = AwareDateTimeField(required=False)


@extend_schema_serializer(component_name="IncidentNote")
class IncidentNoteSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=5000)
    status = serializers.ChoiceField(choices=["open", "investigating"], required=False)


@extend_schema_serializer(component_name="IncidentSerious")
class SeriousInputSerializer(StrictInputSerializer):
    kind = serializers.CharField(max_length=40, help_text="A kind of the deadlines data.")
    aware_at = AwareDateTimeField(required=False)


@extend_schema_serializer(component_name="IncidentReported")
class ReportedInputSerializer(StrictInputSerializer):
    reference = serializers.CharField(max_length=200)
    reported_at = AwareDateTimeField(required=False)


@extend_schema_serializer(component_name="IncidentResolve")
class ResolveInputSerializer(StrictInputSerializer):
    resolution = serializers.CharField(max_length=10000)
    post_incident_review = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class IncidentListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Incident.Status.choices, required=False)


def _incident_step(summary: str, request: Any) -> Any:
    return extend_schema(
        summary=summary,
        request=request,
        parameters=[ID],
        responses={200: IncidentOutputSerializer, **problems(*WRITE)},
    )


@extend_schema(parameters=[PROJECT_ID])
class IncidentViewSet(ProjectChildViewSet):
    """Incidents in operation, and the Art. 73 serious-incident clock."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "updates": Perm.PROJECT_CONTRIBUTE,
        "serious": Rule.INCIDENT_SERIOUS,
        "reported": Rule.INCIDENT_SERIOUS,
        "resolve": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> Incident:
        return incident_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, incident: Incident) -> Any:
        fresh = incident_get_for_user(user=signed_in_user(self.request), id=incident.pk)
        return IncidentOutputSerializer(fresh).data

    @extend_schema(
        summary="List the incidents",
        parameters=[IncidentListQuerySerializer],
        responses={200: IncidentOutputSerializer, **problems(400, *READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        query = validated(IncidentListQuerySerializer, request.query_params)
        rows = incident_list(project=self.get_project(), status=query.get("status", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(IncidentOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Open an incident",
        request=IncidentInputSerializer,
        responses={201: IncidentOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(IncidentInputSerializer, request.data)
        if data.get("deployment") is not None:
            data["deployment"] = in_project(
                deployment_in_project(project=project, id=data["deployment"]),
                "deployment",
                "Not a deployment of this project.",
            )
        data["owner"] = person_in(
            user=signed_in_user(request),
            organization=project.organization,
            person_id=data.get("owner"),
            field="owner",
            message="Not a member of this organisation.",
        )
        incident = incident_open(actor=signed_in_user(request), project=project, **data)
        return Response(self._out(incident), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get an incident with its timeline and clock",
        parameters=[ID],
        responses={200: IncidentOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(IncidentOutputSerializer(self.get_object()).data)

    @_incident_step("Add an update to the timeline", IncidentNoteSerializer)
    @action(detail=True, methods=["post"])
    def updates(self, request: Request, project_id: str, pk: str) -> Response:
        incident = self.get_object()
        data: dict[str, Any] = validated(IncidentNoteSerializer, request.data)
        incident_update(actor=signed_in_user(request), incident=incident, **data)
        return Response(self._out(incident))

    @extend_schema(
        summary="Mark it a serious incident (EU AI Act Art. 73)",
        description="Starts the reporting clock; kinds: "
        + ", ".join(f"`{k}` ({v.days} days, {v.source})" for k, v in serious_kinds().items()),
        request=SeriousInputSerializer,
        parameters=[ID],
        responses={200: IncidentOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def serious(self, request: Request, project_id: str, pk: str) -> Response:
        incident = self.get_object()
        data: dict[str, Any] = validated(SeriousInputSerializer, request.data)
        incident_mark_serious(actor=signed_in_user(request), incident=incident, **data)
        return Response(self._out(incident))

    @_incident_step("Record the report to the authority", ReportedInputSerializer)
    @action(detail=True, methods=["post"])
    def reported(self, request: Request, project_id: str, pk: str) -> Response:
        incident = self.get_object()
        data: dict[str, Any] = validated(ReportedInputSerializer, request.data)
        incident_reported(actor=signed_in_user(request), incident=incident, **data)
        return Response(self._out(incident))

    @_incident_step("Resolve the incident", ResolveInputSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, project_id: str, pk: str) -> Response:
        incident = self.get_object()
        data: dict[str, Any] = validated(ResolveInputSerializer, request.data)
        incident_resolve(actor=signed_in_user(request), incident=incident, **data)
        return Response(self._out(incident))


# --- the post-market monitoring plan -------------------------------------------------------------


@extend_schema_serializer(component_name="PostMarketReview")
class PostMarketReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    findings = serializers.CharField(max_length=10000)
    actions = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    reviewer = UserSummaryOutputSerializer(read_only=True)


@extend_schema_serializer(component_name="PostMarketReviewWrite")
class PostMarketReviewInputSerializer(StrictInputSerializer):
    reviewed_on = serializers.DateField()
    findings = serializers.CharField(max_length=10000)
    actions = serializers.CharField(max_length=10000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="PostMarketPlan")
class PostMarketPlanSerializer(serializers.Serializer):
    monitored = serializers.CharField()
    review_every_days = serializers.IntegerField()
    reviewer = UserSummaryOutputSerializer()
    reviews = PostMarketReviewSerializer(many=True, source="reviews.all")
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PostMarketPlanWrite")
class PostMarketPlanInputSerializer(StrictInputSerializer):
    monitored = serializers.CharField(
        max_length=10000, help_text="What is watched, from which data."
    )
    review_every_days = serializers.IntegerField(min_value=1, max_value=366)
    reviewer = serializers.UUIDField(help_text="Someone who can see the project.")


@extend_schema(parameters=[PROJECT_ID])
class PostMarketPlanViewSet(ProjectChildViewSet):
    """The project's post-market monitoring plan (EU AI Act Art. 72) and its reviews."""

    policy_perms = {
        "plan": Perm.PROJECT_VIEW,
        "plan_set": Perm.PROJECT_MANAGE,
        "review": Perm.PROJECT_VIEW,  # its reviewer or a manager: the service decides
    }

    def _plan(self) -> PostMarketPlan:
        found = post_market_plan_get(project=self.get_project())
        if found is None:
            raise Http404
        return found

    @extend_schema(
        summary="Get the post-market monitoring plan",
        responses={200: PostMarketPlanSerializer, **problems(*READ)},
    )
    def plan(self, request: Request, project_id: str) -> Response:
        return Response(PostMarketPlanSerializer(self._plan()).data)

    @extend_schema(
        summary="Write the post-market monitoring plan",
        request=PostMarketPlanInputSerializer,
        responses={200: PostMarketPlanSerializer, **problems(*WRITE)},
    )
    def plan_set(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(PostMarketPlanInputSerializer, request.data)
        data["reviewer"] = person_in(
            user=signed_in_user(request),
            organization=project.organization,
            person_id=data["reviewer"],
            field="reviewer",
            message="Not a member of this organisation.",
        )
        post_market_plan_set(actor=signed_in_user(request), project=project, **data)
        return Response(PostMarketPlanSerializer(self._plan()).data)

    @extend_schema(
        summary="Record a review cycle of the plan",
        description="The plan's reviewer or a manager.",
        request=PostMarketReviewInputSerializer,
        responses={201: PostMarketPlanSerializer, **problems(*WRITE)},
    )
    def review(self, request: Request, project_id: str) -> Response:
        plan = self._plan()
        if not can(signed_in_user(request), Rule.POST_MARKET_REVIEW, plan):
            raise PermissionDenied  # before a word about the body
        data: dict[str, Any] = validated(PostMarketReviewInputSerializer, request.data)
        post_market_review_record(actor=signed_in_user(request), plan=plan, **data)
        return Response(PostMarketPlanSerializer(self._plan()).data, status=status.HTTP_201_CREATED)
