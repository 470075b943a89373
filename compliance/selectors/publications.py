"""Reads of fact-sheet publications: a project's (live and past), one through the policy,
and the live one behind a public page's id (no user: the publication is the permission)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from compliance.models import FactSheetPublication
from projects.models import Project

_PEOPLE = ("published_by", "unpublished_by")


def publication_list(*, project: Project) -> QuerySet[FactSheetPublication]:
    return FactSheetPublication.objects.filter(project=project).select_related(*_PEOPLE)


def publication_live(*, project: Project) -> FactSheetPublication | None:
    return publication_list(project=project).filter(unpublished_at__isnull=True).first()


def publication_get_for_user(*, user: Actor, id: Any) -> FactSheetPublication:
    return visible_object_get(
        user=user,
        model=FactSheetPublication,
        id=id,
        queryset=visible(user, FactSheetPublication).select_related(
            "project__organization", *_PEOPLE
        ),
    )


def published_fact_sheet_get(*, public_id: str) -> FactSheetPublication:
    """The live publication behind a public page's id; Http404 once it is taken down (or
    for an id that never was: the two are not told apart)."""
    found = (
        FactSheetPublication.objects.filter(public_id=public_id, unpublished_at__isnull=True)
        .select_related("project__organization")
        .first()
    )
    if found is None:
        raise Http404
    return found
