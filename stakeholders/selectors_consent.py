"""Reads of consent: the organisation's terms and their versions, a stakeholder's consent
history, and how many answers of a round hold active consent. Scoped by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import Organization, User
from accounts.permissions import Perm, can, visible
from projects.models import Project
from stakeholders.models import FeedbackRound, Stakeholder
from stakeholders.models_consent import ConsentPolicy, ConsentRecord


def consent_policy_list(*, user: User, organization: Organization) -> QuerySet[ConsentPolicy]:
    """Every version of the organisation's terms, newest first (its members read them)."""
    if not can(user, Perm.ORG_VIEW, organization):
        return ConsentPolicy.objects.none()
    return (
        ConsentPolicy.objects.filter(organization=organization)
        .select_related("published_by")
        .order_by("-version")
    )


def consent_record_list(
    *,
    user: User,
    stakeholder: Stakeholder | None = None,
    organization: Organization | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[ConsentRecord]:
    """Consent records the user may see (those of their organisations' stakeholders), newest
    first, narrowed to one stakeholder or organisation and by `filters`: `active` (bool),
    `policy_version`, `round` (id), `given_after`, `given_before`."""
    records: QuerySet[ConsentRecord] = visible(user, ConsentRecord)
    if stakeholder is not None:
        records = records.filter(stakeholder=stakeholder)
    if organization is not None:
        records = records.filter(stakeholder__organization=organization)
    filters = filters or {}
    if "active" in filters:
        records = records.filter(withdrawn_at__isnull=filters["active"])
    if "policy_version" in filters:
        records = records.filter(policy__version=filters["policy_version"])
    if "round" in filters:
        records = records.filter(invite__round_id=filters["round"])
    if "given_after" in filters:
        records = records.filter(given_at__gte=filters["given_after"])
    if "given_before" in filters:
        records = records.filter(given_at__lt=filters["given_before"])
    return records.select_related("policy", "invite__round__project").order_by("-given_at", "-pk")


def consent_tally_for_round(*, user: User, feedback_round: FeedbackRound) -> int | None:
    """How many of the round's answers hold active consent; None when the organisation has
    never had terms of consent (the page then says nothing about it)."""
    if not can(user, Perm.PROJECT_VIEW, feedback_round):
        return None
    organization_id = feedback_round.project.organization_id
    if not ConsentPolicy.objects.filter(organization_id=organization_id).exists():
        return None
    return (
        ConsentRecord.objects.filter(
            Q(invite__round=feedback_round, invite__responded_at__isnull=False),
            withdrawn_at__isnull=True,
        )
        .values("invite")
        .distinct()
        .count()
    )


def consent_tally_for_project(*, user: User, project: Project) -> dict[Any, int] | None:
    """{round id: answers holding active consent} over the project's rounds (rounds without
    any are absent); None when the organisation has never had terms of consent."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return None
    if not ConsentPolicy.objects.filter(organization_id=project.organization_id).exists():
        return None
    rows = (
        ConsentRecord.objects.filter(
            invite__round__project=project,
            invite__responded_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .values("invite__round")
        .annotate(answers=Count("invite", distinct=True))
        .values_list("invite__round", "answers")
    )
    return dict(rows)


def consent_records_of_subject(*, stakeholder: Stakeholder) -> QuerySet[ConsentRecord]:
    """A stakeholder's own consent records, for their withdrawal page (the link is their
    credential: no user, no policy check), newest first."""
    return (
        ConsentRecord.objects.filter(stakeholder=stakeholder)
        .select_related("policy", "invite__round__project")
        .order_by("-given_at", "-pk")
    )
