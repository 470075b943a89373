"""The one public page of the audit trail: the key its checkpoints are verified with."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from audit.checkpoints import public_key_document


@require_GET
def public_key(request: HttpRequest) -> JsonResponse:
    """Published so that an auditor can verify checkpoints (and exports) without Charter."""
    return JsonResponse(public_key_document())
