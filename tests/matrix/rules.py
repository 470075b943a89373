"""Who may call a route: rules, the roles of the matrix, and the expected outcome per role.

A role is what a person holds in the world's organisation (and, for the outsider, in their
own); its permissions are computed from the policy's own tables in accounts/permissions.py,
so the matrix follows the policy rather than restating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accounts.models import OrganizationMembership, ProjectMembership
from accounts.permissions import (
    ORG_ROLE_PERMS,
    ORG_ROLE_PROJECT_PERMS,
    PROJECT_ROLE_PERMS,
    Perm,
)

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role


@dataclass(frozen=True)
class Role:
    name: str
    org_role: str | None  # in the world's organisation
    project_role: str | None = None  # on the world's project
    own_org_role: str | None = None  # in an organisation of their own (the outsider's)
    signed_in: bool = True


ROLES: tuple[Role, ...] = (
    Role("anonymous", None, signed_in=False),
    Role("outsider", None, own_org_role=OrgRole.ADMIN),
    Role("org_member", OrgRole.MEMBER),
    Role("viewer", OrgRole.MEMBER, ProjectRole.VIEWER),
    Role("contributor", OrgRole.MEMBER, ProjectRole.CONTRIBUTOR),
    Role("reviewer", OrgRole.MEMBER, ProjectRole.REVIEWER),
    Role("manager", OrgRole.MEMBER, ProjectRole.MANAGER),
    Role("compliance_officer", OrgRole.COMPLIANCE_OFFICER),
    Role("org_admin", OrgRole.ADMIN),
)
# API routes only: a personal token past its expiry, and a project's intake key (which
# speaks for no person and opens nothing but the intake).
EXPIRED_TOKEN = Role("expired_token", OrgRole.ADMIN, signed_in=False)
INTAKE_KEY = Role("intake_key", None, signed_in=False)
API_ROLES = (*ROLES, EXPIRED_TOKEN, INTAKE_KEY)


class Scope(StrEnum):
    PUBLIC = "public"  # anybody, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in person
    OWNER = "owner"  # the person the object belongs to; anyone else gets 404
    CURRENT_ORG = "current_org"  # the signed-in person's current organisation
    ORG = "org"  # an object of the world's organisation
    PROJECT = "project"  # an object of the world's project
    INTAKE = "intake"  # a request carrying the project's intake key


@dataclass(frozen=True)
class Rule:
    """Who may: the scope the route acts in and the permissions (any of them) it needs."""

    name: str
    scope: Scope
    perms: frozenset[Perm] = frozenset()
    owner: str = ""  # the role whose object the URL names: allowed whatever the perms
    # Also allowed: these permissions on the world's project, which the object takes part in
    # (a stakeholder linked to it).
    linked_project_perms: frozenset[Perm] = frozenset()
    # Refused (403) to a role holding any of these, whatever else it holds: the blind matrix
    # is closed to everyone who may score until their own sheet is closed.
    unless_perms: frozenset[Perm] = frozenset()

    def __repr__(self) -> str:
        return self.name


def org_rule(*perms: Perm) -> Rule:
    return Rule("|".join(p.name for p in perms), Scope.ORG, frozenset(perms))


def current_org_rule(*perms: Perm) -> Rule:
    return Rule("CURRENT_" + "|".join(p.name for p in perms), Scope.CURRENT_ORG, frozenset(perms))


def project_rule(*perms: Perm) -> Rule:
    return Rule("|".join(p.name for p in perms), Scope.PROJECT, frozenset(perms))


PUBLIC = Rule("PUBLIC", Scope.PUBLIC)
SIGNED_IN = Rule("SIGNED_IN", Scope.SIGNED_IN)
INTAKE = Rule("INTAKE_KEY", Scope.INTAKE)
CURRENT_ORG_VIEW = current_org_rule(Perm.ORG_VIEW)
CURRENT_PROJECT_CREATE = current_org_rule(Perm.PROJECT_CREATE)
ORG_VIEW = org_rule(Perm.ORG_VIEW)
ORG_MANAGE = org_rule(Perm.ORG_MANAGE)
INTAKE_TRIAGE = org_rule(Perm.INTAKE_TRIAGE)
CATALOGUE_MANAGE = org_rule(Perm.CATALOGUE_MANAGE)
CURRENT_CATALOGUE_MANAGE = current_org_rule(Perm.CATALOGUE_MANAGE)
CURRENT_ORG_MANAGE = current_org_rule(Perm.ORG_MANAGE)
VENDOR_ASSESS = org_rule(Perm.VENDOR_ASSESS)
PROJECT_VIEW = project_rule(Perm.PROJECT_VIEW)
PROJECT_CONTRIBUTE = project_rule(Perm.PROJECT_CONTRIBUTE)
PROJECT_REVIEW = project_rule(Perm.PROJECT_REVIEW)
PROJECT_CONTRIBUTE_OR_REVIEW = project_rule(Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_REVIEW)
PROJECT_MANAGE = project_rule(Perm.PROJECT_MANAGE)
COMPLIANCE_SIGNOFF = project_rule(Perm.PROJECT_APPROVE_COMPLIANCE)
# A gate is signed by its manager or by a compliance officer, each in their own capacity.
GATE_SIGN = project_rule(Perm.PROJECT_MANAGE, Perm.PROJECT_APPROVE_COMPLIANCE)
# Classifying a project: its managers and compliance officers.
CLASSIFY = project_rule(Perm.PROJECT_MANAGE, Perm.PROJECT_APPROVE_COMPLIANCE)
# Reviewing a compliance check's claim: reviewers and compliance officers (never its owner
# nor a provider of its evidence; the world's check has neither).
CHECK_REVIEW = project_rule(Perm.PROJECT_REVIEW, Perm.PROJECT_APPROVE_COMPLIANCE)
# A stakeholder's details: administrators, or contributors of a project they take part in.
STAKEHOLDER_EDIT = Rule(
    "ORG_MANAGE|linked PROJECT_CONTRIBUTE",
    Scope.ORG,
    frozenset({Perm.ORG_MANAGE}),
    linked_project_perms=frozenset({Perm.PROJECT_CONTRIBUTE}),
)


# The live scoring matrix: whoever sees the project, except those who may score and have not
# closed their own sheet (nobody of the roles has one in the world).
MATRIX_VIEW = Rule(
    "PROJECT_VIEW unless may score",
    Scope.PROJECT,
    frozenset({Perm.PROJECT_VIEW}),
    unless_perms=frozenset({Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_REVIEW}),
)


def owned_by(role: str) -> Rule:
    return Rule(f"OWNER({role})", Scope.OWNER, owner=role)


def owner_or(role: str, rule: Rule) -> Rule:
    """`role`'s own object, which `rule` also opens to others."""
    return Rule(f"OWNER({role})|{rule.name}", rule.scope, rule.perms, owner=role)


def org_perms(role: Role, *, current: bool = False) -> frozenset[Perm]:
    org_role = role.own_org_role if current and role.org_role is None else role.org_role
    return ORG_ROLE_PERMS[org_role] if org_role else frozenset()


def project_perms(role: Role) -> frozenset[Perm]:
    if role.org_role is None:
        return frozenset()  # not in the organisation: no project role counts
    granted = set(ORG_ROLE_PROJECT_PERMS[role.org_role])
    if role.project_role:
        granted |= PROJECT_ROLE_PERMS[role.project_role]
    return frozenset(granted)


class Outcome(StrEnum):
    ALLOWED = "allowed"
    LOGIN = "redirect to login"  # anonymous on a page
    UNAUTHENTICATED = "401 problem+json"  # no or bad credentials on the API
    FORBIDDEN = "403"  # sees the object, may not do this
    NOT_FOUND = "404"  # may not even know the object exists


def expected(rule: Rule, role: Role, *, is_api: bool) -> Outcome:
    """What `role` must get from a route governed by `rule`."""
    if role is INTAKE_KEY and rule.scope is not Scope.PUBLIC:
        return Outcome.ALLOWED if rule.scope is Scope.INTAKE else Outcome.UNAUTHENTICATED
    if rule.scope is Scope.INTAKE:
        return Outcome.UNAUTHENTICATED  # nobody's session or token stands in for the key
    if role is EXPIRED_TOKEN:
        return Outcome.UNAUTHENTICATED  # a bad credential is refused even on public routes
    if rule.scope is Scope.PUBLIC:
        return Outcome.ALLOWED  # an intake key on a public route is no credential: ignored
    if not role.signed_in:
        return Outcome.UNAUTHENTICATED if is_api else Outcome.LOGIN
    if rule.scope is Scope.SIGNED_IN:
        return Outcome.ALLOWED
    if role.name == rule.owner:
        return Outcome.ALLOWED
    if rule.scope is Scope.OWNER:
        return Outcome.NOT_FOUND  # somebody else's: it does not exist for them
    if rule.scope is Scope.PROJECT:
        perms = project_perms(role)
        visible = Perm.PROJECT_VIEW in perms
    else:
        perms = org_perms(role, current=rule.scope is Scope.CURRENT_ORG)
        visible = Perm.ORG_VIEW in perms
    if visible and perms & rule.unless_perms:
        return Outcome.FORBIDDEN
    if perms & rule.perms:
        return Outcome.ALLOWED
    if visible and project_perms(role) & rule.linked_project_perms:
        return Outcome.ALLOWED
    return Outcome.FORBIDDEN if visible else Outcome.NOT_FOUND


# the frameworks an organisation follows (compliance officers and administrators)
COMPLIANCE_MANAGE = org_rule(Perm.COMPLIANCE_MANAGE)
CURRENT_COMPLIANCE_MANAGE = current_org_rule(Perm.COMPLIANCE_MANAGE)
