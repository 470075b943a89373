"""THE permission policy: one place answers "may this user do this?" and "what may they see?".

HTML views, the API (through `PolicyPermission`), selectors and tasks all call it. Objects of
an organisation the user does not belong to are invisible, so callers answer 404, never 403.

Models below the project level declare where their project or organisation is, with
`policy_project_path = "project"` or `policy_organization_path = "organization"`, so this
module never imports the apps above it.

Two kinds of permission: a `Perm` follows from a role alone (organisation or project role);
a `Rule` is object-level and also reads the object — who asked for it, who wrote it, who it
is assigned to — and may refuse with a reason a page or the API shows (`decide`). Services
ask both through `require`/`can`; no service compares an actor with an author itself.

Jobs and commands act as `SYSTEM` (core.actors), never `None`: it holds no role, and only
the rules in `SYSTEM_RULES` grant it anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeGuard

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from core.actors import SYSTEM, SystemActor

if TYPE_CHECKING:
    from rest_framework.views import APIView

    from audit.models import AuditCheckpoint, AuditEvent

__all__ = ["SYSTEM", "Actor", "Decision", "Perm", "Rule", "SystemActor"]

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role

# Whoever a service acts for: a person, nobody signed in, or Charter's own jobs.
Actor = User | AnonymousUser | SystemActor


class Perm(StrEnum):
    # organisation level
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"  # members, roles, invitations
    PROJECT_CREATE = "project.create"
    AUDIT_VIEW_ORG = "audit.view_org"
    INTAKE_TRIAGE = "intake.triage"  # accept, question or reject proposed use cases
    CATALOGUE_MANAGE = "catalogue.manage"  # models, vendors, exchange rates, imports
    VENDOR_ASSESS = "vendor.assess"  # record a vendor's assessment
    COMPLIANCE_MANAGE = "compliance.manage"  # which frameworks the organisation follows
    LITERACY_MANAGE = "literacy.manage"  # the AI-literacy register (EU AI Act Art. 4)
    # data-subject requests, their exports and erasures, and the retention periods
    PRIVACY_MANAGE = "privacy.manage"
    CONSENT_MANAGE = "consent.manage"  # the consent policy shown on feedback forms
    # project level
    PROJECT_VIEW = "project.view"
    PROJECT_CONTRIBUTE = "project.contribute"  # edit the project's records
    PROJECT_REVIEW = "project.review"  # review and comment
    PROJECT_MANAGE = "project.manage"  # settings, members, gate requests
    PROJECT_APPROVE_COMPLIANCE = "project.approve_compliance"  # the compliance sign-off


class Rule(StrEnum):
    """Object-level permissions: the answer depends on the object, not on a role alone."""

    TASK_CREATE = "task.create"  # on a project: contributors and reviewers (a review's follow-up)
    TASK_MOVE = "task.move"  # change a task's status: contributors, or its assignee
    PROPOSAL_RESUBMIT = "proposal.resubmit"  # triagers, or the proposer
    GATE_WITHDRAW = "gate.withdraw"  # managers, or the requester
    GATE_SIGN_MANAGER = "gate.sign_manager"  # the manager's sign-off (or refusal)
    GATE_SIGN_COMPLIANCE = "gate.sign_compliance"  # the compliance officer's
    SCOPE_VERSION_COMMENT = "scope_version.comment"  # contributors and reviewers
    SCOPE_VERSION_DECIDE = "scope_version.decide"  # approve or send back: not its author
    FEASIBILITY_SIGN_OFF = "feasibility.sign_off"  # a manager who did not write the study
    FEEDBACK_ROUND_CLOSE = "feedback_round.close"  # contributors; the system once it is due
    STAKEHOLDER_EDIT = "stakeholder.edit"  # administrators, or contributors of a linked project
    SELECTION_SCORE = "selection.score"  # score candidates: contributors and reviewers
    SELECTION_MATRIX_VIEW = "selection.matrix_view"  # others' scores: not before your own
    DECISION_SIGN_COMPLIANCE = "decision.sign_compliance"  # not the manager who approved it
    CLASSIFY = "classification.propose"  # managers and compliance officers
    CLASSIFICATION_CONFIRM = "classification.confirm"  # a compliance officer, not its author
    CHECK_REVIEW = "compliance_check.review"  # not its owner, nor an owner of its evidence
    BIAS_CHECK_REVIEW = "bias_check.review"  # reviewers and compliance officers, not who ran it
    BIAS_AUDIT_SIGN_OFF = "bias_audit.sign_off"  # a compliance officer who did not conduct it
    ROLLOUT_APPROVE = "deployment.approve"  # a manager who did not write the rollout plan
    INCIDENT_SERIOUS = "incident.serious"  # managers and compliance officers: the Art. 73 call
    POST_MARKET_REVIEW = "post_market_plan.review"  # the plan's reviewer, or a manager
    DPIA_DPO_OPINION = "dpia.dpo_opinion"  # the DPO's opinion on a DPIA: compliance officers
    DPIA_SIGN_MANAGER = "dpia.sign_manager"  # a manager, unless they gave the other sign-off
    DPIA_SIGN_COMPLIANCE = "dpia.sign_compliance"  # a compliance officer, likewise
    # Publish (or unpublish) a project's fact sheet on its public page: the people who
    # classify it — its managers, who answer for what it tells, and the compliance officers
    # and administrators, who answer for the organisation's word.
    FACT_SHEET_PUBLISH = "fact_sheet.publish"

    EVIDENCE_JUDGE = "evidence.judge"  # reviewers and compliance officers, never its owner
    EVIDENCE_EXPIRE = "evidence.expire"  # the system, once the evidence's expiry date passed
    TRAINING_VIEW = "training_record.view"  # the person it is about, or the register's keepers


ORG_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    OrgRole.ADMIN: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.ORG_MANAGE,
            Perm.PROJECT_CREATE,
            Perm.AUDIT_VIEW_ORG,
            Perm.INTAKE_TRIAGE,
            Perm.CATALOGUE_MANAGE,
            Perm.VENDOR_ASSESS,
            Perm.COMPLIANCE_MANAGE,
            Perm.LITERACY_MANAGE,
            Perm.PRIVACY_MANAGE,
            Perm.CONSENT_MANAGE,
        }
    ),
    OrgRole.COMPLIANCE_OFFICER: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.PROJECT_CREATE,
            Perm.AUDIT_VIEW_ORG,
            Perm.INTAKE_TRIAGE,
            Perm.VENDOR_ASSESS,
            Perm.COMPLIANCE_MANAGE,
            Perm.LITERACY_MANAGE,
            Perm.PRIVACY_MANAGE,
            Perm.CONSENT_MANAGE,
        }
    ),
    OrgRole.MEMBER: frozenset({Perm.ORG_VIEW, Perm.PROJECT_CREATE}),
}

# What an organisation role grants on every project of that organisation.
ORG_ROLE_PROJECT_PERMS: dict[str, frozenset[Perm]] = {
    OrgRole.ADMIN: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_MANAGE}),
    OrgRole.COMPLIANCE_OFFICER: frozenset(
        {Perm.PROJECT_VIEW, Perm.PROJECT_REVIEW, Perm.PROJECT_APPROVE_COMPLIANCE}
    ),
    OrgRole.MEMBER: frozenset(),
}

PROJECT_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    ProjectRole.MANAGER: frozenset(
        {Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_REVIEW, Perm.PROJECT_MANAGE}
    ),
    ProjectRole.CONTRIBUTOR: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE}),
    ProjectRole.REVIEWER: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_REVIEW}),
    ProjectRole.VIEWER: frozenset({Perm.PROJECT_VIEW}),
}

ORG_SEES_ALL_PROJECTS = (OrgRole.ADMIN, OrgRole.COMPLIANCE_OFFICER)

# Everything the system actor may do, each rule deciding on which objects (see the rule).
# A job that needs more gets a rule here, visibly, rather than a skipped check.
SYSTEM_RULES: frozenset[Rule] = frozenset({Rule.FEEDBACK_ROUND_CLOSE, Rule.EVIDENCE_EXPIRE})

# The reasons shown when a rule refuses someone who holds the role.
SAME_PERSON = "One person cannot give both sign-offs of a gate."
REQUESTER_SIGNS = (
    "You requested this gate: another manager of the project gives the manager's sign-off "
    "(your organisation does not let the requester sign it)."
)
OWN_VERSION = "You wrote this version: someone else must review it."
OWN_STUDY = "You wrote this study: another manager of the project signs it off."
NOT_DUE = "The system closes a feedback round only once its end date has passed."
SCORE_FIRST = "Submit your own scores (or abstain) first: until then you see nobody else's."
OWN_CLASSIFICATION = "You classified this project: another compliance officer confirms it."
OWN_CHECK = "You own this check: someone else reviews it."
OWN_EVIDENCE = "You provided evidence for this check: someone else reviews it."
OWN_ROLLOUT_PLAN = "You wrote this rollout plan: another manager approves it."
OWN_BIAS_AUDIT = "You conducted this audit: another compliance officer signs it off."
OWN_BIAS_CHECK = "You ran this bias check: someone else reviews it."
SAME_DPIA_SIGNER = "You gave this DPIA's other sign-off: another person gives this one."
SAME_DECISION_SIGNER = "You approved this decision as its manager: another person signs it off."
STAKEHOLDER_NOT_YOURS = (
    "Only an administrator, or a contributor of a project this stakeholder takes part in, "
    "changes their details."
)


def _project_model() -> type[Model]:
    return apps.get_model("projects", "Project")


def _is_signed_in(user: Actor | None) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


# --- roles, cached on the user object for the length of a request or task ------------------


def org_roles(user: Actor) -> dict[Any, str]:
    """{organization_id: role} of the user's memberships; one query per user object."""
    if not _is_signed_in(user):
        return {}
    cached: dict[Any, str] | None = user.__dict__.get("_charter_org_roles")
    if cached is None:
        cached = dict(
            OrganizationMembership.objects.filter(user=user).values_list("organization_id", "role")
        )
        user.__dict__["_charter_org_roles"] = cached
    return cached


def project_role(user: Actor, project: Model) -> str | None:
    """The user's role on one project, or None; cached per project on the user object."""
    if not _is_signed_in(user):
        return None
    cache: dict[Any, str | None] = user.__dict__.setdefault("_charter_project_roles", {})
    if project.pk not in cache:
        cache[project.pk] = (
            ProjectMembership.objects.filter(user=user, project_id=project.pk)
            .values_list("role", flat=True)
            .first()
        )
    return cache[project.pk]


def remember_project_roles(user: Actor, project_ids: Iterable[Any]) -> None:
    """Load the user's roles on these projects in one query, for lists that decide a rule
    per row across many projects (otherwise one query per project)."""
    if not _is_signed_in(user):
        return
    cache: dict[Any, str | None] = user.__dict__.setdefault("_charter_project_roles", {})
    missing = {pk for pk in project_ids if pk not in cache}
    if not missing:
        return
    found = dict(
        ProjectMembership.objects.filter(user=user, project_id__in=missing).values_list(
            "project_id", "role"
        )
    )
    for pk in missing:
        cache[pk] = found.get(pk)


def forget_roles(user: Actor) -> None:
    """Drop cached roles after a membership change made in the same request."""
    user.__dict__.pop("_charter_org_roles", None)
    user.__dict__.pop("_charter_project_roles", None)


# --- the decision ---------------------------------------------------------------------------


def _walk(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def _resolve(obj: Model) -> tuple[Any, Model | None]:
    """(organization_id, project or None) of any governed object."""
    label = obj._meta.label_lower
    if label == "accounts.organization":
        return obj.pk, None
    if label == "projects.project":
        return obj.organization_id, obj  # type: ignore[attr-defined]
    project_path: str | None = getattr(obj, "policy_project_path", None)
    if project_path:
        project = _walk(obj, project_path)
        return project.organization_id, project
    org_path: str = getattr(obj, "policy_organization_path", "organization")
    return _walk(obj, org_path).pk, None


def _organization_of(obj: Model) -> Organization:
    """The organisation row of a governed object (for its settings)."""
    if isinstance(obj, Organization):
        return obj
    _, project = _resolve(obj)
    if project is not None:
        organization: Organization = project.organization  # type: ignore[attr-defined]
        return organization
    found: Organization = _walk(obj, getattr(obj, "policy_organization_path", "organization"))
    return found


def perms_for(user: Actor, obj: Model) -> frozenset[Perm]:
    """Every role permission the user holds on `obj` (an organisation, project or row)."""
    org_id, project = _resolve(obj)
    role = org_roles(user).get(org_id)
    if role is None:
        return frozenset()  # not a member of that organisation: nothing, not even its existence
    if project is None:
        return ORG_ROLE_PERMS[role]
    granted = set(ORG_ROLE_PROJECT_PERMS[role])
    prole = project_role(user, project)
    if prole is not None:
        granted |= PROJECT_ROLE_PERMS[prole]
    return frozenset(granted)


@dataclass(frozen=True)
class Decision:
    """The policy's answer; `reason` says why not, when a page or the API should tell."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)
DENY = Decision(False)  # no reason: the role does not allow it, the generic text applies


def _is(user: Actor, person_id: Any) -> bool:
    """Is `user` the person whose id a record holds (its assignee, author, requester)?"""
    return _is_signed_in(user) and person_id is not None and person_id == user.pk


def _contributes_or_reviews(user: Actor, obj: Any) -> Decision:
    perms = perms_for(user, obj)
    allowed = Perm.PROJECT_CONTRIBUTE in perms or Perm.PROJECT_REVIEW in perms
    return ALLOW if allowed else DENY


def _task_move(user: Actor, task: Any) -> Decision:
    # The assignee moves their own task along only while they can still see its project.
    if can(user, Perm.PROJECT_CONTRIBUTE, task):
        return ALLOW
    return ALLOW if _is(user, task.assignee_id) and can_see(user, task) else DENY


def _proposal_resubmit(user: Actor, proposal: Any) -> Decision:
    if can(user, Perm.INTAKE_TRIAGE, proposal):
        return ALLOW
    return ALLOW if _is(user, proposal.submitted_by_id) and can_see(user, proposal) else DENY


def _gate_withdraw(user: Actor, request: Any) -> Decision:
    if can(user, Perm.PROJECT_MANAGE, request):
        return ALLOW
    return ALLOW if _is(user, request.requested_by_id) and can_see(user, request) else DENY


def _has_signed(user: Actor, record: Any) -> bool:
    """Has this person given one of the record's sign-offs (`record.approvals`, read as given)?
    One person never gives both the manager's and the compliance officer's."""
    return any(_is(user, approval.approver_id) for approval in record.approvals.all())


def _gate_sign(perm: Perm, *, as_manager: bool) -> Callable[[Actor, Any], Decision]:
    """The sign-off of one capacity; `request.approvals` are read as given (the service
    passes the request it locked, so they are current)."""

    def decide_sign(user: Actor, request: Any) -> Decision:
        if not can(user, perm, request):
            return DENY
        if _has_signed(user, request):
            return Decision(False, SAME_PERSON)
        if (
            as_manager
            and _is(user, request.requested_by_id)
            and not _organization_of(request).allow_gate_requester_signoff
        ):
            return Decision(False, REQUESTER_SIGNS)
        return ALLOW

    return decide_sign


def _scope_version_decide(user: Actor, version: Any) -> Decision:
    if not can(user, Perm.PROJECT_REVIEW, version):
        return DENY
    return Decision(False, OWN_VERSION) if _is(user, version.created_by_id) else ALLOW


def _feasibility_sign_off(user: Actor, study: Any) -> Decision:
    if not can(user, Perm.PROJECT_MANAGE, study):
        return DENY
    return Decision(False, OWN_STUDY) if _is(user, study.created_by_id) else ALLOW


def _feedback_round_close(user: Actor, feedback_round: Any) -> Decision:
    if isinstance(user, SystemActor):
        due = feedback_round.closes_at <= timezone.now()
        return ALLOW if due else Decision(False, NOT_DUE)
    return ALLOW if can(user, Perm.PROJECT_CONTRIBUTE, feedback_round) else DENY


def _stakeholder_edit(user: Actor, stakeholder: Any) -> Decision:
    # A stakeholder's details — their email above all, which receives their feedback links and
    # invitations — are changed by the people who work with them, not by every member.
    if not isinstance(user, User) or not can_see(user, stakeholder):
        return DENY
    if can(user, Perm.ORG_MANAGE, stakeholder):
        return ALLOW
    linked = stakeholder.policy_linked_projects_path  # declared by the model: no import upward
    contributing = [
        role for role, perms in PROJECT_ROLE_PERMS.items() if Perm.PROJECT_CONTRIBUTE in perms
    ]
    projects = type(stakeholder)._default_manager.filter(pk=stakeholder.pk).values(linked)
    works_with = ProjectMembership.objects.filter(
        user=user, role__in=contributing, project_id__in=projects
    ).exists()
    return ALLOW if works_with else Decision(False, STAKEHOLDER_NOT_YOURS)


def _selection_matrix_view(user: Actor, sheet: Any) -> Decision:
    """`sheet` is the user's own score sheet on the project (unsaved if they have none):
    whoever may score sees the others' scores only once their own sheet is closed."""
    if not can_see(user, sheet) or not _is(user, sheet.reviewer_id):
        return DENY
    if not can(user, Rule.SELECTION_SCORE, sheet) or not sheet.is_open:
        return ALLOW
    return Decision(False, SCORE_FIRST)


def _decision_sign_compliance(user: Actor, decision: Any) -> Decision:
    if not can(user, Perm.PROJECT_APPROVE_COMPLIANCE, decision):
        return DENY
    if _has_signed(user, decision):
        return Decision(False, SAME_DECISION_SIGNER)
    return ALLOW


def _dpia_sign(perm: Perm) -> Callable[[Actor, Any], Decision]:
    """A DPIA's sign-off in one capacity; `dpia.approvals` are read as given (the service
    passes the version it locked)."""

    def decide_sign(user: Actor, dpia: Any) -> Decision:
        if not can(user, perm, dpia):
            return DENY
        return Decision(False, SAME_DPIA_SIGNER) if _has_signed(user, dpia) else ALLOW

    return decide_sign


def _dpia_dpo_opinion(user: Actor, dpia: Any) -> Decision:
    return ALLOW if can(user, Perm.PROJECT_APPROVE_COMPLIANCE, dpia) else DENY


def _classify(user: Actor, project: Any) -> Decision:
    perms = perms_for(user, project)
    allowed = Perm.PROJECT_MANAGE in perms or Perm.PROJECT_APPROVE_COMPLIANCE in perms
    return ALLOW if allowed else DENY


def _classification_confirm(user: Actor, classification: Any) -> Decision:
    if not can(user, Perm.PROJECT_APPROVE_COMPLIANCE, classification):
        return DENY
    if _is(user, classification.classified_by_id):
        return Decision(False, OWN_CLASSIFICATION)
    return ALLOW


def _check_review(user: Actor, check: Any) -> Decision:
    """`check.evidence` is read as given: pass a check with its evidence prefetched."""
    perms = perms_for(user, check)
    if Perm.PROJECT_APPROVE_COMPLIANCE not in perms and Perm.PROJECT_REVIEW not in perms:
        return DENY
    if _is(user, check.owner_id):
        return Decision(False, OWN_CHECK)
    if any(_is(user, evidence.owner_id) for evidence in check.evidence.all()):
        return Decision(False, OWN_EVIDENCE)
    return ALLOW


def _bias_check_review(user: Actor, bias_check: Any) -> Decision:
    perms = perms_for(user, bias_check)
    if Perm.PROJECT_REVIEW not in perms and Perm.PROJECT_APPROVE_COMPLIANCE not in perms:
        return DENY
    if _is(user, bias_check.run_by_id):
        return Decision(False, OWN_BIAS_CHECK)
    return ALLOW


OWN_EVIDENCE_JUDGE = "You provided this evidence: someone else judges it."
EVIDENCE_NOT_DUE = "Evidence expires only once its expiry date has passed."


def _evidence_judge(user: Actor, evidence: Any) -> Decision:
    perms = perms_for(user, evidence)
    if Perm.PROJECT_APPROVE_COMPLIANCE not in perms and Perm.PROJECT_REVIEW not in perms:
        return DENY
    return Decision(False, OWN_EVIDENCE_JUDGE) if _is(user, evidence.owner_id) else ALLOW


def _evidence_expire(user: Actor, evidence: Any) -> Decision:
    # Only the daily job expires evidence; nobody hastens it by hand (a person who doubts a
    # piece of evidence rejects it, with a reason the trail keeps).
    if not isinstance(user, SystemActor):
        return DENY
    due = evidence.expires_on is not None and evidence.expires_on < timezone.localdate()
    return ALLOW if due else Decision(False, EVIDENCE_NOT_DUE)


def _training_view(user: Actor, record: Any) -> Decision:
    if _is(user, record.person_id) and can_see(user, record):
        return ALLOW
    return ALLOW if can(user, Perm.LITERACY_MANAGE, record) else DENY


def _bias_audit_sign_off(user: Actor, audit: Any) -> Decision:
    if not can(user, Perm.PROJECT_APPROVE_COMPLIANCE, audit):
        return DENY
    if _is(user, audit.conducted_by_id):
        return Decision(False, OWN_BIAS_AUDIT)
    return ALLOW


def _rollout_approve(user: Actor, deployment: Any) -> Decision:
    if not can(user, Perm.PROJECT_MANAGE, deployment):
        return DENY
    if _is(user, deployment.created_by_id):
        return Decision(False, OWN_ROLLOUT_PLAN)
    return ALLOW


def _post_market_review(user: Actor, plan: Any) -> Decision:
    if not can_see(user, plan):
        return DENY
    return ALLOW if _is(user, plan.reviewer_id) or can(user, Perm.PROJECT_MANAGE, plan) else DENY


RULES: dict[Rule, Callable[[Actor, Any], Decision]] = {
    Rule.TASK_CREATE: _contributes_or_reviews,
    Rule.TASK_MOVE: _task_move,
    Rule.PROPOSAL_RESUBMIT: _proposal_resubmit,
    Rule.GATE_WITHDRAW: _gate_withdraw,
    Rule.GATE_SIGN_MANAGER: _gate_sign(Perm.PROJECT_MANAGE, as_manager=True),
    Rule.GATE_SIGN_COMPLIANCE: _gate_sign(Perm.PROJECT_APPROVE_COMPLIANCE, as_manager=False),
    Rule.SCOPE_VERSION_COMMENT: _contributes_or_reviews,
    Rule.SCOPE_VERSION_DECIDE: _scope_version_decide,
    Rule.FEASIBILITY_SIGN_OFF: _feasibility_sign_off,
    Rule.FEEDBACK_ROUND_CLOSE: _feedback_round_close,
    Rule.STAKEHOLDER_EDIT: _stakeholder_edit,
    Rule.SELECTION_SCORE: _contributes_or_reviews,
    Rule.SELECTION_MATRIX_VIEW: _selection_matrix_view,
    Rule.DECISION_SIGN_COMPLIANCE: _decision_sign_compliance,
    Rule.CLASSIFY: _classify,
    Rule.CLASSIFICATION_CONFIRM: _classification_confirm,
    Rule.CHECK_REVIEW: _check_review,
    Rule.BIAS_CHECK_REVIEW: _bias_check_review,
    Rule.BIAS_AUDIT_SIGN_OFF: _bias_audit_sign_off,
    Rule.ROLLOUT_APPROVE: _rollout_approve,
    Rule.POST_MARKET_REVIEW: _post_market_review,
    Rule.DPIA_DPO_OPINION: _dpia_dpo_opinion,
    Rule.DPIA_SIGN_MANAGER: _dpia_sign(Perm.PROJECT_MANAGE),
    Rule.DPIA_SIGN_COMPLIANCE: _dpia_sign(Perm.PROJECT_APPROVE_COMPLIANCE),
    Rule.INCIDENT_SERIOUS: _classify,  # the same people: the project's managers and officers
    Rule.FACT_SHEET_PUBLISH: _classify,  # the same people again
    Rule.EVIDENCE_JUDGE: _evidence_judge,
    Rule.EVIDENCE_EXPIRE: _evidence_expire,
    Rule.TRAINING_VIEW: _training_view,
}


def decide(user: Actor, perm: Perm | Rule, obj: Model) -> Decision:
    """May `user` do `perm` on `obj`, and if not, is there a reason to tell them?"""
    if isinstance(user, SystemActor) and perm not in SYSTEM_RULES:
        return DENY
    if isinstance(perm, Rule):
        return RULES[perm](user, obj)
    return ALLOW if perm in perms_for(user, obj) else DENY


def can(user: Actor, perm: Perm | Rule, obj: Model) -> bool:
    """May `user` do `perm` on `obj`?"""
    return decide(user, perm, obj).allowed


def require(user: Actor, perm: Perm | Rule, obj: Model) -> None:
    """Raise PermissionDenied (with the rule's reason, if any) unless `user` may do `perm` on
    `obj` (services call this)."""
    decision = decide(user, perm, obj)
    if not decision.allowed:
        raise PermissionDenied(*([decision.reason] if decision.reason else []))


def can_see(user: Actor, obj: Model) -> bool:
    """Does `obj` exist for this user at all? False means answer 404."""
    perms = perms_for(user, obj)
    _, project = _resolve(obj)
    return Perm.PROJECT_VIEW in perms if project is not None else Perm.ORG_VIEW in perms


def can_map(user: Actor, obj: Model) -> dict[str, bool]:
    """Template helper: {"project_manage": True, …} for `{% if can.project_manage %}`."""
    perms = perms_for(user, obj)
    return {perm.name.lower(): perm in perms for perm in Perm}


# --- what a user may see, and who may see an object -----------------------------------------


def organizations_visible_to(user: Actor) -> QuerySet[Organization]:
    if not _is_signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def projects_visible_to(user: Actor) -> QuerySet[Any]:
    """Projects of the user's organisations that their org role or a project role opens."""
    project_model = _project_model()
    if not _is_signed_in(user):
        return project_model._default_manager.none()
    memberships = OrganizationMembership.objects.filter(user=user)
    org_wide = memberships.filter(role__in=ORG_SEES_ALL_PROJECTS).values("organization_id")
    return project_model._default_manager.filter(
        organization_id__in=memberships.values("organization_id")
    ).filter(
        Q(organization_id__in=org_wide)
        | Q(id__in=ProjectMembership.objects.filter(user=user).values("project_id"))
    )


def users_who_can_see(obj: Model) -> QuerySet[User]:
    """The active people for whom `obj` exists, by the same rules as `can_see`: the members
    of its organisation, and below the project level only the project's members and the
    organisation's administrators and compliance officers. Unordered; one query."""
    org_id, project = _resolve(obj)
    members = OrganizationMembership.objects.filter(organization_id=org_id)
    people = User.objects.filter(is_active=True, id__in=members.values("user_id"))
    if project is None:
        return people
    return people.filter(
        Q(id__in=members.filter(role__in=ORG_SEES_ALL_PROJECTS).values("user_id"))
        | Q(id__in=ProjectMembership.objects.filter(project_id=project.pk).values("user_id"))
    )


def visible(user: Actor, model: type[Model]) -> QuerySet[Any]:
    """The rows of `model` this user may see, by the same rules as `can_see`."""
    label = model._meta.label_lower
    if label == "projects.project":
        return projects_visible_to(user)
    if label == "accounts.organization":
        return organizations_visible_to(user)
    if label == "audit.auditevent":
        return audit_events_visible_to(user)
    project_path: str | None = getattr(model, "policy_project_path", None)
    if project_path:
        return model._default_manager.filter(
            **{f"{project_path}__in": projects_visible_to(user).values("id")}
        )
    org_path: str = getattr(model, "policy_organization_path", "organization")
    return model._default_manager.filter(
        **{f"{org_path}__in": organizations_visible_to(user).values("id")}
    )


def audit_events_visible_to(user: Actor) -> QuerySet[AuditEvent]:
    """Admins and compliance officers read their organisation's whole trail; others read the
    events of the projects they can see."""
    from audit.models import AuditEvent

    if not _is_signed_in(user):
        return AuditEvent.objects.none()
    org_wide = OrganizationMembership.objects.filter(
        user=user, role__in=ORG_SEES_ALL_PROJECTS
    ).values("organization_id")
    return AuditEvent.objects.filter(
        Q(organization_id__in=org_wide) | Q(project_id__in=projects_visible_to(user).values("id"))
    )


def audit_checkpoints_visible_to(user: Actor) -> QuerySet[AuditCheckpoint]:
    """The signed checkpoints of the chains of the organisations whose whole trail the user
    reads (administrators and compliance officers)."""
    from audit.models import AuditCheckpoint

    if not _is_signed_in(user):
        return AuditCheckpoint.objects.none()
    chains = [
        str(org_id)
        for org_id in OrganizationMembership.objects.filter(
            user=user, role__in=ORG_SEES_ALL_PROJECTS
        ).values_list("organization_id", flat=True)
    ]
    return AuditCheckpoint.objects.filter(chain__in=chains)


# --- DRF adapter ----------------------------------------------------------------------------


class PolicyPermission(BasePermission):
    """Maps a viewset action to a `Perm` with the view's `policy_perms` table.

    Objects are fetched from `visible(...)` querysets, so an object of another organisation
    is already a 404 before this runs; here a visible object without the permission is 403.
    """

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        table: dict[str, Perm | Rule] = getattr(view, "policy_perms", {})
        perm = table.get(getattr(view, "action", "") or "")
        if perm is None:
            return can_see(request.user, obj)
        return can(request.user, perm, obj)


def check_person_sees(person: User | None, obj: Model, *, field: str, message: str) -> None:
    """Refuse (ValidationError on `field`) a person named in a record — an owner, an
    assignee, a facilitator — who could not see `obj`; None (nobody) passes."""
    if person is not None and not can_see(person, obj):
        raise ValidationError({field: message})
