"""HTML pages of accounts: sign-in, passwords, profile, organisations, members, invitations,
API tokens. Views are thin: they parse, call a selector or service, and render."""

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import oidc, selectors, service_accounts, services, two_factor
from accounts.forms import (
    AcceptInvitationForm,
    APITokenForm,
    EndSessionsForm,
    InvitationForm,
    MembershipRoleForm,
    OrganizationForm,
    ProfileForm,
    ServiceAccountForm,
    SignInForm,
    TwoFactorCodeForm,
)
from accounts.models import APIToken, Invitation, Organization, User
from accounts.permissions import Perm, can_map
from accounts.types import AuthenticatedRequest
from core.clientip import client_address
from core.forms import add_service_errors, choice_field
from core.htmx import render_htmx

# The plain secret of a token just created waits here for the one page view that shows it
# (post/redirect/get), so reloading that page neither shows it again nor makes a new token.
SESSION_NEW_TOKEN_KEY = "charter_new_api_token"  # noqa: S105
SERVICE_ACCOUNT_FORM_IDS = "service-account-%s"

# --- sign in and passwords ---------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Email and password; a successful sign-in goes on the audit trail. A user with
    two-factor sign-in goes on to the code page, signed in only once the code matches."""

    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "sso_enabled": oidc.enabled()}

    def form_valid(self, form: Any) -> HttpResponse:
        return finish_first_step(self.request, form.get_user(), self.get_success_url())


def finish_first_step(
    request: HttpRequest, user: User, target: str, *, via: str | None = None
) -> HttpResponse:
    """After the password (or the single sign-on provider): on to the code page for a user
    with two-factor sign-in, else signed in (audited) and on to `target`."""
    if two_factor.has_device(user):
        request.session[two_factor.PENDING_KEY] = {
            "user": str(user.pk),
            "at": int(time.time()),
            "next": target,
            "via": via,
        }
        return redirect("accounts:sign-in-code")
    # Instead of LoginView's own login(): the service signs in and audits atomically.
    services.user_sign_in(request=request, user=user, data={"via": via} if via else None)
    return _after_sign_in(request, user, target)


def _after_sign_in(request: HttpRequest, user: User, target: str) -> HttpResponse:
    # Decided once per sign-in, so that the middleware needs no query on each request.
    if two_factor.enrolment_required(user):
        request.session[two_factor.ENROLMENT_REQUIRED_KEY] = True
        messages.info(request, "Your organisation requires two-factor sign-in: set it up now.")
        return redirect("accounts:two-factor")
    return HttpResponseRedirect(target)


def _pending_user(request: HttpRequest) -> tuple[User, str, str | None] | None:
    """Who passed the password step in this session a moment ago, and where they go next."""
    pending = request.session.get(two_factor.PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - int(pending.get("at", 0)) > two_factor.PENDING_TTL_SECONDS:
        return None
    try:
        user = User.objects.filter(pk=str(pending.get("user")), is_active=True).first()
    except ValidationError:  # not an id (the session is ours, but never 500)
        return None
    if user is None:
        return None
    target = str(pending.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    via = pending.get("via")
    return user, target, str(via) if via else None


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a recovery code.
    Wrong codes count as failed sign-ins (django-axes), so the same lockout applies."""
    found = _pending_user(request)
    if found is None:
        request.session.pop(two_factor.PENDING_KEY, None)
        messages.info(request, "Sign in again, please.")
        return redirect("accounts:login")
    user, target, via = found
    credentials = {"username": user.email}
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, None, credentials)
        if form.is_valid() and two_factor.user_sign_in_with_code(
            request=request, user=user, code=form.cleaned_data["code"], via=via
        ):
            request.session.pop(two_factor.PENDING_KEY, None)
            return _after_sign_in(request, user, target)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if form.is_valid():
            form.add_error("code", two_factor.WRONG_CODE)
    status = 400 if request.method == "POST" else 200
    response = render(request, "registration/sign_in_code.html", {"form": form}, status=status)
    response["Cache-Control"] = "no-store"
    return response


# --- two-factor sign-in: enrolment, recovery codes, disabling -------------------------------


@login_required
@require_http_methods(["GET"])
def two_factor_page(request: AuthenticatedRequest) -> HttpResponse:
    """Whether two-factor sign-in is on; set it up (secret and QR code), new recovery codes,
    turn it off. Fresh recovery codes are shown here once, right after they are made."""
    user = request.user
    enrolled = two_factor.has_device(user)
    device = None if enrolled else two_factor.pending_device(user)
    context = {
        "enrolled": enrolled,
        "required": two_factor.required_by_policy(user),
        "provisioning": two_factor.provisioning(device) if device is not None else None,
        "recovery_codes_left": two_factor.recovery_codes_left(user) if enrolled else 0,
        "new_recovery_codes": request.session.pop(two_factor.NEW_RECOVERY_CODES_KEY, None),
        "confirm_form": TwoFactorCodeForm(prefix="confirm"),
        "recovery_form": TwoFactorCodeForm(prefix="recovery"),
        "disable_form": TwoFactorCodeForm(prefix="disable"),
        "nav": "two-factor",
    }
    response = render(request, "accounts/two_factor.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a secret
    return response


def _two_factor_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect("accounts:two-factor")


@login_required
@require_POST
def two_factor_start(request: AuthenticatedRequest) -> HttpResponse:
    """Make the secret of a new authenticator, shown on the two-factor page."""
    try:
        two_factor.two_factor_enrolment_start(actor=request.user)
    except ValidationError as error:
        return _two_factor_error(request, error)
    return redirect("accounts:two-factor")


@login_required
@require_POST
def two_factor_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-factor sign-in on with the app's first code; this session counts as verified
    and the recovery codes are shown once."""
    form = TwoFactorCodeForm(request.POST, prefix="confirm")
    if not form.is_valid():
        return _two_factor_error(request, ValidationError(two_factor.WRONG_CODE))
    try:
        device, codes = two_factor.two_factor_enrolment_confirm(
            actor=request.user, code=form.cleaned_data["code"]
        )
    except ValidationError as error:
        return _two_factor_error(request, error)
    # Sessions signed in elsewhere before, without a code, have just ended: this one goes on.
    update_session_auth_hash(request, device.user)
    otp_login(request, device)
    request.session.pop(two_factor.ENROLMENT_REQUIRED_KEY, None)
    request.session[two_factor.NEW_RECOVERY_CODES_KEY] = codes
    messages.success(request, "Two-factor sign-in is on. Keep your recovery codes safe.")
    return redirect("accounts:two-factor")


@login_required
@require_POST
def two_factor_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Replace the recovery codes (against a current code); the new ones are shown once."""
    form = TwoFactorCodeForm(request.POST, prefix="recovery")
    if not form.is_valid():
        return _two_factor_error(request, ValidationError(two_factor.WRONG_CODE))
    try:
        codes = two_factor.two_factor_recovery_codes_regenerate(
            actor=request.user, code=form.cleaned_data["code"]
        )
    except ValidationError as error:
        return _two_factor_error(request, error)
    request.session[two_factor.NEW_RECOVERY_CODES_KEY] = codes
    messages.success(request, "New recovery codes made: the old ones no longer work.")
    return redirect("accounts:two-factor")


@login_required
@require_POST
def two_factor_disable(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-factor sign-in off, against a current code."""
    form = TwoFactorCodeForm(request.POST, prefix="disable")
    if not form.is_valid():
        return _two_factor_error(request, ValidationError(two_factor.WRONG_CODE))
    try:
        two_factor.two_factor_disable(actor=request.user, code=form.cleaned_data["code"])
    except ValidationError as error:
        return _two_factor_error(request, error)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts:two-factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password (the old one first); audited without the password."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        # Instead of form.save(): the service saves the password and audits atomically.
        services.user_password_change(actor=form.user, password=form.cleaned_data["new_password1"])
        # Changing the password logs out the user's other sessions, not this one.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "Your password was changed.")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email: the same answer, in the same time, whether or not the
    address has an account (the mail goes out later, from the outbox)."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Instead of form.save(), which looks up the accounts and mails them inside the request.
        services.user_password_reset_request(
            email=form.cleaned_data["email"], client_address=client_address(self.request)
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link's page: choose a new password; audited as a reset."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Instead of form.save(): the service saves the password and audits atomically.
        services.user_password_reset_complete(
            user=form.user, password=form.cleaned_data["new_password1"]
        )
        # The reset token kept in the session is spent (post_reset_login stays off).
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_POST
def sessions_end_others(request: AuthenticatedRequest) -> HttpResponse:
    """Sign out everywhere but here; revoking one's API tokens too is a separate choice."""
    form = EndSessionsForm(request.POST)
    revoke = form.is_valid() and form.cleaned_data["revoke_api_tokens"]
    user = services.user_sessions_end_others(actor=request.user, revoke_api_tokens=revoke)
    update_session_auth_hash(request, user)  # this session goes on
    messages.success(
        request,
        "Signed out everywhere else"
        + (", and your API tokens are revoked." if revoke else ". Your API tokens still work."),
    )
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """One's own name and time zone; signing out everywhere else."""
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "end_sessions_form": EndSessionsForm(), "nav": "profile"}
    return render(request, "accounts/profile.html", context, status=status)


# --- organisations -------------------------------------------------------------------------------


@login_required
@require_POST
def organization_switch(request: AuthenticatedRequest) -> HttpResponse:
    """Remember the organisation chosen in the switcher (404 if not the user's)."""
    org = selectors.organization_get_for_user(
        user=request.user, id=request.POST.get("organization", "")
    )
    request.session[selectors.SESSION_ORG_KEY] = str(org.pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(settings.LOGIN_REDIRECT_URL)  # the home page
    messages.success(request, f"Switched to {org.name}.")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedRequest) -> HttpResponse:
    """Start a new organisation; its creator is its first administrator."""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[selectors.SESSION_ORG_KEY] = str(org.pk)
            messages.success(request, f"{org.name} is ready. Invite your colleagues.")
            return redirect("accounts:member-list", org.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/organization_form.html", {"form": form}, status=status)


def _members_context(
    request: AuthenticatedRequest, org: Organization, **extra: Any
) -> dict[str, Any]:
    return {
        "organization": org,
        "memberships": selectors.membership_list(user=request.user, organization=org),
        "invitations": selectors.invitation_list(user=request.user, organization=org).filter(
            status=Invitation.Status.PENDING
        ),
        "can": can_map(request.user, org),
        "role_choices": choice_field(MembershipRoleForm(), "role").choices,
        "invite_form": extra.pop("invite_form", None) or InvitationForm(),
        "nav": "members",
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def member_list(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """Members of an organisation; administrators also invite and manage roles here."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id)
    return render(request, "accounts/members.html", _members_context(request, org))


@login_required
@require_POST
def invitation_create(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """Invite an email address with a role (administrators); errors stay in the form."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation on its way to {invitation.email}.")
            url = reverse("accounts:member-list", args=[org.pk])
            # htmx would swap a followed redirect into the form; ask for a real navigation.
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = _members_context(request, org, invite_form=form)
    return render_htmx(request, "accounts/members.html", context, partial="invite-form", status=400)


@login_required
@require_POST
def member_change_role(
    request: AuthenticatedRequest, org_id: Any, membership_id: Any
) -> HttpResponse:
    """Give a member another role: the row again for htmx, the page for a plain POST."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    membership = selectors.membership_get_for_user(
        user=request.user, organization=org, id=membership_id
    )
    form = MembershipRoleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            membership = services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Choose a valid role."
    if error:
        if not request.htmx:  # htmx shows the error in the row itself
            messages.error(request, error)
    else:
        role = membership.get_role_display().lower()
        messages.success(request, f"{membership.user.email} is now {role}.")
    if not request.htmx:
        return redirect("accounts:member-list", org.pk)
    context = _members_context(request, org, membership=membership, row_error=error)
    return render(
        request, "accounts/members.html#member-row", context, status=400 if error else 200
    )


@login_required
@require_POST
def organization_two_factor_policy(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """Require, or stop requiring, two-factor sign-in of administrators and compliance
    officers (administrators)."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    required = request.POST.get("required") == "true"
    services.organization_set_require_two_factor(
        actor=request.user, organization=org, required=required
    )
    messages.success(
        request,
        "Two-factor sign-in is now required of administrators and compliance officers."
        if required
        else "Two-factor sign-in is no longer required.",
    )
    return redirect("accounts:member-list", org.pk)


@login_required
@require_POST
def member_remove(request: AuthenticatedRequest, org_id: Any, membership_id: Any) -> HttpResponse:
    """Remove someone from the organisation (never its last administrator)."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    membership = selectors.membership_get_for_user(
        user=request.user, organization=org, id=membership_id
    )
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.display_name} was removed.")
    return redirect("accounts:member-list", org.pk)


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedRequest, org_id: Any, invitation_id: Any
) -> HttpResponse:
    """Withdraw a pending invitation; its link stops working."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    invitation = selectors.visible_object_get(
        user=request.user,
        model=Invitation,
        id=invitation_id,
        queryset=selectors.invitation_list(user=request.user, organization=org),
    )
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("accounts:member-list", org.pk)


# --- invitation acceptance -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """Join an organisation from an emailed link: signed in with the invited address, or by
    creating the account on the spot."""
    invitation = services.invitation_by_secret(secret)
    if invitation is None or not invitation.is_usable:
        # 404 for a link that never existed, 410 for one that did and no longer works.
        return render(
            request, "accounts/invitation_unusable.html", status=410 if invitation else 404
        )
    signed_in = request.user.is_authenticated
    has_account = signed_in or selectors.account_exists(email=invitation.email)
    form = None
    if not has_account:
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    membership = None
    if request.method == "POST":
        try:
            if isinstance(request.user, User):  # signed in: the invitation joins this account
                membership = services.invitation_accept(secret=secret, user=request.user)
            elif form is not None and form.is_valid():
                membership = services.invitation_accept(
                    secret=secret,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as error:
            if form is not None:
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
        if membership is not None:
            request.session[selectors.SESSION_ORG_KEY] = str(membership.organization_id)
            messages.success(request, f"Welcome to {membership.organization.name}.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", context, status=status)


# --- API tokens --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    """One's personal API tokens; a new token's secret is shown once, right after creation."""
    form = APITokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, plain = services.api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_NEW_TOKEN_KEY] = plain
            messages.success(request, f"Token “{form.cleaned_data['name']}” created.")
            return redirect("accounts:token-list")
    context = {
        "tokens": selectors.api_token_list(user=request.user),
        "form": form,
        "plain_token": request.session.pop(SESSION_NEW_TOKEN_KEY, None),
        "nav": "tokens",
    }
    status = 400 if request.method == "POST" else 200
    response = render(request, "accounts/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a secret
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: Any) -> HttpResponse:
    """Revoke one of one's own tokens; anybody else's is a 404."""
    token = selectors.visible_object_get(
        user=request.user,
        model=APIToken,
        id=token_id,
        queryset=selectors.api_token_list(user=request.user),
    )
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:token-list")


# --- service accounts ----------------------------------------------------------------------------


def _service_account_context(
    request: AuthenticatedRequest, org: Organization, **extra: Any
) -> dict[str, Any]:
    accounts = list(service_accounts.service_account_list(organization=org))
    tokens = APIToken.objects.filter(user__in=accounts).order_by("-created_at")
    by_account: dict[Any, list[APIToken]] = {account.pk: [] for account in accounts}
    for token in tokens:
        by_account[token.user_id].append(token)
    return {
        "organization": org,
        # One token form per account, each with ids of its own (labels must find their field).
        "accounts": [
            (
                account,
                service_accounts.service_account_role(account),
                by_account[account.pk],
                APITokenForm(auto_id=f"token-{account.pk}-%s"),
            )
            for account in accounts
        ],
        "form": extra.pop("form", None) or ServiceAccountForm(auto_id=SERVICE_ACCOUNT_FORM_IDS),
        "plain_token": request.session.pop(SESSION_NEW_TOKEN_KEY, None),
        "nav": "members",
        **extra,
    }


def _service_account_response(
    request: AuthenticatedRequest, org: Organization, status: int = 200, **extra: Any
) -> HttpResponse:
    response = render(
        request,
        "accounts/service_accounts.html",
        _service_account_context(request, org, **extra),
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the page may hold a new token's secret
    return response


def _administered_account(request: AuthenticatedRequest, org_id: Any, account_id: Any) -> Any:
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    account = selectors.visible_object_get(
        user=request.user,
        model=User,
        id=account_id,
        queryset=service_accounts.service_account_list(organization=org),
    )
    return org, account


@login_required
@require_http_methods(["GET", "POST"])
def service_account_page(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """The organisation's service accounts and their tokens; administrators create them here."""
    org = selectors.organization_get_for_user(user=request.user, id=org_id, perm=Perm.ORG_MANAGE)
    form = ServiceAccountForm(request.POST or None, auto_id=SERVICE_ACCOUNT_FORM_IDS)
    if request.method == "POST":
        if form.is_valid():
            try:
                account = service_accounts.service_account_create(
                    actor=request.user, organization=org, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Service account “{account.full_name}” created.")
                return redirect("accounts:service-account-list", org.pk)
        return _service_account_response(request, org, status=400, form=form)
    return _service_account_response(request, org)


@login_required
@require_POST
def service_account_token_create(
    request: AuthenticatedRequest, org_id: Any, account_id: Any
) -> HttpResponse:
    """Give a service account a token; its secret is shown once, on the page it returns to."""
    org, account = _administered_account(request, org_id, account_id)
    form = APITokenForm(request.POST)
    if form.is_valid():
        try:
            _, plain = service_accounts.service_account_token_create(
                actor=request.user, account=account, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_NEW_TOKEN_KEY] = plain
            messages.success(request, f"Token created for “{account.full_name}”.")
            return redirect("accounts:service-account-list", org.pk)
    errors = "; ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    messages.error(request, f"No token created: {errors}")
    return _service_account_response(request, org, status=400)


@login_required
@require_POST
def service_account_token_revoke(
    request: AuthenticatedRequest, org_id: Any, account_id: Any, token_id: Any
) -> HttpResponse:
    org, account = _administered_account(request, org_id, account_id)
    token = selectors.visible_object_get(
        user=request.user,
        model=APIToken,
        id=token_id,
        queryset=APIToken.objects.filter(user=account),
    )
    service_accounts.service_account_token_revoke(actor=request.user, account=account, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:service-account-list", org.pk)


@login_required
@require_POST
def service_account_deactivate(
    request: AuthenticatedRequest, org_id: Any, account_id: Any
) -> HttpResponse:
    org, account = _administered_account(request, org_id, account_id)
    service_accounts.service_account_deactivate(actor=request.user, account=account)
    messages.success(request, f"“{account.full_name}” deactivated; its tokens are revoked.")
    return redirect("accounts:service-account-list", org.pk)


# --- single sign-on (OpenID Connect) ---------------------------------------------------------


SSO_OFF = "Single sign-on is not set up here: sign in with your email and password."


class OIDCSignInView(OIDCAuthenticationRequestView):
    """Off to the provider (back to the sign-in page while single sign-on is not set up)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            messages.info(request, SSO_OFF)
            return redirect("accounts:login")
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: Charter's own sign-in (audited, then the two-factor code and
    the organisation's policy as after a password) instead of the library's bare login."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            messages.info(request, SSO_OFF)
            return redirect("accounts:login")
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this session never sent: start again
            messages.error(request, "Single sign-on did not complete. Try again, please.")
            return redirect("accounts:login")

    @property
    def failure_url(self) -> str:
        messages.error(self.request, "Single sign-on did not complete. Try again, please.")
        return reverse("accounts:login")

    def login_success(self) -> HttpResponse:
        return finish_first_step(self.request, self.user, self.success_url, via="oidc")
