"""Reads of bias audits."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from compliance.models import BiasAudit
from projects.models import Project


def bias_audit_list(*, project: Project) -> QuerySet[BiasAudit]:
    return BiasAudit.objects.filter(project=project).select_related(
        "scheduled_by", "conducted_by", "signed_off_by"
    )


def bias_audit_get_for_user(*, user: Actor, id: Any) -> BiasAudit:
    return visible_object_get(
        user=user,
        model=BiasAudit,
        id=id,
        queryset=visible(user, BiasAudit).select_related(
            "project__organization", "scheduled_by", "conducted_by", "signed_off_by"
        ),
    )
