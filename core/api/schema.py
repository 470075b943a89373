"""How the published OpenAPI schema documents errors and ids: the problem-details component,
the `responses=` entries of each status, the `{id}` path parameter, which list-shaped actions
are not paginated, and the 400/404 every read with query parameters may answer."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

from core.api.errors import PROBLEM_CONTENT_TYPE


@extend_schema_serializer(component_name="ProblemDetails")
class ProblemDetailsSerializer(serializers.Serializer):
    """An RFC 9457 problem: every API error has this shape (content type
    application/problem+json)."""

    type = serializers.CharField(help_text='Always "about:blank": `status` says it all.')
    title = serializers.CharField(help_text="Short summary of the status, e.g. Not found.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for a human.")
    instance = serializers.CharField(help_text="The request path.")
    request_id = serializers.CharField(
        required=False, help_text="The X-Request-ID of the request, for support and the log."
    )
    # The problem's own member; DRF's metaclass takes declared fields off the class, so the
    # serializer's `errors` property is untouched at run time.
    errors = serializers.JSONField(  # type: ignore[assignment]
        required=False,
        help_text=(
            "400: messages keyed by field name (a list of strings per field; "
            '"non_field_errors" for the request as a whole). 409: what resolves the conflict, '
            'e.g. {"current_version": 3} for a stale edit, or the list of unmet gate criteria.'
        ),
    )
    code = serializers.CharField(required=False, help_text="409 only: a machine-readable code.")


PROBLEM_DESCRIPTIONS = {
    400: "Invalid request: malformed JSON or invalid fields (see `errors`).",
    401: "Missing, malformed, expired or revoked credentials.",
    403: "Signed in and allowed to see the resource, but not to do this (a role short, or a "
    "token without the scope in `x-required-scope`).",
    404: "No such resource, or it belongs to an organisation you are not in.",
    409: "The request conflicts with the current state (e.g. a concurrent change).",
    412: "If-Match names a representation that is no longer current: read it again.",
    415: "The body is not application/json.",
    422: "This Idempotency-Key was used for another request: choose a new key.",
    429: "Too many requests: slow down (see the Retry-After header).",
}
# The id in a detail URL. Declared because the lookup pattern accepts any segment (so a
# malformed id reaches the view and is a problem+json 404), which hides the UUID type.
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)
READ = (401, 404, 429)
WRITE = (400, 401, 403, 404, 409, 415, 429)
DELETE = (400, 401, 403, 404, 409, 429)


def problems(*codes: int) -> dict[Any, OpenApiResponse]:
    """`responses=` entries documenting the problem-details errors an operation may answer."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemDetailsSerializer, description=PROBLEM_DESCRIPTIONS[code]
        )
        for code in codes
    }


class CharterAutoSchema(AutoSchema):
    """drf-spectacular's schema, told which list-shaped actions answer a bare array.

    A viewset's pagination applies to every action that returns `many=True` in the schema; an
    action that answers its whole (small) list names itself in the view's
    `unpaginated_actions`, so the schema says what the response is."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Each operation says which token scope it needs (`x-required-scope`) and documents
        the 403 a token without it gets."""
        operation = super().get_operation(*args, **kwargs)
        required_scope = getattr(self.view, "required_scope", None)
        if operation is None or not callable(required_scope):
            return operation
        scope = required_scope(self.method)
        operation["x-required-scope"] = scope
        responses = operation.setdefault("responses", {})
        responses.setdefault("403", _problem_response(403))
        self._document_conditions(operation, responses)
        return operation

    def _document_conditions(self, operation: dict[str, Any], responses: dict[str, Any]) -> None:
        """The conditional requests of core/api/conditional.py: every JSON read answers an
        ETag and 304 to If-None-Match; a write to a readable resource honours If-Match."""
        parameters = operation.setdefault("parameters", [])
        if self.method == "GET" and "200" in responses and _is_json(responses["200"]):
            responses["200"].setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": "A weak tag of this representation, for If-None-Match/If-Match.",
            }
            parameters.append(_header("If-None-Match", "An ETag read before: 304 if unchanged."))
            responses.setdefault("304", {"description": "Not modified: the ETag still holds."})
        elif (
            self.method in ("PUT", "PATCH", "DELETE")
            and "{id}" in self.path  # fetched by id: the object check applies If-Match
            and callable(getattr(self.view, "retrieve", None))
        ):
            parameters.append(_header("If-Match", "The ETag you read: 412 if it changed since."))
            responses.setdefault("412", _problem_response(412))
        elif self.method == "POST":
            parameters.append(
                _header(
                    "Idempotency-Key",
                    "Your key for this request (a UUID): sent again with the same body, the "
                    "first answer is replayed; with another body, 422 (docs/api.md).",
                )
            )
            responses.setdefault("409", _problem_response(409))
            responses.setdefault("422", _problem_response(422))

    def _get_paginator(self) -> Any:
        action = getattr(self.view, "action", None)
        if action in getattr(self.view, "unpaginated_actions", ()):
            return None
        return super()._get_paginator()


def _is_json(response: dict[str, Any]) -> bool:
    return "application/json" in response.get("content", {})


def _header(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "header",
        "name": name,
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


def _problem_response(code: int) -> dict[str, Any]:
    return {
        "description": PROBLEM_DESCRIPTIONS[code],
        "content": {
            PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        },
    }


def document_query_problems(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Postprocessing hook: a read with query parameters may answer 400 (a parameter of the
    wrong type, a filter value out of range, nonsense pagination), and a page number past the
    last page is a 404 — so every such operation documents them."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method != "get":
                continue
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            responses = operation.setdefault("responses", {})
            if names:
                responses.setdefault("400", _problem_response(400))
            if "page" in names:
                responses.setdefault("404", _problem_response(404))
    return result
