"""The base viewset of every REST endpoint, and the OPTIONS metadata it answers."""

from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from rest_framework.exceptions import ParseError
from rest_framework.metadata import SimpleMetadata
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.api.conditional import (
    WRITE_METHODS,
    PreconditionFailed,
    etag_of,
    if_match,
    if_none_match,
    matches,
)
from core.api.errors import CONCURRENT_CHANGE, Conflict, InsufficientScope, unique_violation
from core.api.idempotency import Replay, begin, finish, requested_key
from core.models import IdempotentRequest

TOO_BIG = "The request body is larger than the {megabytes} MB a request may carry."


class ApiMetadata(SimpleMetadata):
    """OPTIONS: the view's name, description and media types. DRF would also describe the
    create form from `serializer_class`, which these viewsets do not declare (their input and
    output serializers differ), and answered 500."""

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        return {}


class ApiViewSet(GenericViewSet):
    """JSON in, JSON out, signed in, every object checked by the one permission policy.

    The permission classes are DRF's `DEFAULT_PERMISSION_CLASSES`: the settings name
    IsAuthenticated and the domain's object policy (accounts' PolicyPermission), which looks
    up the action in `policy_perms`. Core names no domain permission, so the table maps an
    action to a plain string (the domain's `Perm` is a StrEnum), and a viewset that needs no
    policy says so with its own `permission_classes`. The policy applies to the object that
    `get_object` fetched from a policy-scoped queryset, so another organisation's object is
    already a 404 and never reaches the check.
    """

    # JSON only: a form post or a text body answers 415 rather than being half-understood.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    metadata_class = ApiMetadata
    # Anything up to the next slash reaches the view, so a malformed id is a problem+json 404
    # from the lookup rather than Django's HTML 404 for an unmatched URL.
    lookup_value_regex = "[^/]+"
    # No filtering unless a view declares it: the defaults would advertise `search` and
    # `ordering` parameters that these views never apply.
    filter_backends: list[Any] = []
    policy_perms: Mapping[str, str] = {}
    # The scope a token needs (docs/api.md, "Tokens and scopes"): `token_scopes[action]`, else
    # the viewset's `token_scope`, else `read` to read and `write` to change. Sessions have no
    # scopes: a browser acts with its user's roles alone.
    token_scope: str | None = None
    token_scopes: Mapping[str, str] = {}

    def required_scope(self, method: str) -> str:
        """The scope a token needs for this viewset's current action, called with `method`."""
        return (
            self.token_scopes.get(self.action or "")
            or self.token_scope
            or ("read" if method in SAFE_METHODS else "write")
        )

    def check_permissions(self, request: Request) -> None:
        # The credential says what it grants (accounts.models.APIToken.grants): core knows no
        # token model, only that a credential with scopes must hold the one the action needs.
        grants = getattr(request.auth, "grants", None)
        if callable(grants):
            scope = self.required_scope(request.method or "GET")
            if not grants(scope):
                raise InsufficientScope(scope)
        super().check_permissions(request)

    _reading_current = False
    _idempotent: IdempotentRequest | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Signed in, allowed and within the rate: a POST with an Idempotency-Key claims it
        # now, or answers what the first request with it got (core/api/idempotency.py).
        if request.method == "POST" and request.user.is_authenticated:
            key = requested_key(request)
            if key is not None:
                self._idempotent = begin(request, key)

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        # If-Match on a write: the client says which representation it read (core/api/
        # conditional.py). Only once it may write the object (else 403/404 as always) does it
        # learn whether that representation is still current.
        header = if_match(request)
        if header is None or request.method not in WRITE_METHODS or self._reading_current:
            return
        self._reading_current = True  # the read below fetches the object again
        try:
            current = self.current_etag(request)
        finally:
            self._reading_current = False
        if current is not None and not matches(header, current):
            raise PreconditionFailed(current)

    def current_etag(self, request: Request) -> str | None:
        """The ETag a GET of this resource would answer now (None: it has no such read)."""
        retrieve = getattr(self, "retrieve", None)
        if not callable(retrieve):
            return None
        action = self.action
        self.action = "retrieve"  # the read's own policy and serializer
        try:
            response = retrieve(request, *self.args, **self.kwargs)
        finally:
            self.action = action
        return etag_of(response.data) if response.status_code == 200 else None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Every JSON read carries its ETag; If-None-Match naming it answers 304 without a body.
        # Downloads (bytes) and errors are left alone.
        if (
            request.method in ("GET", "HEAD")
            and isinstance(response, Response)
            and response.status_code == 200
            and isinstance(response.data, dict | list)
        ):
            etag = etag_of(response.data)
            header = if_none_match(request)
            if header is not None and matches(header, etag):
                response = Response(status=304)
            response["ETag"] = etag
        if self._idempotent is not None:
            finish(self._idempotent, response)
            self._idempotent = None
        return super().finalize_response(request, response, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Replay):
            return exc.response
        try:
            return self._problem_for(exc)
        except Exception:
            # A bug (500) after the key was claimed: release it, so the retry runs afresh.
            if self._idempotent is not None:
                finish(self._idempotent, None)
                self._idempotent = None
            raise

    def _problem_for(self, exc: Exception) -> Response:
        # A body over Django's limit would be a bare HTML 400: answer a problem saying which.
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
            exc = ParseError(TOO_BIG.format(megabytes=round(limit / 1_000_000, 1)))
        # A unique constraint hit by a concurrent request (the services check first, the
        # database has the last word); the service's transaction has already rolled back.
        # Any other integrity error is a bug: it propagates and answers 500.
        if isinstance(exc, IntegrityError) and unique_violation(exc) is not None:
            exc = Conflict(CONCURRENT_CHANGE)
        return super().handle_exception(exc)

    def collection_perm[P: str](self, default: P) -> P:
        """The permission a collection action (list, create) needs on the parent object:
        the action's `policy_perms` entry, else `default` (of the same permission type)."""
        if self.detail:
            # Detail actions need only see the parent; the policy checks the object.
            return default
        # The table holds the caller's permission type; core only passes it through.
        return cast(P, self.policy_perms.get(self.action or "", default))

    @property
    def is_schema_generation(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))
