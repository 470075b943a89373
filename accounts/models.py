"""Users, organisations, memberships and roles, invitations and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.models import BaseModel
from core.money import CurrencyField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    # What may enter the audit trail (audit/personal.py): a person's rows are referenced by id.
    personal_fields = ("email", "full_name")
    audit_excluded_fields = ("password", "last_login")
    audit_safe_fields = ("time_zone", "service_account_of")

    email = models.EmailField(unique=True, max_length=254)
    full_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Raised by "sign out everywhere": every session signed before carries the old value in
    # its auth hash (get_session_auth_hash) and ends at its next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # A service account: owned by this organisation rather than a person, for CI pipelines
    # and integrations. It never signs in (no usable password, an undeliverable address) and
    # acts only through the tokens its organisation's administrators give it
    # (accounts/service_accounts.py).
    service_account_of = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_accounts",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_service_account(self) -> bool:
        return self.service_account_of_id is not None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash of the password, which ends the sessions when the password changes;
        # once the epoch has been raised it goes into the hash too. Epoch 0 keeps Django's
        # own value, so sessions signed in before this existed stay valid.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "charter.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Organization(BaseModel):
    """A tenant: every project, record and audit chain belongs to exactly one."""

    audit_safe_fields = ("name", "slug", "currency")  # what may enter the trail (audit/personal.py)

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    # Segregation of duties: by default whoever requested a gate cannot also give its
    # manager sign-off; a small organisation with one manager per project may allow it.
    allow_gate_requester_signoff = models.BooleanField(
        default=False,
        help_text="Let the person who requested a gate also give its project manager sign-off.",
    )
    # What cost estimates are shown in; prices in other currencies are converted with the
    # organisation's exchange rates.
    currency = CurrencyField(default="EUR", help_text="ISO 4217 code, such as EUR or USD.")
    # Administrators and compliance officers must sign in with a second factor (TOTP):
    # one without a device is sent to enrolment after signing in (accounts/two_factor.py).
    require_two_factor_for_privileged = models.BooleanField(
        default=False,
        help_text="Administrators and compliance officers must use two-factor sign-in.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(BaseModel):
    audit_safe_fields = ("role",)  # what may enter the trail (audit/personal.py)

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
        MEMBER = "member", "Member"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="org_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "compliance_officer", "member"]),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class ProjectMembership(BaseModel):
    policy_project_path = "project"
    audit_safe_fields = ("role",)  # what may enter the trail (audit/personal.py)

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        CONTRIBUTOR = "contributor", "Contributor"
        REVIEWER = "reviewer", "Reviewer"
        VIEWER = "viewer", "Viewer"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["manager", "contributor", "reviewer", "viewer"]),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.project_id} ({self.role})"


class Invitation(BaseModel):
    """An invitation to join an organisation, answered from a link sent by email.

    Only the SHA-256 of the link's secret is stored.
    """

    # What may enter the audit trail (audit/personal.py): the invitee's address never does.
    personal_fields = ("email",)
    audit_excluded_fields = ("token_hash",)
    audit_safe_fields = ("role", "status")

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    role = models.CharField(
        max_length=32,
        choices=OrganizationMembership.Role.choices,
        default=OrganizationMembership.Role.MEMBER,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "revoked", "expired"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class TokenScope(models.TextChoices):
    """What a token may do, on top of what its user's roles allow (never more than those).

    Every token reads: `read` is always held. The others are granted one by one, so a CI
    pipeline's token can post evaluations without exporting the audit trail or inviting people.
    """

    READ = "read", "Read: every GET its user may make"
    WRITE = "write", "Write: create, change and delete records"
    EXPORT = "export", "Export: audit-trail exports and their downloads"
    ADMIN = "admin", "Admin: members, invitations, service accounts, tokens, settings"


def every_token_scope() -> list[str]:
    return list(TokenScope.values)


class APIToken(BaseModel):
    """A personal API token. The secret is shown once; only its SHA-256 is stored."""

    # What may enter the audit trail (audit/personal.py): never the secret's hash; the client
    # address is personal data (GDPR recital 30) and stays off the trail too.
    personal_fields = ("last_used_ip",)
    audit_excluded_fields = ("key_hash", "last_used_at")
    audit_safe_fields = ("name", "prefix", "scopes")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The address of the client that last used it (as the trusted proxies saw it).
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    # A list of TokenScope values, in their declared order, `read` always among them.
    scopes = models.JSONField(default=every_token_scope)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def grants(self, scope: str) -> bool:
        """Whether the token holds `scope` (core.api.viewsets asks before every action)."""
        return scope in self.scopes
