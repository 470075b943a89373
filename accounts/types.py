"""The request a signed-in page receives, and the signed-in user of an API request."""

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User
from core.types import HtmxRequest


class AuthenticatedRequest(HtmxRequest):
    """A request that passed `login_required`: its user is a signed-in `User`, never the
    anonymous visitor, so a view may hand `request.user` to a service as the actor.

    Annotate only views behind `@login_required` with it (django-stubs' documented pattern:
    the decorator makes the guarantee, this type records it).
    """

    user: User


def signed_in_user(request: Request) -> User:
    """The `User` of an API request, to hand to a service or selector as the actor.

    The API's counterpart of `AuthenticatedRequest`: a DRF view cannot narrow `request` in
    its signature, so the guarantee of `IsAuthenticated` is checked here instead. Behind that
    permission the user is never anonymous; should a view without it call this, the anonymous
    caller gets the same 401 as from `IsAuthenticated` rather than reaching a service.
    """
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user
