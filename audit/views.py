"""The one public page of the audit trail: the key its checkpoints are verified with."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from audit import signing
from audit.checkpoints import MESSAGE_VERSION


@require_GET
def public_key(request: HttpRequest) -> JsonResponse:
    """Published so that an auditor can verify checkpoints (and exports) without Charter."""
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "key_id": signing.key_id(),
            "public_key": signing.public_key_bytes().hex(),
            "public_key_pem": signing.public_key_pem(),
            "checkpoint_message": f"{MESSAGE_VERSION}:<chain>:<sequence>:<head_hash>:<taken_at>",
        }
    )
