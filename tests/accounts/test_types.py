"""`signed_in_user`: the API's signed-in user, typed, never the anonymous visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from accounts.types import signed_in_user

pytestmark = pytest.mark.django_db


def test_signed_in_user_is_the_request_user(outsider: User) -> None:
    # Given a request authenticated as a user
    request = Request(APIRequestFactory().get("/api/v1/me/"))
    request.user = outsider

    # When / then: the very same user comes back
    assert signed_in_user(request) is outsider


def test_signed_in_user_refuses_the_anonymous_visitor() -> None:
    # Given a request nobody signed in to
    request = Request(APIRequestFactory().get("/api/v1/me/"))
    assert isinstance(request.user, AnonymousUser)

    # When / then: the same refusal as IsAuthenticated, never an anonymous actor
    with pytest.raises(NotAuthenticated):
        signed_in_user(request)
