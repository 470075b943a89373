"""The organisation switcher's data for every page."""

from typing import Any

from django.http import HttpRequest

from accounts.selectors import current_organization, organization_list_for_user


def organizations(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    orgs = list(organization_list_for_user(user=user))
    return {
        "user_organizations": orgs,
        "current_organization": current_organization(request, organizations=orgs),
    }
