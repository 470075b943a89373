"""Forms of the accounts pages. They parse and validate input; services do the writing."""

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation

from accounts.models import OrganizationMembership

ROLE_CHOICES = OrganizationMembership.Role.choices
TIME_ZONES = sorted(available_timezones())


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organisation name")


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=OrganizationMembership.Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False)
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES])


class AcceptInvitationForm(forms.Form):
    """A new account for the invited address: name and password."""

    full_name = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
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
