"""REST endpoints of consent: an organisation's versioned terms (members read, administrators
and compliance officers publish), and a stakeholder's consent records (members read; who may
edit the stakeholder records a withdrawal they asked for)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from core.api.schema import READ, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, validated
from projects.rest import ProjectsApiViewSet
from stakeholders.api.common import EXAMPLE_IDS
from stakeholders.models_consent import POLICY_TEXT_MAX, ConsentRecord
from stakeholders.selectors import stakeholder_get_for_user
from stakeholders.selectors_consent import consent_policy_list, consent_record_list
from stakeholders.services import consent_policy_publish, consent_withdraw_on_request

STAKEHOLDER_ID = OpenApiParameter(
    "stakeholder_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The stakeholder."
)
SHA256 = "SHA-256 (hex) of the exact UTF-8 text shown to stakeholders."


@extend_schema_serializer(component_name="ConsentPolicy")
class ConsentPolicyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    version = serializers.IntegerField(help_text="1, 2, …: the highest is current.")
    purpose = serializers.CharField()
    text = serializers.CharField(help_text="Shown exactly so above the consent box.")
    text_sha256 = serializers.CharField(help_text=SHA256)
    required_on_feedback = serializers.BooleanField(
        help_text="Feedback answers are stored only with consent."
    )
    published_at = serializers.DateTimeField()
    published_by = serializers.UUIDField(source="published_by_id", allow_null=True)


@extend_schema_serializer(component_name="ConsentPolicyPublish")
class ConsentPolicyInputSerializer(StrictInputSerializer):
    purpose = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=POLICY_TEXT_MAX)
    required_on_feedback = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="ConsentRecord")
class ConsentRecordOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    stakeholder = serializers.UUIDField(source="stakeholder_id")
    purpose = serializers.CharField()
    policy = serializers.UUIDField(source="policy_id")
    policy_version = serializers.IntegerField(source="policy.version")
    text_sha256 = serializers.CharField(help_text=SHA256)
    feedback_round = serializers.UUIDField(
        source="invite.round_id", allow_null=True, help_text="The round it was given with."
    )
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_via = serializers.ChoiceField(
        choices=[("", "Not withdrawn"), *ConsentRecord.Via.choices],
        help_text="link (the stakeholder's withdrawal link) or request (recorded by the team).",
    )
    is_active = serializers.BooleanField()


class ConsentRecordQuerySerializer(serializers.Serializer):
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: not withdrawn."
    )
    policy_version = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    round = serializers.UUIDField(required=False, help_text="Given with this feedback round.")
    given_after = AwareDateTimeField(required=False)
    given_before = AwareDateTimeField(required=False)


@extend_schema_serializer(component_name="ConsentWithdrawalRequest")
class ConsentWithdrawalInputSerializer(StrictInputSerializer):
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text='How the request reached the team ("by email, 3 December"): kept off the '
        "audit trail.",
    )


POLICY_VALUE = {
    "id": "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70",
    "organization": EXAMPLE_IDS["organization"],
    "version": 2,
    "purpose": "Processing of feedback answers",
    "text": "We use your answers to shape the project. They are kept for two years.",
    "text_sha256": "5f2b0c3d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
    "required_on_feedback": True,
    "published_at": "2026-12-01T09:00:00Z",
    "published_by": EXAMPLE_IDS["user"],
}


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationConsentPolicyViewSet(OrganizationChildViewSet):
    """The organisation's terms of consent, every version newest first."""

    policy_perms = {"list": Perm.ORG_VIEW, "create": Perm.CONSENT_MANAGE}
    # Publishing terms is administration of the organisation, as webhooks are: a token needs
    # the `admin` scope for it (core.api's token scopes; reading needs `read` only).
    token_scopes = {"create": "admin"}

    @extend_schema(
        summary="List the versions of the terms of consent",
        description="Newest first: the first is current. Any member.",
        responses={200: ConsentPolicyOutputSerializer, **problems(400, *READ)},
        examples=[OpenApiExample("Terms", response_only=True, value=POLICY_VALUE)],
    )
    def list(self, request: Request, organization_id: str) -> Response:
        versions = consent_policy_list(
            user=signed_in_user(request), organization=self.get_organization()
        )
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(ConsentPolicyOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Publish new terms of consent",
        description=(
            "Administrators and compliance officers. Publishes the next version (earlier "
            "versions and their hashes stay); publishing the current terms unchanged answers "
            "200 with the current version instead of 201."
        ),
        request=ConsentPolicyInputSerializer,
        responses={
            201: ConsentPolicyOutputSerializer,
            200: ConsentPolicyOutputSerializer,
            **problems(*WRITE),
        },
        examples=[
            OpenApiExample(
                "Publish",
                request_only=True,
                value={
                    "purpose": POLICY_VALUE["purpose"],
                    "text": POLICY_VALUE["text"],
                    "required_on_feedback": True,
                },
            ),
            OpenApiExample("Published", response_only=True, value=POLICY_VALUE),
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(ConsentPolicyInputSerializer, request.data)
        before = consent_policy_list(user=signed_in_user(request), organization=organization)
        current = before.first()
        policy = consent_policy_publish(
            actor=signed_in_user(request), organization=organization, **data
        )
        unchanged = current is not None and current.pk == policy.pk
        return Response(
            ConsentPolicyOutputSerializer(policy).data,
            status=status.HTTP_200_OK if unchanged else status.HTTP_201_CREATED,
        )


@extend_schema(parameters=[STAKEHOLDER_ID])
class StakeholderConsentRecordViewSet(ProjectsApiViewSet):
    """A stakeholder's consent records, newest first: members of their organisation read
    them. Consent is given on the feedback form and withdrawn through the stakeholder's link,
    or recorded here when they asked the team."""

    unpaginated_actions = ("withdraw",)  # the records it withdrew, a handful at most

    @extend_schema(
        summary="List a stakeholder's consent records",
        description=(
            "Newest first. Filters: `active` (true: not withdrawn), `policy_version`, "
            "`round`, `given_after`, `given_before`."
        ),
        parameters=[ConsentRecordQuerySerializer],
        responses={200: ConsentRecordOutputSerializer, **problems(400, *READ)},
    )
    def list(self, request: Request, stakeholder_id: str) -> Response:
        user = signed_in_user(request)
        person = stakeholder_get_for_user(user=user, id=stakeholder_id)
        query = validated(ConsentRecordQuerySerializer, request.query_params)
        filters = {key: value for key, value in query.items() if value is not None}
        records = consent_record_list(user=user, stakeholder=person, filters=filters)
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ConsentRecordOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a withdrawal the stakeholder asked for",
        operation_id="stakeholders_consent_records_withdraw",
        description=(
            "Withdraws every active consent record of the stakeholder (by email, phone, in "
            "person: `withdrawn_via` is `request`) and answers the records withdrawn — none "
            "when they held no active consent. Administrators, or contributors of a project "
            "the stakeholder is linked to."
        ),
        request=ConsentWithdrawalInputSerializer,
        responses={200: ConsentRecordOutputSerializer(many=True), **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "By email", request_only=True, value={"note": "By email to the team, 3 December"}
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def withdraw(self, request: Request, stakeholder_id: str) -> Response:
        user = signed_in_user(request)
        person = stakeholder_get_for_user(user=user, id=stakeholder_id)
        data = validated(ConsentWithdrawalInputSerializer, request.data)
        withdrawn = consent_withdraw_on_request(actor=user, stakeholder=person, note=data["note"])
        return Response(ConsentRecordOutputSerializer(withdrawn, many=True).data)
