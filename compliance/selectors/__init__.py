"""Read queries of compliance, scoped by the permission policy; one module per record kind."""

from compliance.selectors.audit import SYSTEM_ACTOR, audit_event_list_for_user

__all__ = ["SYSTEM_ACTOR", "audit_event_list_for_user"]
