"""The project permission policy as the API tests expect it: every role towards a project
(the names of the `as_role` fixture), what each permission lets through, and the Select gate's
criteria as the API lists them."""

ROLES = (
    "anon",
    "outsider",
    "org_member",
    "viewer",
    "contributor",
    "reviewer",
    "manager",
    "org_admin",
    "compliance_officer",
)
# What each project permission lets through, per role (the policy in accounts/permissions.py);
# any other signed-in role of the organisation gets 403, an outsider 404, anonymous 401.
ALLOWED = {
    "view": {"viewer", "contributor", "reviewer", "manager", "org_admin", "compliance_officer"},
    "contribute": {"contributor", "manager", "org_admin"},
    "review": {"reviewer", "manager", "compliance_officer"},
    "contribute_or_review": {
        "contributor",
        "reviewer",
        "manager",
        "org_admin",
        "compliance_officer",
    },
    "manage": {"manager", "org_admin"},
    "compliance": {"compliance_officer"},
}


def matrix(perm: str, ok: int = 200) -> list[tuple[str, int]]:
    """(role, expected status) for every role, for an action needing `perm`."""

    def expected(role: str) -> int:
        if role == "anon":
            return 401
        if role in ("outsider", "org_member"):
            return 404  # an organisation member not on the project does not see it
        return ok if role in ALLOWED[perm] else 403

    return [(role, expected(role)) for role in ROLES]


# The Select gate's criteria as the API lists them when unmet.
CRITERIA = {
    "scope_document_approved": {
        "key": "scope_document_approved",
        "label": "An approved scope document",
        "met": False,
        "detail": "No scope document version has been approved yet.",
        "section": "scope",
        "owner_app": "projects",
    },
    "workshop_held": {
        "key": "workshop_held",
        "label": "At least one stakeholder workshop held",
        "met": False,
        "detail": "No workshop has been recorded as held.",
        "section": "workshops",
        "owner_app": "stakeholders",
    },
    "feasibility_go": {
        "key": "feasibility_go",
        "label": 'A signed-off feasibility study with a "go" verdict',
        "met": False,
        "detail": "No signed-off feasibility study concludes go.",
        "section": "feasibility",
        "owner_app": "projects",
    },
    "risks_scored": {
        "key": "risks_scored",
        "label": "Risks identified, and every risk scored",
        "met": False,
        "detail": "The risk register is empty.",
        "section": "risks",
        "owner_app": "projects",
    },
    "high_risks_mitigated": {
        "key": "high_risks_mitigated",
        "label": "Every high risk has a mitigation plan and an owner",
        "met": False,
        "detail": "1 high risk(s) without a mitigation plan or an owner.",
        "section": "risks",
        "owner_app": "projects",
    },
}
# Every gate's compliance criterion; met while no blocking check is open (none here: the
# organisation follows no framework).
COMPLIANCE_CRITERION = {
    "key": "no_blocking_compliance_checks",
    "label": "No blocking compliance check open",
    "met": True,
    "detail": "",
    "section": "compliance",
    "owner_app": "compliance",
}
