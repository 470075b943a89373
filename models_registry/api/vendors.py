"""REST endpoints of the organisation's vendors (terms edited with a version check, overdue
reviews flagged) and of their assessments."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet, UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.models import VENDOR_CERTIFICATIONS, Vendor, VendorAssessment
from models_registry.selectors import vendor_assessment_list, vendor_get_for_user, vendor_list
from models_registry.services import vendor_assess, vendor_create, vendor_update

VENDOR_ID = OpenApiParameter(
    "vendor_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The vendor."
)
CERTIFICATIONS_HELP = "Codes: " + ", ".join(
    f"{code} ({label})" for code, label in VENDOR_CERTIFICATIONS.items()
)


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Vendor")
class VendorOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    name = serializers.CharField()
    website = serializers.CharField()
    contract_status = serializers.ChoiceField(choices=Vendor.ContractStatus.choices)
    dpa_status = serializers.ChoiceField(
        choices=Vendor.DpaStatus.choices, help_text="The data-processing agreement."
    )
    certifications = serializers.ListField(
        child=serializers.CharField(), help_text=CERTIFICATIONS_HELP
    )
    data_retention = serializers.CharField()
    training_on_customer_data = serializers.ChoiceField(choices=Vendor.TrainingOnData.choices)
    sub_processors = serializers.CharField()
    notes = serializers.CharField()
    next_review_on = serializers.DateField(allow_null=True)
    review_due = serializers.BooleanField(
        help_text="The next review date has passed (false when none is set)."
    )
    version = serializers.IntegerField(help_text="Send it back with an edit.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class VendorFieldsInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    website = serializers.URLField(max_length=500, allow_blank=True, required=False)
    contract_status = serializers.ChoiceField(choices=Vendor.ContractStatus.choices, required=False)
    dpa_status = serializers.ChoiceField(choices=Vendor.DpaStatus.choices, required=False)
    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=list(VENDOR_CERTIFICATIONS)),
        required=False,
        help_text=CERTIFICATIONS_HELP,
    )
    data_retention = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    training_on_customer_data = serializers.ChoiceField(
        choices=Vendor.TrainingOnData.choices, required=False
    )
    sub_processors = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    notes = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    next_review_on = serializers.DateField(allow_null=True, required=False)


@extend_schema_serializer(component_name="VendorCreate")
class VendorCreateInputSerializer(VendorFieldsInputSerializer):
    name = serializers.CharField(max_length=120, help_text="Unique in the organisation.")


@extend_schema_serializer(component_name="VendorUpdate")
class VendorUpdateInputSerializer(VendorFieldsInputSerializer):
    required_in_patch = ("version",)

    version = serializers.IntegerField(
        min_value=1, help_text="The `version` you read; a stale one answers 409."
    )


class VendorListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    review_due = serializers.BooleanField(
        required=False, help_text="true: only vendors whose next review date has passed."
    )


@extend_schema_serializer(component_name="VendorAssessment")
class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    vendor = serializers.UUIDField(source="vendor_id")
    assessed_on = serializers.DateField()
    assessor = UserSummaryOutputSerializer()
    rating = serializers.ChoiceField(choices=VendorAssessment.Rating.choices)
    findings = serializers.CharField()
    next_review_on = serializers.DateField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="VendorAssessmentCreate")
class AssessmentInputSerializer(StrictInputSerializer):
    assessed_on = serializers.DateField(help_text="Today or earlier.")
    rating = serializers.ChoiceField(choices=VendorAssessment.Rating.choices)
    findings = serializers.CharField(max_length=10000)
    next_review_on = serializers.DateField(
        help_text="After `assessed_on`; becomes the vendor's next review date."
    )


VENDOR_EXAMPLE = OpenApiExample(
    "Vendor",
    response_only=True,
    value={
        "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "organization": "2f0c8a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        "name": "OpenAI",
        "website": "https://openai.com",
        "contract_status": "signed",
        "dpa_status": "signed",
        "certifications": ["soc2_type2"],
        "data_retention": "API inputs kept 30 days for abuse monitoring.",
        "training_on_customer_data": "never",
        "sub_processors": "",
        "notes": "",
        "next_review_on": "2027-06-30",
        "review_due": False,
        "version": 3,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-12-01T09:00:00Z",
    },
)


# --- vendors ------------------------------------------------------------------------------------


@extend_schema(parameters=[ORGANIZATION_ID])
class VendorViewSet(OrganizationChildViewSet):
    """The organisation's vendors: every member reads them, administrators write them."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "retrieve": Perm.ORG_VIEW,
        "create": Perm.CATALOGUE_MANAGE,
        "partial_update": Perm.CATALOGUE_MANAGE,
    }

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Vendor.objects.none()
        return vendor_list(user=signed_in_user(self.request), organization=self.get_organization())

    @extend_schema(
        summary="List vendors",
        description="By name; `review_due=true` keeps those past their next review date.",
        parameters=[VendorListQuerySerializer],
        responses={200: VendorOutputSerializer, **problems(400, 401, 404, 429)},
        examples=[VENDOR_EXAMPLE],
    )
    def list(self, request: Request, organization_id: str) -> Response:
        filters = validated(VendorListQuerySerializer, request.query_params)
        vendors = vendor_list(
            user=signed_in_user(request), organization=self.get_organization(), filters=filters
        )
        page = self.paginate_queryset(vendors)
        return self.get_paginated_response(VendorOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a vendor",
        description="Administrators. An unknown certification code answers 400.",
        request=VendorCreateInputSerializer,
        responses={201: VendorOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New vendor",
                request_only=True,
                value={
                    "name": "OpenAI",
                    "contract_status": "negotiating",
                    "certifications": ["soc2_type2"],
                },
            ),
            VENDOR_EXAMPLE,
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(VendorCreateInputSerializer, request.data)
        vendor = vendor_create(actor=signed_in_user(request), organization=organization, **data)
        # Read back through the selector: the answer carries `review_due`.
        vendor = vendor_get_for_user(user=signed_in_user(request), id=vendor.pk)
        return Response(VendorOutputSerializer(vendor).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a vendor",
        parameters=[ID],
        responses={200: VendorOutputSerializer, **problems(*READ)},
        examples=[VENDOR_EXAMPLE],
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        return Response(VendorOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a vendor",
        description=(
            "Administrators; only the fields given change. `version` is required: the one "
            "you read. If someone saved since (an assessment counts), the answer is 409 with "
            "code `stale_version`, and nothing changes."
        ),
        parameters=[ID],
        request=VendorUpdateInputSerializer,
        responses={200: VendorOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "DPA signed", request_only=True, value={"version": 2, "dpa_status": "signed"}
            ),
            VENDOR_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, organization_id: str, pk: str) -> Response:
        vendor = self.get_object()
        data = validated(VendorUpdateInputSerializer, request.data)
        expected = data.pop("version")
        vendor_update(
            actor=signed_in_user(request), vendor=vendor, expected_version=expected, **data
        )
        vendor = vendor_get_for_user(user=signed_in_user(request), id=vendor.pk)
        return Response(VendorOutputSerializer(vendor).data)


@extend_schema(parameters=[ORGANIZATION_ID, VENDOR_ID])
class VendorAssessmentViewSet(OrganizationChildViewSet):
    """A vendor's assessments: every member reads them; administrators and compliance
    officers record them."""

    policy_perms = {"list": Perm.ORG_VIEW, "create": Perm.VENDOR_ASSESS}

    def get_vendor(self) -> Vendor:
        organization = self.get_organization()
        vendor = vendor_get_for_user(
            user=signed_in_user(self.request),
            id=self.kwargs["vendor_id"],
            perm=self.collection_perm(Perm.ORG_VIEW),
        )
        if vendor.organization_id != organization.pk:
            raise Http404
        return vendor

    @extend_schema(
        summary="List a vendor's assessments",
        description="Latest first.",
        responses={200: AssessmentOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, organization_id: str, vendor_id: str) -> Response:
        page = self.paginate_queryset(vendor_assessment_list(vendor=self.get_vendor()))
        return self.get_paginated_response(AssessmentOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record an assessment",
        description=(
            "Administrators and compliance officers. Findings are required, the next review "
            "comes after the assessment, and it becomes the vendor's next review date (unless "
            "a later assessment is on file)."
        ),
        request=AssessmentInputSerializer,
        responses={201: AssessmentOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Yearly review",
                request_only=True,
                value={
                    "assessed_on": "2027-01-04",
                    "rating": "medium",
                    "findings": "SOC 2 Type II report current; sub-processor list updated.",
                    "next_review_on": "2028-01-04",
                },
            )
        ],
    )
    def create(self, request: Request, organization_id: str, vendor_id: str) -> Response:
        vendor = self.get_vendor()
        data = validated(AssessmentInputSerializer, request.data)
        assessment = vendor_assess(actor=signed_in_user(request), vendor=vendor, **data)
        return Response(AssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED)
