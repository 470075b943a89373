"""The request a signed-in page receives."""

from accounts.models import User
from core.types import HtmxRequest


class AuthenticatedRequest(HtmxRequest):
    """A request that passed `login_required`: its user is a signed-in `User`, never the
    anonymous visitor, so a view may hand `request.user` to a service as the actor.

    Annotate only views behind `@login_required` with it (django-stubs' documented pattern:
    the decorator makes the guarantee, this type records it).
    """

    user: User
