"""API authentication with personal tokens: `Authorization: Bearer chr_<prefix>_<secret>`."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts import tokens
from accounts.models import APIToken
from core.clientip import client_address

INVALID_TOKEN = "Invalid, expired or revoked token."  # noqa: S105 (a message)
# Recording every use would write on every request; a minute's precision is plenty.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, APIToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            plain = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from exc
        prefix = tokens.split_api_token(plain)
        if prefix is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        token = APIToken.objects.select_related("user").filter(prefix=prefix).first()
        if (
            token is None
            or not constant_time_compare(token.key_hash, tokens.sha256_hex(plain))
            or not token.is_active
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        now = timezone.now()
        # DRF's Request wraps Django's; the address is read from the wrapped one's META.
        address = client_address(getattr(request, "_request", request))
        if (
            token.last_used_at is None
            or now - token.last_used_at > LAST_USED_PRECISION
            or address != token.last_used_ip
        ):
            # Usage bookkeeping, not a governed change: no audit event. A new client address
            # is recorded at once, so the owner sees where a token was last used from.
            APIToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "chr_<prefix>_<secret>"}
