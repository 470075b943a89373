"""The audit actions stakeholders records (registered with audit in StakeholdersConfig.ready)."""

from django.db import models


class StakeholdersAction(models.TextChoices):
    STAKEHOLDER_CREATED = "stakeholder.created"
    STAKEHOLDER_UPDATED = "stakeholder.updated"
    PROJECT_STAKEHOLDER_CREATED = "project_stakeholder.created"
    PROJECT_STAKEHOLDER_REMOVED = "project_stakeholder.removed"
    WORKSHOP_SCHEDULED = "workshop.scheduled"
    WORKSHOP_INVITED = "workshop.invited"
    WORKSHOP_RESCHEDULED = "workshop.rescheduled"
    WORKSHOP_CANCELLED = "workshop.cancelled"
    WORKSHOP_HELD = "workshop.held"
    WORKSHOP_INVITATION_SENT = "workshop_invitation.sent"
    FEEDBACK_ROUND_CREATED = "feedback_round.created"
    FEEDBACK_ROUND_OPENED = "feedback_round.opened"
    FEEDBACK_ROUND_CLOSED = "feedback_round.closed"
    FEEDBACK_ROUND_SUMMARY_PUBLISHED = "feedback_round.summary_published"
    FEEDBACK_ROUND_SUMMARY_SENT = "feedback_round.summary_sent"
    FEEDBACK_INVITE_SENT = "feedback_invite.sent"
    FEEDBACK_INVITE_REVOKED = "feedback_invite.revoked"
    FEEDBACK_RESPONSE_SUBMITTED = "feedback_response.submitted"
    FEEDBACK_RESPONSE_EDITED = "feedback_response.edited"
    INTAKE_KEY_CREATED = "intake_key.created"
    INTAKE_KEY_REVOKED = "intake_key.revoked"
    PRODUCT_FEEDBACK_RECEIVED = "product_feedback.received"
