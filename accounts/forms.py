"""Forms of the accounts pages. They parse and validate input; services do the writing."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import OrganizationMembership, TokenScope, User
from core.timezones import time_zone_choices

ROLE_CHOICES = OrganizationMembership.Role.choices


class SignInForm(AuthenticationForm):
    """Email and password; addresses are stored lower-case, so "Ada@X.org" signs in too."""

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organisation name")


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=OrganizationMembership.Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False)
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Times across Charter are shown in this zone.",
    )


class AcceptInvitationForm(forms.Form):
    """A new account for the invited address: name and password, checked by the validators."""

    full_name = forms.CharField(max_length=150, label="Full name")
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            # A throw-away user lets the similarity validator compare with the name and email.
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(data["password1"], candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class APITokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Where it is used, e.g. “CI pipeline”.")
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=settings.API_TOKEN_MAX_TTL_DAYS,
        initial=settings.API_TOKEN_DEFAULT_TTL_DAYS,
        label="Expires in (days)",
    )
    scopes = forms.MultipleChoiceField(
        choices=[choice for choice in TokenScope.choices if choice[0] != TokenScope.READ],
        required=False,
        initial=[TokenScope.WRITE.value],
        widget=forms.CheckboxSelectMultiple,
        label="Beyond reading",
        help_text="Every token reads what you may read; grant only what its client needs.",
    )


class ServiceAccountForm(forms.Form):
    name = forms.CharField(max_length=150, help_text="What it is for, e.g. “CI pipeline”.")
    role = forms.ChoiceField(
        choices=[
            (OrganizationMembership.Role.MEMBER.value, OrganizationMembership.Role.MEMBER.label),
            (
                OrganizationMembership.Role.COMPLIANCE_OFFICER.value,
                OrganizationMembership.Role.COMPLIANCE_OFFICER.label,
            ),
        ],
        initial=OrganizationMembership.Role.MEMBER.value,
        help_text="Add it to projects from their members page, as you would a person.",
    )


class TwoFactorCodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        max_length=32,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EndSessionsForm(forms.Form):
    """Sign out everywhere else; revoking the API tokens too is a separate choice."""

    revoke_api_tokens = forms.BooleanField(required=False, label="Also revoke all my API tokens")
