"""Query-string filters of the audit-events API (django-filter), applied to the rows the
policy lets the user read."""

from django_filters import rest_framework as filters

from audit.models import AuditEvent


class AuditEventFilter(filters.FilterSet):
    organization = filters.UUIDFilter(field_name="organization_id", help_text="Organisation id.")
    project = filters.UUIDFilter(field_name="project_id", help_text="Project id.")
    action = filters.CharFilter(
        lookup_expr="startswith",
        max_length=80,
        help_text='Action, or its start: "project." matches every project event.',
    )
    actor = filters.UUIDFilter(field_name="actor_id", help_text="The acting user's id.")
    target_type = filters.CharFilter(max_length=80, help_text='e.g. "projects.project".')
    target_id = filters.CharFilter(max_length=64)
    occurred_after = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="ISO 8601, inclusive."
    )
    occurred_before = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="ISO 8601, exclusive."
    )

    class Meta:
        model = AuditEvent
        fields = (
            "organization",
            "project",
            "action",
            "actor",
            "target_type",
            "target_id",
            "occurred_after",
            "occurred_before",
        )
