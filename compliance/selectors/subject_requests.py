"""Reads of data-subject requests and of what Charter holds about their subjects; only the
organisation's administrators and compliance officers read them (Perm.PRIVACY_MANAGE)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from audit.personal import personal_fields
from compliance.models import DataSubjectRequest
from compliance.personal_data import exported_fields, subject_holdings
from stakeholders.models import Stakeholder

EXPORT_FORMAT = 1


def subject_request_list_for_user(
    *, user: Actor, organization: Organization, filters: dict[str, Any] | None = None
) -> QuerySet[DataSubjectRequest]:
    """The organisation's requests, soonest due first. Filters: `open`, `overdue` (open and
    past due), `kind`. PermissionDenied for members without the privacy permission."""
    if not can(user, Perm.PRIVACY_MANAGE, organization):
        raise PermissionDenied
    rows = DataSubjectRequest.objects.filter(organization=organization).select_related(
        "stakeholder", "user", "owner"
    )
    filters = filters or {}
    if filters.get("open") or filters.get("overdue"):
        rows = rows.filter(status__in=DataSubjectRequest.OPEN_STATUSES)
    if filters.get("overdue"):
        rows = rows.filter(due_at__lt=timezone.now())
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    return rows.order_by("due_at", "created_at")


def subject_request_get_for_user(*, user: Actor, id: Any) -> DataSubjectRequest:
    """One request of the user's organisation (else 404), for its privacy keepers (else
    PermissionDenied)."""
    return visible_object_get(
        user=user,
        model=DataSubjectRequest,
        id=id,
        perm=Perm.PRIVACY_MANAGE,
        queryset=visible(user, DataSubjectRequest).select_related(
            "organization", "stakeholder", "user", "owner", "recorded_by"
        ),
    )


def _json_value(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _row(row: models.Model) -> dict[str, Any]:
    fields = exported_fields(type(row))
    return {field.attname: _json_value(getattr(row, field.attname)) for field in fields}


def subject_export_data(*, subject: models.Model, organization: Organization) -> dict[str, Any]:
    """Everything Charter holds about `subject` in `organization`, as JSON-ready data: one
    entry per place looked at (compliance/personal_data.py), with the rows found there."""
    records = [
        {
            "model": holding.lookup.label,
            "name": str(holding.lookup.model._meta.verbose_name),
            "found_by": holding.lookup.path or holding.lookup.address,
            "personal_fields": list(personal_fields(holding.lookup.model)),
            "rows": [_row(row) for row in holding.rows],
        }
        for holding in subject_holdings(subject=subject, organization=organization)
    ]
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "organization": {"id": str(organization.pk), "name": organization.name},
        "subject": {
            "type": "stakeholder"
            if subject._meta.label_lower == "stakeholders.stakeholder"
            else "user",
            "id": str(subject.pk),
        },
        "records": records,
    }


def subject_choices(*, organization: Organization) -> list[tuple[str, str]]:
    """The people a request may be about, as ("stakeholder:<id>" | "user:<id>", label), for
    the privacy keepers' form: the organisation's stakeholders, then its members."""
    stakeholders = Stakeholder.objects.filter(organization=organization).order_by("name")
    members = OrganizationMembership.objects.filter(organization=organization).select_related(
        "user"
    )
    return [(f"stakeholder:{s.pk}", f"{s.name} (stakeholder)") for s in stakeholders] + [
        (f"user:{m.user_id}", f"{m.user.display_name} (member)")
        for m in members.order_by("user__email")
    ]


def privacy_keepers(*, organization: Organization) -> QuerySet[User]:
    """The active administrators and compliance officers, who may own a request."""
    return User.objects.filter(
        is_active=True,
        org_memberships__organization=organization,
        org_memberships__role__in=[
            OrganizationMembership.Role.ADMIN,
            OrganizationMembership.Role.COMPLIANCE_OFFICER,
        ],
    ).order_by("email")
