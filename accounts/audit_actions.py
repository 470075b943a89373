# ruff: noqa: S105  (action names such as "user.password_changed" are no secrets)
"""The audit actions accounts records (registered with audit in AccountsConfig.ready)."""

from django.db import models


class AccountsAction(models.TextChoices):
    USER_REGISTERED = "user.registered"
    USER_SIGN_IN_LOCKED_OUT = "user.sign_in_locked_out"
    USER_PROFILE_UPDATED = "user.profile_updated"
    USER_SIGNED_IN = "user.signed_in"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_TWO_FACTOR_ENROLMENT_STARTED = "user.two_factor_enrolment_started"
    USER_TWO_FACTOR_ENABLED = "user.two_factor_enabled"
    USER_TWO_FACTOR_RECOVERY_CODES_REPLACED = "user.two_factor_recovery_codes_replaced"
    USER_TWO_FACTOR_DISABLED = "user.two_factor_disabled"
    USER_SESSIONS_ENDED = "user.sessions_ended"
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_RENAMED = "organization.renamed"
    ORGANIZATION_SETTINGS_CHANGED = "organization.settings_changed"
    ORGANIZATION_MEMBERSHIP_CREATED = "organization_membership.created"
    ORGANIZATION_MEMBERSHIP_ROLE_CHANGED = "organization_membership.role_changed"
    ORGANIZATION_MEMBERSHIP_REMOVED = "organization_membership.removed"
    INVITATION_CREATED = "invitation.created"
    INVITATION_SENT = "invitation.sent"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_REVOKED = "invitation.revoked"
    INVITATION_EXPIRED = "invitation.expired"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    SERVICE_ACCOUNT_CREATED = "service_account.created"
    SERVICE_ACCOUNT_DEACTIVATED = "service_account.deactivated"
