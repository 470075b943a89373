"""The problem-details handler: service errors become field-keyed 400s, never 500s."""

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory

from core.api.errors import problem_details_exception_handler


def _handle(exc):
    request = APIRequestFactory().post("/api/v1/projects/")
    return problem_details_exception_handler(exc, {"request": request})


def test_whole_object_errors_are_called_non_field_errors():
    response = _handle(ValidationError({"__all__": ["Clashes."], "name": ["Too long."]}))
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Clashes."], "name": ["Too long."]}
    assert response.content_type == "application/problem+json"


def test_a_plain_message_is_a_non_field_error():
    response = _handle(ValidationError("Something is off."))
    assert response.data["errors"] == {"non_field_errors": ["Something is off."]}
