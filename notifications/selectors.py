"""Reads of notifications and preferences: each person sees only their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from notifications.kinds import Channel, all_kinds
from notifications.models import Notification, NotificationPreference

if TYPE_CHECKING:
    from projects.models import Project


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first, from the organisations they still belong to."""
    notifications = Notification.objects.filter(
        recipient=user, organization__memberships__user=user
    ).select_related("project")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (the bell's count)."""
    return notification_list_for_user(user=user, unread_only=True).count()


def notification_get_for_user(*, user: User, id: Any) -> Notification:
    """One of the user's notifications; anyone else's (or a malformed id) is a 404."""
    try:
        return notification_list_for_user(user=user).get(pk=id)
    except (Notification.DoesNotExist, ValidationError, ValueError) as missing:
        # ValidationError: a malformed id, which names no notification either.
        raise Http404("No such notification.") from missing


def notification_channels_for_users(
    *, users: list[Any], kind: str, default: Channel
) -> dict[Any, Channel]:
    """{user id: channel} for `kind`: each user's preference, else the kind's default."""
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {user.pk: Channel(chosen.get(user.pk, default)) for user in users}


def notification_channels_for_user_ids(
    *, user_ids: Iterable[Any], kind: str, default: Channel
) -> dict[Any, tuple[Channel, str]]:
    """{user id: (channel for `kind`, email)} of the given users, by ids: one query."""
    chosen = NotificationPreference.objects.filter(user_id=OuterRef("pk"), kind=kind)
    return {
        user_id: (Channel(channel or default), email)
        for user_id, email, channel in User.objects.filter(pk__in=set(user_ids))
        .annotate(channel=Subquery(chosen.values("channel")[:1]))
        .values_list("pk", "email", "channel")
    }


def notification_preferences_for_user(*, user: User) -> list[dict[str, Any]]:
    """Every registered kind with the user's channel for it and whether that is the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        {
            "kind": kind.name,
            "label": kind.label,
            "channel": chosen.get(kind.name, kind.default.value),
            "default": kind.default.value,
            "is_default": kind.name not in chosen,
        }
        for kind in all_kinds()
    ]


def project_managers(*, project: Project) -> QuerySet[User]:
    """The people who manage `project`."""
    return User.objects.filter(
        project_memberships__project=project,
        project_memberships__role=ProjectMembership.Role.MANAGER,
    )


def trail_keepers(*, organization: Organization) -> QuerySet[User]:
    """The administrators and compliance officers of `organization`: who answer for its trail."""
    return User.objects.filter(
        org_memberships__organization=organization,
        org_memberships__role__in=[
            OrganizationMembership.Role.ADMIN,
            OrganizationMembership.Role.COMPLIANCE_OFFICER,
        ],
    ).distinct()


def compliance_officers(*, organization: Organization) -> QuerySet[User]:
    """The compliance officers of `organization`."""
    return User.objects.filter(
        org_memberships__organization=organization,
        org_memberships__role=OrganizationMembership.Role.COMPLIANCE_OFFICER,
    )
