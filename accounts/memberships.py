"""The rule organisation and project memberships share: a protected role (an organisation's
administrator, a project's manager) always keeps at least one holder."""

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import OrganizationMembership, ProjectMembership


def lock_membership[M: (OrganizationMembership, ProjectMembership)](
    membership: M, *, scope_field: str, protected_role: str, new_role: str | None, message: str
) -> M:
    """Lock the membership row for a change of role (`new_role`) or a removal (None).

    Refused with a ValidationError on "role" when the membership holds the last
    `protected_role` of its scope (`scope_field`, e.g. "organization_id") and would lose it.
    The other holders are locked too, so two concurrent demotions cannot both succeed.
    """
    model = type(membership)
    if new_role is not None and new_role not in model.Role.values:
        raise ValidationError({"role": f"Unknown role {new_role!r}."})
    locked = model.objects.select_for_update().get(pk=membership.pk)
    if locked.role == protected_role and new_role != protected_role:
        others = (
            model.objects.select_for_update()
            .filter(**{scope_field: getattr(locked, scope_field), "role": protected_role})
            .exclude(pk=locked.pk)
            .count()
        )
        if others == 0:
            raise ValidationError({"role": message})
    return locked


def set_role(
    locked: OrganizationMembership | ProjectMembership, role: str
) -> dict[str, Any] | None:
    """Save the new role and return the audit data (whose role, old and new); None when the
    role is already that one, so nothing is written."""
    old = locked.role
    if old == role:
        return None
    locked.role = role
    locked.save(update_fields=["role", "updated_at"])
    return {"user_id": str(locked.user_id), "role": {"old": old, "new": role}}
