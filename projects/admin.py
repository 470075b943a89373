from django.contrib import admin

from audit.admin import AuditedModelAdmin
from projects.models import Project


@admin.register(Project)
class ProjectAdmin(AuditedModelAdmin):
    list_display = ("name", "organization", "phase", "status", "owner", "created_at")
    list_filter = ("phase", "status")
    search_fields = ("name",)
    raw_id_fields = ("owner", "organization")
