"""A project's fact sheet published on a public, read-only page: which fields of the fact
sheet it shows, under an opaque id that is not the project's, who published it and when,
and when it was taken down. Unpublishing keeps the row (the history) and ends the page;
publishing again opens a new page under a new id, so an old link stays dead."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import BaseModel


def new_public_id() -> str:
    """32 random bytes, URL-safe: unguessable and unrelated to any id of the record."""
    return secrets.token_urlsafe(32)


class FactSheetPublication(BaseModel):
    policy_project_path = "project"
    # The public id is the page's only key: kept off the trail, so the hashed, permanent
    # record never holds a way in to a page, even one since taken down.
    audit_excluded_fields = ("public_id",)
    audit_safe_fields = ("fields",)  # names of fact-sheet fields, from a fixed list

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="fact_sheet_publications"
    )
    public_id = models.CharField(max_length=64, unique=True, default=new_public_id, editable=False)
    # The fact-sheet fields shown (keys of compliance.fact_sheet.FIELDS), in that list's order.
    fields = models.JSONField(default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            # One live page per project.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(unpublished_at__isnull=True),
                name="fact_sheet_one_live_publication",
            ),
            models.CheckConstraint(
                condition=Q(unpublished_at__isnull=True) | Q(unpublished_by__isnull=False),
                name="%(app_label)s_%(class)s_unpublished_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["project", "-published_at"])]

    def __str__(self) -> str:
        return f"Fact sheet of {self.project_id} published {self.published_at:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.unpublished_at is None

    def public_url_path(self) -> str:
        return reverse("compliance-public:fact-sheet", args=[self.public_id])
