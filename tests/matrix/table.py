"""THE table: every named route × method → who may (a rule of tests/matrix/rules.py), and
how to fill the route's URL kwargs and request body from the world."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from accounts.permissions import Perm
from tests.matrix.routes import Route
from tests.matrix.rules import (
    CATALOGUE_MANAGE,
    CHECK_REVIEW,
    CLASSIFY,
    COMPLIANCE_MANAGE,
    COMPLIANCE_SIGNOFF,
    CURRENT_CATALOGUE_MANAGE,
    CURRENT_COMPLIANCE_MANAGE,
    CURRENT_ORG_MANAGE,
    CURRENT_ORG_VIEW,
    CURRENT_PROJECT_CREATE,
    GATE_SIGN,
    INTAKE,
    INTAKE_TRIAGE,
    MATRIX_VIEW,
    ORG_MANAGE,
    ORG_VIEW,
    PROJECT_CONTRIBUTE,
    PROJECT_CONTRIBUTE_OR_REVIEW,
    PROJECT_MANAGE,
    PROJECT_REVIEW,
    PROJECT_VIEW,
    PUBLIC,
    SIGNED_IN,
    STAKEHOLDER_EDIT,
    VENDOR_ASSESS,
    Rule,
    current_org_rule,
    org_rule,
    owned_by,
    owner_or,
)

if TYPE_CHECKING:
    from tests.matrix.world import World

VIEW_CONTRIBUTE = {"GET": PROJECT_VIEW, "POST": PROJECT_CONTRIBUTE}

LITERACY_MANAGE = org_rule(Perm.LITERACY_MANAGE)
CURRENT_LITERACY_MANAGE = current_org_rule(Perm.LITERACY_MANAGE)
EVERY_METHOD_PUBLIC = dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), PUBLIC)

TABLE: dict[str, dict[str, Rule]] = {
    # --- site-wide ------------------------------------------------------------------------
    "home": EVERY_METHOD_PUBLIC,  # a redirect to the project list
    "healthz": {"GET": PUBLIC},
    "api-schema": {"GET": PUBLIC},
    "api-docs": {"GET": PUBLIC},
    # --- accounts pages ---------------------------------------------------------------------
    # Django's form views answer PUT as POST.
    "accounts:login": {"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC},
    "accounts:logout": {"POST": PUBLIC},
    "accounts:profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts:password-change": {"GET": SIGNED_IN, "POST": SIGNED_IN, "PUT": SIGNED_IN},
    "accounts:password-reset": {"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC},
    "accounts:password-reset-done": {"GET": PUBLIC},
    "accounts:password-reset-confirm": {"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC},
    "accounts:password-reset-complete": {"GET": PUBLIC},
    "accounts:token-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts:token-revoke": {"POST": owned_by("manager")},
    "accounts:organization-create": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts:organization-switch": {"POST": ORG_VIEW},  # to the world's organisation
    "accounts:member-list": {"GET": ORG_VIEW},
    "accounts:invitation-create": {"POST": ORG_MANAGE},
    "accounts:invitation-revoke": {"POST": ORG_MANAGE},
    "accounts:member-role": {"POST": ORG_MANAGE},
    "accounts:member-remove": {"POST": ORG_MANAGE},
    "accounts:invitation-accept": {"GET": PUBLIC, "POST": PUBLIC},
    # --- projects pages ---------------------------------------------------------------------
    "projects:project-list": {"GET": SIGNED_IN},
    "projects:project-create": {"GET": CURRENT_PROJECT_CREATE, "POST": CURRENT_PROJECT_CREATE},
    "projects:my-work": {"GET": SIGNED_IN},
    "projects:proposal-list": {"GET": CURRENT_ORG_VIEW, "POST": CURRENT_ORG_VIEW},
    "projects:proposal-triage": {"POST": INTAKE_TRIAGE},
    "projects:task-status": {"POST": PROJECT_CONTRIBUTE},
    "projects:project-detail": {"GET": PROJECT_VIEW},
    "projects:project-edit": {"GET": PROJECT_MANAGE, "POST": PROJECT_MANAGE},
    "projects:project-audit": {"GET": PROJECT_VIEW},
    "projects:project-member-add": {"POST": PROJECT_MANAGE},
    "projects:project-member-role": {"POST": PROJECT_MANAGE},
    "projects:project-member-remove": {"POST": PROJECT_MANAGE},
    "projects:risk-register": {"GET": PROJECT_VIEW},
    "projects:risk-create": {"POST": PROJECT_CONTRIBUTE},
    "projects:risk-edit": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "projects:scope-document": {"GET": PROJECT_VIEW},
    "projects:scope-version-new": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "projects:scope-version": {"GET": PROJECT_VIEW},
    "projects:scope-version-action": {"POST": PROJECT_REVIEW},  # action "approve"
    "projects:feasibility-list": {"GET": PROJECT_VIEW},
    "projects:feasibility-new": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "projects:feasibility-edit": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "projects:feasibility-sign-off": {"POST": PROJECT_MANAGE},
    "projects:project-tasks": {"GET": PROJECT_VIEW, "POST": PROJECT_CONTRIBUTE},
    "projects:gate": {"GET": PROJECT_VIEW},
    "projects:gate-request": {"POST": PROJECT_MANAGE},
    "projects:gate-decide": {"POST": GATE_SIGN},  # decision "approve", in the role's capacity
    "projects:move-back": {"POST": PROJECT_MANAGE},
    # --- stakeholders pages -----------------------------------------------------------------
    "stakeholders:stakeholder-list": {"GET": CURRENT_ORG_VIEW},
    "stakeholders:stakeholder-create": {"GET": CURRENT_ORG_VIEW, "POST": CURRENT_ORG_VIEW},
    "stakeholders:stakeholder-edit": {"GET": STAKEHOLDER_EDIT, "POST": STAKEHOLDER_EDIT},
    "stakeholders:project-stakeholders": {"GET": PROJECT_VIEW},
    "stakeholders:stakeholder-link": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:stakeholder-unlink": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-list": {"GET": PROJECT_VIEW},
    "stakeholders:workshop-schedule": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-detail": {"GET": PROJECT_VIEW},
    "stakeholders:workshop-reschedule": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-cancel": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-invite": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-outcome": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:workshop-calendar": {"GET": PROJECT_VIEW},
    "stakeholders:feedback-round-list": {"GET": PROJECT_VIEW},
    "stakeholders:feedback-round-create": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "stakeholders:product-feedback": {"GET": PROJECT_VIEW, "POST": PROJECT_MANAGE},
    "stakeholders:intake-key-revoke": {"POST": PROJECT_MANAGE},
    "stakeholders:feedback-round-detail": {"GET": PROJECT_VIEW},
    "stakeholders:feedback-round-open": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:feedback-round-close": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:feedback-round-summary": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:feedback-results-csv": {"GET": PROJECT_VIEW},
    "stakeholders:feedback-invite-revoke": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders:feedback-form": {"GET": PUBLIC, "POST": PUBLIC},  # the personal link
    "stakeholders:feedback-thanks": {"GET": PUBLIC},
    # --- models_registry pages: the catalogue and its vendors -----------------------------
    "models_registry:catalogue-list": {"GET": CURRENT_ORG_VIEW},
    "models_registry:catalogue-create": {
        "GET": CURRENT_CATALOGUE_MANAGE,
        "POST": CURRENT_CATALOGUE_MANAGE,
    },
    "models_registry:catalogue-import": {"POST": CURRENT_CATALOGUE_MANAGE},
    "models_registry:catalogue-export": {"GET": CURRENT_ORG_VIEW},
    "models_registry:catalogue-settings": {
        "GET": CURRENT_CATALOGUE_MANAGE,
        "POST": CURRENT_CATALOGUE_MANAGE,
    },
    "models_registry:catalogue-currency": {"POST": CURRENT_ORG_MANAGE},
    "models_registry:catalogue-detail": {"GET": ORG_VIEW},
    "models_registry:catalogue-edit": {"GET": CATALOGUE_MANAGE, "POST": CATALOGUE_MANAGE},
    "models_registry:catalogue-delete": {"POST": CATALOGUE_MANAGE},
    "models_registry:vendor-list": {"GET": CURRENT_ORG_VIEW},
    "models_registry:vendor-create": {
        "GET": CURRENT_CATALOGUE_MANAGE,
        "POST": CURRENT_CATALOGUE_MANAGE,
    },
    "models_registry:vendor-detail": {"GET": ORG_VIEW},
    "models_registry:vendor-edit": {"GET": CATALOGUE_MANAGE, "POST": CATALOGUE_MANAGE},
    "models_registry:vendor-assess": {"POST": VENDOR_ASSESS},
    # --- compliance pages -------------------------------------------------------------------
    "compliance:audit-trail": {"GET": SIGNED_IN},  # as much of the trail as one may read
    # --- accounts API -----------------------------------------------------------------------
    "accounts-api:me": {"GET": SIGNED_IN, "PATCH": SIGNED_IN},
    "accounts-api:organization-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts-api:organization-detail": {"GET": ORG_VIEW, "PATCH": ORG_MANAGE},
    "accounts-api:organization-member-list": {"GET": ORG_VIEW},
    "accounts-api:organization-member-detail": {
        "GET": ORG_VIEW,
        "PATCH": ORG_MANAGE,
        "DELETE": ORG_MANAGE,
    },
    "accounts-api:organization-invitation-list": {"GET": ORG_MANAGE, "POST": ORG_MANAGE},
    "accounts-api:organization-invitation-detail": {"GET": ORG_MANAGE},
    "accounts-api:organization-invitation-revoke": {"POST": ORG_MANAGE},
    "accounts-api:token-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts-api:token-detail": {"GET": owned_by("manager"), "DELETE": owned_by("manager")},
    "accounts-api:token-revoke": {"POST": owned_by("manager")},
    # --- projects API -----------------------------------------------------------------------
    "projects-api:project-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "projects-api:project-detail": {
        "GET": PROJECT_VIEW,
        "PUT": PROJECT_MANAGE,
        "PATCH": PROJECT_MANAGE,
    },
    "projects-api:project-member-list": {"GET": PROJECT_VIEW, "POST": PROJECT_MANAGE},
    "projects-api:project-member-detail": {
        "GET": PROJECT_VIEW,
        "PATCH": PROJECT_MANAGE,
        "DELETE": PROJECT_MANAGE,
    },
    "projects-api:organization-proposal-list": {"GET": ORG_VIEW, "POST": ORG_VIEW},
    "projects-api:proposal-detail": {"GET": ORG_VIEW},
    "projects-api:proposal-accept": {"POST": INTAKE_TRIAGE},
    "projects-api:proposal-reject": {"POST": INTAKE_TRIAGE},
    "projects-api:proposal-request-info": {"POST": INTAKE_TRIAGE},
    "projects-api:proposal-resubmit": {"POST": owner_or("org_member", INTAKE_TRIAGE)},
    "projects-api:scope-version-list": VIEW_CONTRIBUTE,
    "projects-api:scope-version-detail": {"GET": PROJECT_VIEW},
    "projects-api:scope-version-approve": {"POST": PROJECT_REVIEW},
    "projects-api:scope-version-comments": {"POST": PROJECT_CONTRIBUTE_OR_REVIEW},
    "projects-api:scope-version-diff": {"GET": PROJECT_VIEW},
    "projects-api:scope-version-request-changes": {"POST": PROJECT_REVIEW},
    "projects-api:scope-version-submit": {"POST": PROJECT_CONTRIBUTE},
    "projects-api:feasibility-study-list": VIEW_CONTRIBUTE,
    "projects-api:feasibility-study-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "projects-api:feasibility-study-sign-off": {"POST": PROJECT_MANAGE},
    "projects-api:risk-list": VIEW_CONTRIBUTE,
    "projects-api:risk-heat-map": {"GET": PROJECT_VIEW},
    "projects-api:risk-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "projects-api:risk-library-list": {"GET": SIGNED_IN},
    "projects-api:project-task-list": {"GET": PROJECT_VIEW, "POST": PROJECT_CONTRIBUTE_OR_REVIEW},
    "projects-api:task-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "projects-api:my-task-list": {"GET": SIGNED_IN},
    "projects-api:gate-request-detail": {"GET": PROJECT_VIEW},
    "projects-api:gate-request-approve": {"POST": GATE_SIGN},
    "projects-api:gate-request-reject": {"POST": GATE_SIGN},
    "projects-api:gate-request-withdraw": {"POST": PROJECT_MANAGE},
    "projects-api:phase-history-list": {"GET": PROJECT_VIEW},
    "projects-api:project-gate": {"GET": PROJECT_VIEW},
    "projects-api:project-gate-request": {"POST": PROJECT_MANAGE},
    "projects-api:project-move-back": {"POST": PROJECT_MANAGE},
    # --- stakeholders API -------------------------------------------------------------------
    "stakeholders-api:intake-feedback": {"POST": INTAKE},
    "stakeholders-api:feedback-round-results-csv": {"GET": PROJECT_VIEW},
    "stakeholders-api:organization-stakeholder-list": {"GET": ORG_VIEW, "POST": ORG_VIEW},
    "stakeholders-api:stakeholder-detail": {"GET": ORG_VIEW, "PATCH": STAKEHOLDER_EDIT},
    "stakeholders-api:project-stakeholder-list": VIEW_CONTRIBUTE,
    "stakeholders-api:project-stakeholder-grid": {"GET": PROJECT_VIEW},
    "stakeholders-api:project-stakeholder-detail": {
        "GET": PROJECT_VIEW,
        "DELETE": PROJECT_CONTRIBUTE,
    },
    "stakeholders-api:project-workshop-list": VIEW_CONTRIBUTE,
    "stakeholders-api:workshop-detail": {"GET": PROJECT_VIEW},
    "stakeholders-api:workshop-cancel": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:workshop-ics": {"GET": PROJECT_VIEW},
    "stakeholders-api:workshop-invite": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:workshop-outcome": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:workshop-reschedule": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:project-feedback-round-list": VIEW_CONTRIBUTE,
    "stakeholders-api:feedback-round-detail": {"GET": PROJECT_VIEW},
    "stakeholders-api:feedback-round-close": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:feedback-round-open": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:feedback-round-outstanding": {"GET": PROJECT_VIEW},
    "stakeholders-api:feedback-round-results": {"GET": PROJECT_VIEW},
    "stakeholders-api:feedback-round-summary": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:feedback-invite-detail": {"GET": PROJECT_VIEW},
    "stakeholders-api:feedback-invite-revoke": {"POST": PROJECT_CONTRIBUTE},
    "stakeholders-api:feedback-trend-list": {"GET": PROJECT_VIEW},
    "stakeholders-api:project-intake-key-list": {"GET": PROJECT_MANAGE, "POST": PROJECT_MANAGE},
    "stakeholders-api:intake-key-detail": {"GET": PROJECT_MANAGE},
    "stakeholders-api:intake-key-revoke": {"POST": PROJECT_MANAGE},
    "stakeholders-api:project-product-feedback-list": {"GET": PROJECT_VIEW},
    "stakeholders-api:project-product-feedback-summary": {"GET": PROJECT_VIEW},
    # --- models registry pages: a project's selection ---------------------------------------
    "models_registry:selection": {"GET": PROJECT_VIEW},
    "models_registry:criterion-create": {"POST": PROJECT_MANAGE},
    "models_registry:criterion-edit": {"POST": PROJECT_MANAGE},
    "models_registry:criterion-delete": {"POST": PROJECT_MANAGE},
    "models_registry:candidate-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:candidate-edit": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:candidate-delete": {"POST": PROJECT_MANAGE},
    "models_registry:workload-edit": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:score-sheet": {
        "GET": PROJECT_CONTRIBUTE_OR_REVIEW,
        "POST": PROJECT_CONTRIBUTE_OR_REVIEW,
    },
    "models_registry:sheet-abstain": {"POST": PROJECT_CONTRIBUTE_OR_REVIEW},
    "models_registry:matrix": {"GET": MATRIX_VIEW},
    "models_registry:decision-new": {"GET": PROJECT_MANAGE, "POST": PROJECT_MANAGE},
    "models_registry:decision-detail": {"GET": PROJECT_VIEW},
    "models_registry:decision-sign": {"POST": COMPLIANCE_SIGNOFF},
    "models_registry:adapt": {"GET": PROJECT_VIEW},
    "models_registry:base-version-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:version-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:prompt-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:prompt-detail": VIEW_CONTRIBUTE,
    "models_registry:dataset-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:run-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:evaluation-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:evaluation-detail": {"GET": PROJECT_VIEW},
    "models_registry:model-card": {"GET": PROJECT_VIEW},
    "compliance:bias-audits": {"GET": PROJECT_VIEW},
    "compliance:bias-audit-new": {"POST": CLASSIFY},
    "compliance:bias-audit-ad-hoc": {"POST": CLASSIFY},
    "compliance:bias-audit-conduct": {"POST": CLASSIFY},
    "compliance:bias-audit-sign": {"POST": COMPLIANCE_SIGNOFF},
    "compliance-api:bias-audit-list": {"GET": PROJECT_VIEW, "POST": CLASSIFY},
    "compliance-api:bias-audit-detail": {"GET": PROJECT_VIEW},
    "compliance-api:bias-audit-ad-hoc": {"POST": CLASSIFY},
    "compliance-api:bias-audit-conduct": {"POST": CLASSIFY},
    "compliance-api:bias-audit-sign-off": {"POST": COMPLIANCE_SIGNOFF},
    "models_registry:feedback-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:feedback-triage": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:user-test-create": {"POST": PROJECT_CONTRIBUTE},
    "models_registry:model-card-markdown": {"GET": PROJECT_VIEW},
    "models_registry:model-card-pdf": {"GET": PROJECT_VIEW},
    # --- models registry API: a project's selection -----------------------------------------
    "models-registry-api:criterion-list": {"GET": PROJECT_VIEW, "POST": PROJECT_MANAGE},
    "models-registry-api:criterion-detail": {
        "GET": PROJECT_VIEW,
        "PATCH": PROJECT_MANAGE,
        "DELETE": PROJECT_MANAGE,
    },
    "models-registry-api:candidate-list": VIEW_CONTRIBUTE,
    "models-registry-api:candidate-detail": {
        "GET": PROJECT_VIEW,
        "PATCH": PROJECT_CONTRIBUTE,
        "DELETE": PROJECT_MANAGE,
    },
    "models-registry-api:workload": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "models-registry-api:sheets": {"GET": PROJECT_VIEW},
    "models-registry-api:matrix": {"GET": MATRIX_VIEW},
    "models-registry-api:my-sheet": {
        "GET": PROJECT_CONTRIBUTE_OR_REVIEW,
        "POST": PROJECT_CONTRIBUTE_OR_REVIEW,
    },
    "models-registry-api:my-sheet-submit": {"POST": PROJECT_CONTRIBUTE_OR_REVIEW},
    "models-registry-api:my-sheet-abstain": {"POST": PROJECT_CONTRIBUTE_OR_REVIEW},
    "models-registry-api:decision-list": {"GET": PROJECT_VIEW, "POST": PROJECT_MANAGE},
    "models-registry-api:decision-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:decision-sign": {"POST": COMPLIANCE_SIGNOFF},
    # --- models registry API: a project's Adapt & align record ---------------------------------
    "models-registry-api:model-version-list": VIEW_CONTRIBUTE,
    "models-registry-api:model-version-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:prompt-list": VIEW_CONTRIBUTE,
    "models-registry-api:prompt-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:prompt-versions": {"POST": PROJECT_CONTRIBUTE},
    "models-registry-api:prompt-diff": {"GET": PROJECT_VIEW},
    "models-registry-api:dataset-list": VIEW_CONTRIBUTE,
    "models-registry-api:dataset-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "models-registry-api:fine-tune-run-list": VIEW_CONTRIBUTE,
    "models-registry-api:fine-tune-run-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "models-registry-api:evaluation-list": VIEW_CONTRIBUTE,
    "models-registry-api:evaluation-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:adapt-criteria": {"GET": PROJECT_VIEW},
    "models-registry-api:bias-check-list": VIEW_CONTRIBUTE,
    "models-registry-api:bias-check-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:bias-check-review": {"POST": CHECK_REVIEW},
    "models-registry-api:human-feedback-list": VIEW_CONTRIBUTE,
    "models-registry-api:human-feedback-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:human-feedback-triage": {"POST": PROJECT_CONTRIBUTE},
    "models-registry-api:human-feedback-addressed": {"POST": PROJECT_CONTRIBUTE},
    "models-registry-api:user-test-list": VIEW_CONTRIBUTE,
    "models-registry-api:user-test-detail": {"GET": PROJECT_VIEW},
    # --- models registry API: a project's Integrate & operate record ---------------------------
    "models-registry-api:ab-test-list": VIEW_CONTRIBUTE,
    "models-registry-api:ab-test-detail": {"GET": PROJECT_VIEW},
    "models-registry-api:ab-test-start": {"POST": PROJECT_CONTRIBUTE},
    "models-registry-api:ab-test-results": {"POST": PROJECT_CONTRIBUTE},
    "models-registry-api:ab-test-finish": {"POST": PROJECT_CONTRIBUTE},
    # --- models_registry API: the catalogue and its vendors -------------------------------
    "models-registry-api:catalogue-model-list": {"GET": ORG_VIEW, "POST": CATALOGUE_MANAGE},
    "models-registry-api:catalogue-model-detail": {
        "GET": ORG_VIEW,
        "PATCH": CATALOGUE_MANAGE,
        "DELETE": CATALOGUE_MANAGE,
    },
    "models-registry-api:catalogue-model-import": {"POST": CATALOGUE_MANAGE},
    "models-registry-api:catalogue-model-import-starter": {"POST": CATALOGUE_MANAGE},
    "models-registry-api:catalogue-model-export": {"GET": ORG_VIEW},
    "models-registry-api:vendor-list": {"GET": ORG_VIEW, "POST": CATALOGUE_MANAGE},
    "models-registry-api:vendor-detail": {"GET": ORG_VIEW, "PATCH": CATALOGUE_MANAGE},
    "models-registry-api:vendor-assessment-list": {"GET": ORG_VIEW, "POST": VENDOR_ASSESS},
    "models-registry-api:exchange-rate-list": {"GET": ORG_VIEW, "POST": CATALOGUE_MANAGE},
    # --- compliance pages: a project's classification and checks ---------------------------
    "compliance:project-compliance": {"GET": PROJECT_VIEW},
    "compliance:workspace": {"GET": CURRENT_ORG_VIEW},
    "compliance:org-checks": {"GET": CURRENT_ORG_VIEW},
    "compliance:classify": {"GET": CLASSIFY, "POST": CLASSIFY},
    "compliance:classification-confirm": {"POST": COMPLIANCE_SIGNOFF},
    "compliance:check-detail": VIEW_CONTRIBUTE,
    "compliance:check-submit": {"POST": PROJECT_CONTRIBUTE},
    "compliance:check-review": {"POST": CHECK_REVIEW},
    # --- compliance API ---------------------------------------------------------------------
    "compliance-api:classification-questionnaire-list": {"GET": SIGNED_IN},
    "compliance-api:classification-list": {"GET": PROJECT_VIEW, "POST": CLASSIFY},
    "compliance-api:classification-detail": {"GET": PROJECT_VIEW},
    "compliance-api:classification-confirm": {"POST": COMPLIANCE_SIGNOFF},
    "compliance-api:compliance-check-list": {"GET": PROJECT_VIEW},
    "compliance-api:compliance-check-detail": {"GET": PROJECT_VIEW, "PATCH": PROJECT_CONTRIBUTE},
    "compliance-api:compliance-check-submit": {"POST": PROJECT_CONTRIBUTE},
    "compliance-api:compliance-check-review": {"POST": CHECK_REVIEW},
    "compliance-api:audit-event-list": {"GET": SIGNED_IN},  # as much as one may read
    "compliance-api:audit-event-detail": {"GET": PROJECT_VIEW},  # an event of the project
    # --- evidence and the AI-literacy register ----------------------------------------------
    "compliance:evidence-list": {"GET": PROJECT_VIEW},
    "compliance:evidence-add": {"GET": PROJECT_CONTRIBUTE, "POST": PROJECT_CONTRIBUTE},
    "compliance:evidence-detail": {"GET": PROJECT_VIEW},
    "compliance:evidence-judge": {"POST": CHECK_REVIEW},  # the world's evidence: nobody's own
    "compliance:evidence-download": {"GET": PROJECT_VIEW},
    "compliance:check-evidence-attach": {"POST": PROJECT_CONTRIBUTE},
    "compliance:check-evidence-detach": {"POST": PROJECT_CONTRIBUTE},
    "compliance:training-list": {"GET": CURRENT_ORG_VIEW, "POST": CURRENT_LITERACY_MANAGE},
    "compliance:training-edit": {"GET": LITERACY_MANAGE, "POST": LITERACY_MANAGE},
    "compliance:training-delete": {"POST": LITERACY_MANAGE},
    "compliance-api:evidence-list": {"GET": PROJECT_VIEW, "POST": PROJECT_CONTRIBUTE},
    "compliance-api:evidence-detail": {"GET": PROJECT_VIEW},
    "compliance-api:evidence-judge": {"POST": CHECK_REVIEW},
    "compliance-api:evidence-attach": {"POST": PROJECT_CONTRIBUTE},
    "compliance-api:evidence-detach": {"POST": PROJECT_CONTRIBUTE},
    "compliance-api:evidence-download": {"GET": PROJECT_VIEW},
    "compliance-api:training-record-list": {"GET": ORG_VIEW, "POST": LITERACY_MANAGE},
    "compliance-api:training-record-detail": {
        "GET": LITERACY_MANAGE,
        "PATCH": LITERACY_MANAGE,
        "DELETE": LITERACY_MANAGE,
    },
    # --- the framework catalogue (global, read by everyone signed in) and following ------
    "compliance:catalogue": {"GET": SIGNED_IN},
    "compliance:framework-detail": {"GET": SIGNED_IN},
    "compliance:requirement-detail": {"GET": SIGNED_IN},
    "compliance:framework-follow": {"POST": CURRENT_COMPLIANCE_MANAGE},
    "compliance-api:framework-list": {"GET": SIGNED_IN},
    "compliance-api:framework-detail": {"GET": SIGNED_IN},
    "compliance-api:requirement-list": {"GET": SIGNED_IN},
    "compliance-api:requirement-detail": {"GET": SIGNED_IN},
    "compliance-api:followed-framework-list": {"GET": ORG_VIEW, "POST": COMPLIANCE_MANAGE},
    "compliance-api:followed-framework-detail": {"DELETE": COMPLIANCE_MANAGE},
}

# HTML pages that list rows (API lists are found by their DRF "-list" names): each needs a
# data builder in tests/matrix/test_list_queries.py.
HTML_LISTS = {
    "projects:project-list",
    "projects:my-work",
    "projects:proposal-list",
    "projects:risk-register",
    "projects:feasibility-list",
    "projects:project-tasks",
    "accounts:member-list",
    "accounts:token-list",
    "stakeholders:stakeholder-list",
    "stakeholders:project-stakeholders",
    "stakeholders:workshop-list",
    "stakeholders:feedback-round-list",
    "stakeholders:product-feedback",
    "projects:project-audit",
    "compliance:audit-trail",
    "models_registry:selection",
    "models_registry:catalogue-list",
    "models_registry:catalogue-settings",
    "models_registry:vendor-list",
    "models_registry:vendor-detail",
    "compliance:project-compliance",
    "compliance:org-checks",
    "compliance:evidence-list",
    "compliance:training-list",
    "compliance:catalogue",
    "compliance:framework-detail",
}

# --- URL kwargs ---------------------------------------------------------------------------------

# URL kwarg → the world object (tests/matrix/world.py) it names.
KWARGS: dict[str, str] = {
    "org_id": "org",
    "organization_id": "org",
    "project_id": "project",
    "risk_id": "risk",
    "task_id": "task",
    "version_id": "scope_version",
    "study_id": "study",
    "request_id": "gate_request",
    "stakeholder_id": "stakeholder",
    "link_id": "stakeholder_link",
    "workshop_id": "workshop",
    "round_id": "feedback_round",
    "invite_id": "invite",
    "key_id": "intake_key",
    "proposal_id": "proposal",
    "invitation_id": "invitation",
    "membership_id": "membership",
    "token_id": "token",
    "secret": "invitation_secret",
    "token": "feedback_token",
    "criterion_id": "criterion",
    "candidate_id": "candidate",
    "decision_id": "decision",
    "classification_id": "classification",
    "check_id": "compliance_check",
    "model_id": "catalogue_model",
    "vendor_id": "vendor",
    "template_id": "prompt",
    "audit_id": "bias_audit",
    "feedback_id": "human_feedback",
    "evaluation_id": "evaluation",
    "evidence_id": "evidence",
    "record_id": "training_record",
    "framework_id": "framework",
    "requirement_id": "requirement",
}
# The API's `pk`, by the longest route-name prefix it starts with.
PK_BY_PREFIX: dict[str, str] = {
    "accounts-api:organization-": "org",
    "accounts-api:organization-member-": "membership",
    "accounts-api:organization-invitation-": "invitation",
    "accounts-api:token-": "token",
    "projects-api:project-": "project",
    "projects-api:project-member-": "project_membership",
    "projects-api:proposal-": "proposal",
    "projects-api:scope-version-": "scope_version",
    "projects-api:feasibility-study-": "study",
    "projects-api:risk-": "risk",
    "projects-api:task-": "task",
    "projects-api:gate-request-": "gate_request",
    "stakeholders-api:feedback-round-": "feedback_round",
    "stakeholders-api:stakeholder-": "stakeholder",
    "stakeholders-api:project-stakeholder-": "stakeholder_link",
    "stakeholders-api:workshop-": "workshop",
    "stakeholders-api:feedback-invite-": "invite",
    "stakeholders-api:intake-key-": "intake_key",
    "compliance-api:audit-event-": "audit_event",
    "compliance-api:classification-": "classification",
    "compliance-api:compliance-check-": "compliance_check",
    "models-registry-api:criterion-": "criterion",
    "models-registry-api:candidate-": "candidate",
    "models-registry-api:decision-": "decision",
    "models-registry-api:model-version-": "model_version",
    "models-registry-api:prompt-": "prompt",
    "models-registry-api:dataset-": "dataset",
    "models-registry-api:fine-tune-run-": "fine_tune_run",
    "models-registry-api:evaluation-": "evaluation",
    "models-registry-api:bias-check-": "bias_check",
    "models-registry-api:human-feedback-": "human_feedback",
    "models-registry-api:user-test-": "user_test",
    "models-registry-api:ab-test-": "ab_test",
    "models-registry-api:catalogue-model-": "catalogue_model",
    "models-registry-api:vendor-": "vendor",
    "compliance-api:evidence-": "evidence",
    "compliance-api:bias-audit-": "bias_audit",
    "compliance-api:training-record-": "training_record",
    "compliance-api:framework-": "framework",
    "compliance-api:requirement-": "requirement",
    "compliance-api:followed-framework-": "framework",
}
# Per-route kwargs that are not objects, or name another object than the default.
OVERRIDES: dict[str, dict[str, str]] = {
    "models_registry:model-card": {"version_id": "model_version"},
    "models_registry:model-card-markdown": {"version_id": "model_version"},
    "models_registry:model-card-pdf": {"version_id": "model_version"},
    "projects:project-member-role": {"membership_id": "project_membership"},
    "projects:project-member-remove": {"membership_id": "project_membership"},
    "projects:scope-version-action": {"action": "=approve"},
    "projects:gate-decide": {"decision": "=approve"},
    "accounts:password-reset-confirm": {"uidb64": "manager_uidb64", "token": "=set-password"},
}


def _capacity(role: str) -> str:
    return "compliance" if role == "compliance_officer" else "manager"


# Request bodies, (world objects, role name) → body, where an empty one would not reach the
# check the rule is about; every other write is sent with an empty body.
Body = Callable[[dict[str, Any], str], dict[str, Any]]
BODIES: dict[tuple[str, str], Body] = {
    ("accounts:organization-switch", "POST"): lambda o, role: {"organization": str(o["org"].pk)},
    ("projects:gate-decide", "POST"): lambda o, role: {"capacity": _capacity(role)},
    ("projects-api:gate-request-approve", "POST"): lambda o, role: {"capacity": _capacity(role)},
    ("projects-api:gate-request-reject", "POST"): lambda o, role: {
        "capacity": _capacity(role),
        "comment": "Not yet.",
    },
    ("models_registry:decision-sign", "POST"): lambda o, role: {"verdict": "approve"},
    ("models-registry-api:decision-sign", "POST"): lambda o, role: {"verdict": "approve"},
}


def _object_key(route: Route, kwarg: str) -> str:
    if kwarg in OVERRIDES.get(route.name, {}):
        return OVERRIDES[route.name][kwarg]
    if kwarg == "pk":
        prefixes = [p for p in PK_BY_PREFIX if route.name.startswith(p)]
        assert prefixes, f"{route.name}: say which world object its pk is in PK_BY_PREFIX"
        return PK_BY_PREFIX[max(prefixes, key=len)]
    assert kwarg in KWARGS, f"{route.name}: say which world object {kwarg!r} is in KWARGS"
    return KWARGS[kwarg]


def url_of(world: World, route: Route) -> str:
    """The route's URL, its kwargs filled from the world."""
    kwargs = {}
    for kwarg in route.kwargs:
        key = _object_key(route, kwarg)
        value = key[1:] if key.startswith("=") else world.objects[key]
        kwargs[kwarg] = str(getattr(value, "pk", value))
    return reverse(route.name, kwargs=kwargs)
