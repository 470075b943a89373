from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/login/code/", views.sign_in_code, name="sign-in-code"),
    path("oidc/authenticate/", views.OIDCSignInView.as_view(), name="oidc-sign-in"),
    path("oidc/callback/", views.OIDCCallbackView.as_view(), name="oidc-callback"),
    path("accounts/two-factor/", views.two_factor_page, name="two-factor"),
    path("accounts/two-factor/start/", views.two_factor_start, name="two-factor-start"),
    path("accounts/two-factor/confirm/", views.two_factor_confirm, name="two-factor-confirm"),
    path(
        "accounts/two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/sessions/end-others/",
        views.sessions_end_others,
        name="sessions-end-others",
    ),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "accounts/password/reset/",
        views.PasswordResetView.as_view(),
        name="password-reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password-reset-done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("accounts/tokens/", views.token_list, name="token-list"),
    path("accounts/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/switch/", views.organization_switch, name="organization-switch"),
    path("organizations/<uuid:org_id>/members/", views.member_list, name="member-list"),
    path(
        "organizations/<uuid:org_id>/two-factor-policy/",
        views.organization_two_factor_policy,
        name="organization-two-factor-policy",
    ),
    path(
        "organizations/<uuid:org_id>/invitations/",
        views.invitation_create,
        name="invitation-create",
    ),
    path(
        "organizations/<uuid:org_id>/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "organizations/<uuid:org_id>/members/<uuid:membership_id>/role/",
        views.member_change_role,
        name="member-role",
    ),
    path(
        "organizations/<uuid:org_id>/members/<uuid:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "organizations/<uuid:org_id>/service-accounts/",
        views.service_account_page,
        name="service-account-list",
    ),
    path(
        "organizations/<uuid:org_id>/service-accounts/<uuid:account_id>/tokens/",
        views.service_account_token_create,
        name="service-account-token-create",
    ),
    path(
        "organizations/<uuid:org_id>/service-accounts/<uuid:account_id>/tokens/<uuid:token_id>/revoke/",
        views.service_account_token_revoke,
        name="service-account-token-revoke",
    ),
    path(
        "organizations/<uuid:org_id>/service-accounts/<uuid:account_id>/deactivate/",
        views.service_account_deactivate,
        name="service-account-deactivate",
    ),
    path("invitations/<str:secret>/", views.invitation_accept, name="invitation-accept"),
]
