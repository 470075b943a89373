"""The claims project's Select phase in the demo: the starter catalogue, three candidates,
two reviewers' blind scores, and a decision the compliance officer approved — everything
through the services, so it sits on the audit trail like real work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import Organization, User
from models_registry import services
from models_registry.models import CatalogueModel, Criterion
from projects.models import Project

# Scores per candidate, in the order of the five standard criteria: specificity, resources,
# time to market, performance, cost. The two reviewers disagree on a couple of cells.
SCORES = {
    "rosa": {
        "OpenAI GPT-4o mini": [4, 5, 5, 4, 4],
        "Mistral AI Mistral 7B Instruct": [3, 3, 3, 3, 5],
        "In-house claims classifier": [5, 2, 1, 4, 3],
    },
    "amira": {
        "OpenAI GPT-4o mini": [4, 4, 5, 4, 3],
        "Mistral AI Mistral 7B Instruct": [4, 3, 4, 3, 4],
        "In-house claims classifier": [5, 1, 1, 3, 2],
    },
}
WHY = {
    1: "Serious gaps for our claims in the pilot.",
    2: "Weak on this in the pilot.",
    3: "Adequate; nothing stood out.",
    4: "Strong in the pilot, with minor gaps.",
    5: "Best of the options on this.",
}


def _model(org: Organization, provider: str, name: str) -> CatalogueModel:
    return CatalogueModel.objects.get(organization=org, provider=provider, name=name)


def claims_selection(
    project: Project, *, pm: User, reviewer: User, admin: User, compliance: User
) -> None:
    org = project.organization
    services.catalogue_import_starter(actor=admin, organization=org)
    services.exchange_rate_set(
        actor=admin,
        organization=org,
        currency="USD",
        rate=Decimal("0.94"),
        as_of=date(2026, 11, 30),
    )
    services.workload_update(
        actor=pm,
        project=project,
        requests_per_month=60_000,
        input_tokens_per_request=1_800,
        output_tokens_per_request=250,
    )
    cost = Criterion.objects.get(project=project, key="cost")
    services.criterion_update(actor=pm, criterion=cost, weight=25)
    services.criterion_create(
        actor=pm,
        project=project,
        name="EU data residency",
        description="Claims data stays in the EU: hosting and sub-processors.",
        weight=15,
        is_hard_constraint=True,
        minimum_score=3,
    )
    services.candidate_create(
        actor=pm,
        project=project,
        catalogue_model=_model(org, "OpenAI", "GPT-4o mini"),
        name="OpenAI GPT-4o mini",
        rationale="Cheap, fast and strong on short classification prompts.",
    )
    services.candidate_create(
        actor=pm,
        project=project,
        catalogue_model=_model(org, "Mistral AI", "Mistral 7B Instruct"),
        name="Mistral AI Mistral 7B Instruct",
        rationale="Open weights we can host in our EU data centre.",
        gpu_hours_per_month=Decimal("720"),
        gpu_hour_price=Decimal("1.10"),
        cost_currency="EUR",
    )
    services.candidate_create(
        actor=pm,
        project=project,
        name="In-house claims classifier",
        rationale="Train on three years of labelled claims; full control, slow to build.",
        gpu_hours_per_month=Decimal("200"),
        gpu_hour_price=Decimal("1.10"),
        fixed_monthly_cost=Decimal("6000"),
        cost_currency="EUR",
    )
    residency = {"rosa": [3, 5, 5], "amira": [4, 5, 5]}
    for who, person in (("rosa", reviewer), ("amira", admin)):
        for candidate in project.selection_candidates.all():
            values = [*SCORES[who][candidate.name], residency[who][candidate.order - 1]]
            for criterion, value in zip(
                Criterion.objects.filter(project=project), values, strict=True
            ):
                services.score_record(
                    actor=person,
                    candidate=candidate,
                    criterion=criterion,
                    value=value,
                    justification=WHY[value],
                )
        services.sheet_submit(actor=person, project=project)
    chosen = project.selection_candidates.get(name="OpenAI GPT-4o mini")
    decision = services.decision_record(
        actor=pm,
        project=project,
        chosen=chosen,
        rationale=(
            "Top-ranked, and it keeps its lead unless cost loses more than a few points of "
            "weight. EU hosting through the vendor's EU region; contract and DPA signed."
        ),
        rejected_reasons={
            str(c.pk): reason
            for c, reason in (
                (
                    project.selection_candidates.get(name="Mistral AI Mistral 7B Instruct"),
                    "Lower quality on our claims; hosting it ourselves costs more than the API.",
                ),
                (
                    project.selection_candidates.get(name="In-house claims classifier"),
                    "Months to build: it loses on time to market and on resources.",
                ),
            )
        },
    )
    services.decision_sign_compliance(
        actor=compliance,
        decision=decision,
        verdict="approve",
        comment="Decision support only; vendor assessment on file.",
    )
