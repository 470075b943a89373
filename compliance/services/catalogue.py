"""Loading the shipped framework catalogue, and the frameworks an organisation follows.

The loader compares the data files with the rows in the database and writes only what differs,
in bulk: loading the same version twice writes nothing and records nothing. A requirement or
mapping the files no longer list is retired (`retired_in`), never deleted, so the checks and
evidence that point at it keep their link; one that comes back is brought back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import SYSTEM, Actor, Perm, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.catalogue_loader import DATA_DIR, CatalogueData, read_catalogue
from compliance.models import (
    Crosswalk,
    Framework,
    FrameworkDate,
    OrganizationFramework,
    Requirement,
)
from compliance.services.checks import checks_sync
from projects.models import Project

FRAMEWORK_FIELDS = ("name", "edition", "publisher", "source_url", "licence_note", "data_version")
REQUIREMENT_FIELDS = (
    "title",
    "kind",
    "group",
    "applies_when",
    "phase",
    "blocking",
    "applies_to_projects",
    "verified",
    "guidance",
    "order",
    "retired_in",
)
DATE_FIELDS = ("date", "articles_affected", "source", "status", "as_of", "data_version")
ALREADY_FOLLOWED = "The organisation already follows this framework."
NOT_FOLLOWED = "The organisation does not follow this framework."
FOLLOW_REASON = "The organisation now follows {name}."
UNFOLLOW_REASON = "The organisation stopped following {name}."


def _changed(instance: Any, values: dict[str, Any]) -> bool:
    """Set `values` on `instance`; True if any differed (and stamp `updated_at`, which
    bulk_update does not do by itself)."""
    differs = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            differs = True
    if differs:
        instance.updated_at = timezone.now()
    return differs


def _frameworks(data: CatalogueData, counts: dict[str, int]) -> dict[str, Framework]:
    existing = {
        f.key: f for f in Framework.objects.filter(key__in=[f.key for f in data.frameworks])
    }
    created, updated = [], []
    for item in data.frameworks:
        values = {
            "name": item.name,
            "edition": item.edition,
            "publisher": item.publisher,
            "source_url": item.source_url,
            "licence_note": item.licence_note,
            "data_version": data.version,
        }
        framework = existing.get(item.key)
        if framework is None:
            framework = Framework(key=item.key, **values)
            # Field checks only: the reader refused duplicate keys, the table has the last word.
            framework.full_clean(validate_unique=False, validate_constraints=False)
            created.append(framework)
            existing[item.key] = framework
        elif _changed(framework, values):
            framework.full_clean(validate_unique=False, validate_constraints=False)
            updated.append(framework)
    Framework.objects.bulk_create(created)
    Framework.objects.bulk_update(updated, [*FRAMEWORK_FIELDS, "updated_at"])
    counts["frameworks_added"], counts["frameworks_updated"] = len(created), len(updated)
    return existing


def _requirements(
    data: CatalogueData, frameworks: dict[str, Framework], counts: dict[str, int]
) -> dict[tuple[str, str], Requirement]:
    by_id = {f.pk: key for key, f in frameworks.items()}
    existing = {
        (by_id[r.framework_id], r.ref): r
        for r in Requirement.objects.filter(framework__in=frameworks.values())
    }
    created, updated, retired = [], [], 0
    listed: set[tuple[str, str]] = set()
    for item in data.requirements:
        key = (item.framework, item.ref)
        listed.add(key)
        values = {
            "title": item.title,
            "kind": item.kind,
            "group": item.group,
            "applies_when": item.applies_when,
            "phase": item.phase,
            "blocking": item.blocking,
            "applies_to_projects": item.applies_to_projects,
            "verified": item.verified,
            "guidance": item.guidance,
            "order": item.order,
            "retired_in": "",
        }
        requirement = existing.get(key)
        if requirement is None:
            requirement = Requirement(
                framework=frameworks[item.framework], ref=item.ref, added_in=data.version, **values
            )
            created.append(requirement)
            existing[key] = requirement
        elif _changed(requirement, values):
            updated.append(requirement)
    for key, requirement in existing.items():
        if key not in listed and not requirement.retired_in:
            requirement.retired_in, requirement.updated_at = data.version, timezone.now()
            updated.append(requirement)
            retired += 1
    Requirement.objects.bulk_create(created)
    Requirement.objects.bulk_update(updated, [*REQUIREMENT_FIELDS, "updated_at"], batch_size=500)
    counts["requirements_added"] = len(created)
    counts["requirements_updated"] = len(updated) - retired
    counts["requirements_retired"] = retired
    return existing


def _crosswalk(
    data: CatalogueData, requirements: dict[tuple[str, str], Requirement], counts: dict[str, int]
) -> None:
    ids = [r.pk for r in requirements.values()]
    existing = {
        (c.source_id, c.target_id): c
        for c in Crosswalk.objects.filter(source_id__in=ids, target_id__in=ids)
    }
    created, updated, retired = [], [], 0
    listed = set()
    for item in data.crosswalk:
        source, target = requirements[item.source], requirements[item.target]
        listed.add((source.pk, target.pk))
        mapping = existing.get((source.pk, target.pk))
        values = {"rationale": item.rationale, "retired_in": ""}
        if mapping is None:
            created.append(Crosswalk(source=source, target=target, added_in=data.version, **values))
        elif _changed(mapping, values):
            updated.append(mapping)
    for pair, mapping in existing.items():
        if pair not in listed and not mapping.retired_in:
            mapping.retired_in, mapping.updated_at = data.version, timezone.now()
            updated.append(mapping)
            retired += 1
    Crosswalk.objects.bulk_create(created)
    Crosswalk.objects.bulk_update(updated, ["rationale", "retired_in", "updated_at"])
    counts["mappings_added"] = len(created)
    counts["mappings_updated"] = len(updated) - retired
    counts["mappings_retired"] = retired


def _dates(data: CatalogueData, frameworks: dict[str, Framework], counts: dict[str, int]) -> None:
    by_id = {f.pk: key for key, f in frameworks.items()}
    existing = {
        (by_id[d.framework_id], d.milestone): d
        for d in FrameworkDate.objects.filter(framework__in=frameworks.values())
    }
    created, updated = [], []
    listed = set()
    for item in data.dates:
        key = (item.framework, item.milestone)
        listed.add(key)
        values = {
            "date": item.date,
            "articles_affected": item.articles_affected,
            "source": item.source,
            "status": item.status,
            "as_of": item.as_of,
        }
        row = existing.get(key)
        if row is None:
            created.append(
                FrameworkDate(
                    framework=frameworks[item.framework],
                    milestone=item.milestone,
                    data_version=data.version,
                    **values,
                )
            )
        elif _changed(row, values):
            row.data_version = data.version
            updated.append(row)
    # A date no longer listed was superseded (an amendment moved it): nothing links to a
    # date row, and showing a stale date as current would mislead, so it goes.
    gone = [row.pk for key, row in existing.items() if key not in listed]
    FrameworkDate.objects.bulk_create(created)
    FrameworkDate.objects.bulk_update(updated, [*DATE_FIELDS, "updated_at"])
    if gone:
        FrameworkDate.objects.filter(pk__in=gone).delete()
    counts["dates_added"], counts["dates_updated"] = len(created), len(updated)
    counts["dates_removed"] = len(gone)


@transaction.atomic
def catalogue_load(*, actor: Actor = SYSTEM, directory: Path = DATA_DIR) -> dict[str, Any]:
    """Bring the catalogue in the database to the data files in `directory`: all or nothing.
    Raises CatalogueError (file and line of each problem) before writing anything if the files
    are wrong; records one audit event on the system chain when something changed."""
    data = read_catalogue(directory)
    counts: dict[str, int] = {}
    frameworks = _frameworks(data, counts)
    requirements = _requirements(data, frameworks, counts)
    _crosswalk(data, requirements, counts)
    _dates(data, frameworks, counts)
    changed = any(counts.values())
    if changed:
        audit_record(
            actor=actor,
            action=Action.CATALOGUE_LOADED,
            target_type="compliance.catalogue",
            target_id=data.version,
            data={"version": data.version, **counts},
        )
    return {"version": data.version, "changed": changed, **counts}


def _sync_projects(*, actor: Actor, organization: Organization, reason: str) -> None:
    for project in Project.objects.filter(organization=organization).exclude(
        phase=Project.Phase.RETIRED
    ):
        checks_sync(actor=actor, project=project, reason=reason)


@transaction.atomic
def framework_follow(
    *, actor: Actor, organization: Organization, framework: Framework
) -> OrganizationFramework:
    """The organisation follows `framework` from now on: its projects get checks for what of
    it applies to them."""
    require(actor, Perm.COMPLIANCE_MANAGE, organization)
    Organization.objects.select_for_update().get(pk=organization.pk)
    if OrganizationFramework.objects.filter(
        organization=organization, framework=framework
    ).exists():
        raise ValidationError(ALREADY_FOLLOWED, code="already_followed")
    followed = OrganizationFramework.objects.create(organization=organization, framework=framework)
    audit_record(
        actor=actor,
        action=Action.FRAMEWORK_ADOPTED,
        target=followed,
        organization=organization,
        data={"framework": framework.key},
    )
    _sync_projects(
        actor=actor, organization=organization, reason=FOLLOW_REASON.format(name=framework.name)
    )
    return followed


@transaction.atomic
def framework_unfollow(*, actor: Actor, organization: Organization, framework: Framework) -> None:
    """The organisation stops following `framework`: open checks for its requirements become
    not applicable (saying why); met ones stay as proven."""
    require(actor, Perm.COMPLIANCE_MANAGE, organization)
    Organization.objects.select_for_update().get(pk=organization.pk)
    followed = OrganizationFramework.objects.filter(
        organization=organization, framework=framework
    ).first()
    if followed is None:
        raise ValidationError(NOT_FOLLOWED, code="not_followed")
    audit_record(
        actor=actor,
        action=Action.FRAMEWORK_DROPPED,
        target=followed,
        organization=organization,
        data={"framework": framework.key},
    )
    followed.delete()
    _sync_projects(
        actor=actor, organization=organization, reason=UNFOLLOW_REASON.format(name=framework.name)
    )
