from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import (
    APIToken,
    Invitation,
    Organization,
    OrganizationMembership,
    ProjectMembership,
    User,
)
from audit.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login",)}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login",)
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "allow_gate_requester_signoff", "created_at")
    search_fields = ("name", "slug")


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    raw_id_fields = ("user", "organization")


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "project", "role")
    list_filter = ("role",)
    raw_id_fields = ("user", "project")


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin):
    """Invitations are created from the members page (the link secret is mailed once)."""

    list_display = ("email", "organization", "role", "status", "expires_at", "sent_at")
    list_filter = ("status", "role")
    readonly_fields = ("token_hash", "sent_at", "accepted_at", "accepted_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(APIToken)
class APITokenAdmin(AuditedModelAdmin):
    """Tokens are created by their owner (shown once); staff may only revoke them."""

    list_display = ("name", "user", "prefix", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "expires_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
