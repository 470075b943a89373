"""The use-case inventory: proposals."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization
from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from projects.models import (
    UseCaseProposal,
)


def proposal_list_for_user(
    *, user: Actor, organization: Organization, status: str | None = None
) -> QuerySet[UseCaseProposal]:
    """The organisation's use-case inventory (every member sees it), newest first."""
    proposals = (
        visible(user, UseCaseProposal)
        .filter(organization=organization)
        .select_related("submitted_by", "triaged_by", "project")
    )
    if status:
        proposals = proposals.filter(status=status)
    return proposals.order_by("-created_at")


def proposal_get_for_user(*, user: Actor, id: Any) -> UseCaseProposal:
    return visible_object_get(
        user=user,
        model=UseCaseProposal,
        id=id,
        queryset=visible(user, UseCaseProposal).select_related("organization", "submitted_by"),
    )
