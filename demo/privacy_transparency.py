"""The demo's transparency: the claims project's fact sheet published on its public page by
the compliance officer — every field but the contacts (people's addresses stay internal)."""

from __future__ import annotations

from accounts.models import User
from compliance.fact_sheet import FIELDS
from compliance.models import FactSheetPublication
from compliance.services.publications import fact_sheet_publish
from projects.models import Project

PUBLISHED = [key for key in FIELDS if key != "contacts"]


def claims_fact_sheet(project: Project, *, compliance: User) -> FactSheetPublication:
    """Publish the claims project's fact sheet (all fields but the contacts)."""
    return fact_sheet_publish(actor=compliance, project=project, fields=PUBLISHED)
