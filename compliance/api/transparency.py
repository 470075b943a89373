"""REST endpoints of a project's transparency documents (Annex IV technical documentation,
fact sheet, Art. 50 notice) as JSON and as PDF, and of the fact sheet's publication on its
public page: publish the chosen fields, list the publications, unpublish."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.fact_sheet import FIELDS
from compliance.models import FactSheetPublication
from compliance.selectors.publications import publication_get_for_user, publication_list
from compliance.services.publications import fact_sheet_publish, fact_sheet_unpublish
from compliance.transparency import DOCUMENTS, document_filename, document_pdf, document_sections
from core.api.renderers import DownloadRenderer
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.pdf import PdfUnavailableError
from projects.rest import PROJECT_ID, ProjectChildViewSet


class PdfRenderer(DownloadRenderer):
    media_type = "application/pdf"
    format = "pdf"


class PdfUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "PDF rendering is not available on this server."


class FactSerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class: `label` stays the serializer's own.
    label = serializers.CharField()  # type: ignore[assignment]
    lines = serializers.ListField(child=serializers.CharField())


class MissingSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='"Not recorded: …"')
    url = serializers.CharField(help_text="The page where it is recorded.")


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    reference = serializers.CharField(help_text='The article or point: "Annex IV point 1".')
    facts = FactSerializer(many=True)
    missing = MissingSerializer(many=True)


@extend_schema_serializer(component_name="TransparencyDocument")
class DocumentOutputSerializer(serializers.Serializer):
    document = serializers.ChoiceField(choices=list(DOCUMENTS))
    title = serializers.CharField()
    project = serializers.UUIDField()
    generated_at = serializers.DateTimeField()
    sections = SectionSerializer(many=True)


PDF = {
    (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The PDF.")
}


@extend_schema(parameters=[PROJECT_ID])
class TransparencyViewSet(ProjectChildViewSet):
    """The project's transparency documents, generated from its record: what the record does
    not hold is listed under `missing`, with the page where it is recorded."""

    renderer_classes = [JSONRenderer, PdfRenderer]
    policy_perms = dict.fromkeys(
        ("annex_iv", "annex_iv_pdf", "fact_sheet", "fact_sheet_pdf", "notice", "notice_pdf"),
        Perm.PROJECT_VIEW,
    )

    def _json(self, slug: str) -> Response:
        project = self.get_project()
        data = {
            "document": slug,
            "title": DOCUMENTS[slug].title,
            "project": project.pk,
            "generated_at": timezone.now(),
            "sections": [s.as_dict() for s in document_sections(slug, project)],
        }
        return Response(DocumentOutputSerializer(data).data)

    def _pdf(self, slug: str) -> Response:
        project = self.get_project()
        try:
            pdf = document_pdf(slug, project)
        except PdfUnavailableError as exc:
            raise PdfUnavailable(str(exc)) from exc
        response = Response(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{document_filename(slug, project)}"'
        )
        return response

    @extend_schema(
        summary="The Annex IV technical documentation",
        description="EU AI Act Annex IV, its nine points filled from the project's record.",
        responses={200: DocumentOutputSerializer, **problems(*READ)},
    )
    @action(detail=False, methods=["get"], url_path="annex-iv", renderer_classes=[JSONRenderer])
    def annex_iv(self, request: Request, project_id: str) -> Response:
        return self._json("annex-iv")

    @extend_schema(
        summary="The Annex IV technical documentation as PDF",
        responses={**PDF, **problems(*READ)},
    )
    @action(detail=False, methods=["get"], url_path="annex-iv/pdf", renderer_classes=[PdfRenderer])
    def annex_iv_pdf(self, request: Request, project_id: str) -> Response:
        return self._pdf("annex-iv")

    @extend_schema(
        summary="The AI system fact sheet",
        responses={200: DocumentOutputSerializer, **problems(*READ)},
    )
    @action(detail=False, methods=["get"], url_path="fact-sheet", renderer_classes=[JSONRenderer])
    def fact_sheet(self, request: Request, project_id: str) -> Response:
        return self._json("fact-sheet")

    @extend_schema(summary="The AI system fact sheet as PDF", responses={**PDF, **problems(*READ)})
    @action(
        detail=False, methods=["get"], url_path="fact-sheet/pdf", renderer_classes=[PdfRenderer]
    )
    def fact_sheet_pdf(self, request: Request, project_id: str) -> Response:
        return self._pdf("fact-sheet")

    @extend_schema(
        summary="The Art. 50 transparency notice",
        description="The notice texts the confirmed classification calls for, article cited.",
        responses={200: DocumentOutputSerializer, **problems(*READ)},
    )
    @action(detail=False, methods=["get"], url_path="notice", renderer_classes=[JSONRenderer])
    def notice(self, request: Request, project_id: str) -> Response:
        return self._json("notice")

    @extend_schema(
        summary="The Art. 50 transparency notice as PDF", responses={**PDF, **problems(*READ)}
    )
    @action(detail=False, methods=["get"], url_path="notice/pdf", renderer_classes=[PdfRenderer])
    def notice_pdf(self, request: Request, project_id: str) -> Response:
        return self._pdf("notice")


@extend_schema_serializer(component_name="FactSheetPublication")
class PublicationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    # Declared fields are taken off the class: the serializer's `fields` stays DRF's.
    fields = serializers.ListField(child=serializers.ChoiceField(choices=list(FIELDS)))  # type: ignore[assignment]
    is_live = serializers.BooleanField()
    public_url = serializers.SerializerMethodField(
        help_text="The public page's address while it is live; null once unpublished."
    )
    published_by = UserSummaryOutputSerializer()
    published_at = serializers.DateTimeField()
    unpublished_by = UserSummaryOutputSerializer(allow_null=True)
    unpublished_at = serializers.DateTimeField(allow_null=True)

    def get_public_url(self, publication: FactSheetPublication) -> str | None:
        if not publication.is_live:
            return None
        path = reverse("compliance-public:fact-sheet", args=[publication.public_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


@extend_schema_serializer(component_name="FactSheetPublish")
class PublishInputSerializer(StrictInputSerializer):
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=list(FIELDS)), allow_empty=False, max_length=20
    )


@extend_schema(parameters=[PROJECT_ID])
class FactSheetPublicationViewSet(ProjectChildViewSet):
    """The publications of the project's fact sheet on its public page, newest first."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Rule.FACT_SHEET_PUBLISH,
        "unpublish": Rule.FACT_SHEET_PUBLISH,
    }

    def fetch_row(self, pk: str) -> FactSheetPublication:
        return publication_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, publication: FactSheetPublication) -> Any:
        return PublicationOutputSerializer(publication, context={"request": self.request}).data

    @extend_schema(
        summary="List the fact sheet's publications",
        responses={200: PublicationOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(publication_list(project=self.get_project()))
        return self.get_paginated_response(
            PublicationOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Publish the fact sheet",
        description="Shows the chosen fields on a public page; while one is live, changes its "
        "fields (same address). Managers, compliance officers and administrators.",
        request=PublishInputSerializer,
        responses={201: PublicationOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(PublishInputSerializer, request.data)
        publication = fact_sheet_publish(
            actor=signed_in_user(request), project=project, fields=data["fields"]
        )
        return Response(self._out(publication), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a publication",
        parameters=[ID],
        responses={200: PublicationOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(self._out(self.get_object()))

    @extend_schema(
        summary="Unpublish the fact sheet",
        description="Its public page answers 404 from now on.",
        parameters=[ID],
        request=None,
        responses={200: PublicationOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, project_id: str, pk: str) -> Response:
        publication = self.get_object()
        done = fact_sheet_unpublish(actor=signed_in_user(request), publication=publication)
        return Response(self._out(done))
