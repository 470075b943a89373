from django.urls import path

from stakeholders.views import consent, feedback, product, public, registry, workshops

app_name = "stakeholders"

P = "projects/<uuid:project_id>"
W = f"{P}/workshops/<uuid:workshop_id>"
R = f"{P}/feedback/<uuid:round_id>"

urlpatterns = [
    # the organisation's registry
    path("organizations/stakeholders/", registry.stakeholder_list, name="stakeholder-list"),
    path("organizations/stakeholders/new/", registry.stakeholder_create, name="stakeholder-create"),
    path(
        "organizations/stakeholders/<uuid:stakeholder_id>/",
        registry.stakeholder_edit,
        name="stakeholder-edit",
    ),
    path(
        "organizations/stakeholders/<uuid:stakeholder_id>/consent/withdraw/",
        consent.stakeholder_consent_withdraw,
        name="stakeholder-consent-withdraw",
    ),
    # the organisation's terms of consent (its settings)
    path("organizations/<uuid:org_id>/consent/", consent.consent_policy, name="consent-policy"),
    # a project's stakeholders
    path(f"{P}/stakeholders/", registry.project_stakeholders, name="project-stakeholders"),
    path(f"{P}/stakeholders/link/", registry.stakeholder_link, name="stakeholder-link"),
    path(
        f"{P}/stakeholders/<uuid:link_id>/unlink/",
        registry.stakeholder_unlink,
        name="stakeholder-unlink",
    ),
    # workshops
    path(f"{P}/workshops/", workshops.workshop_list, name="workshop-list"),
    path(f"{P}/workshops/new/", workshops.workshop_schedule, name="workshop-schedule"),
    path(f"{W}/", workshops.workshop_detail, name="workshop-detail"),
    path(f"{W}/reschedule/", workshops.workshop_reschedule, name="workshop-reschedule"),
    path(f"{W}/cancel/", workshops.workshop_cancel, name="workshop-cancel"),
    path(f"{W}/invite/", workshops.workshop_invite, name="workshop-invite"),
    path(f"{W}/outcome/", workshops.workshop_outcome, name="workshop-outcome"),
    path(f"{W}/calendar.ics", workshops.workshop_calendar, name="workshop-calendar"),
    # feedback rounds
    path(f"{P}/feedback/", feedback.feedback_round_list, name="feedback-round-list"),
    path(f"{P}/feedback/new/", feedback.feedback_round_create, name="feedback-round-create"),
    path(f"{P}/feedback/product/", product.product_feedback, name="product-feedback"),
    path(
        f"{P}/feedback/product/keys/<uuid:key_id>/revoke/",
        product.intake_key_revoke,
        name="intake-key-revoke",
    ),
    path(f"{R}/", feedback.feedback_round_detail, name="feedback-round-detail"),
    path(f"{R}/open/", feedback.feedback_round_open, name="feedback-round-open"),
    path(f"{R}/close/", feedback.feedback_round_close, name="feedback-round-close"),
    path(f"{R}/summary/", feedback.feedback_round_summary, name="feedback-round-summary"),
    path(f"{R}/results.csv", feedback.feedback_results_csv, name="feedback-results-csv"),
    path(
        f"{R}/invites/<uuid:invite_id>/revoke/",
        feedback.feedback_invite_revoke,
        name="feedback-invite-revoke",
    ),
    # the public form behind a stakeholder's personal link (no account)
    path("f/<str:token>/", public.feedback_form, name="feedback-form"),
    path("f/<str:token>/thanks/", public.feedback_thanks, name="feedback-thanks"),
    # the consent withdrawal link of every feedback email (no account)
    path("consent/withdraw/<str:token>/", public.consent_withdraw, name="consent-withdraw"),
]
