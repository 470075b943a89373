"""Every state change of stakeholders, workshops, feedback rounds and product feedback."""

from stakeholders.services.consent import (
    consent_needed,
    consent_policy_current,
    consent_policy_publish,
    consent_withdraw,
    consent_withdraw_on_request,
    stakeholder_for_withdrawal_token,
)
from stakeholders.services.feedback import (
    feedback_invite_revoke,
    feedback_round_close,
    feedback_round_create,
    feedback_round_open,
    feedback_round_publish_summary,
    feedback_rounds_close_due,
    feedback_submit,
    invite_for_token,
)
from stakeholders.services.intake import (
    intake_key_create,
    intake_key_for,
    intake_key_revoke,
    product_feedback_receive,
)
from stakeholders.services.registry import (
    stakeholder_create,
    stakeholder_create_on_project,
    stakeholder_link,
    stakeholder_unlink,
    stakeholder_update,
)
from stakeholders.services.workshops import (
    workshop_cancel,
    workshop_invite,
    workshop_record_outcome,
    workshop_reschedule,
    workshop_schedule,
)

__all__ = [
    "consent_needed",
    "consent_policy_current",
    "consent_policy_publish",
    "consent_withdraw",
    "consent_withdraw_on_request",
    "feedback_invite_revoke",
    "feedback_round_close",
    "feedback_round_create",
    "feedback_round_open",
    "feedback_round_publish_summary",
    "feedback_rounds_close_due",
    "feedback_submit",
    "intake_key_create",
    "intake_key_for",
    "intake_key_revoke",
    "invite_for_token",
    "product_feedback_receive",
    "stakeholder_create",
    "stakeholder_create_on_project",
    "stakeholder_for_withdrawal_token",
    "stakeholder_link",
    "stakeholder_unlink",
    "stakeholder_update",
    "workshop_cancel",
    "workshop_invite",
    "workshop_record_outcome",
    "workshop_reschedule",
    "workshop_schedule",
]
