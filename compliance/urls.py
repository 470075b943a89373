from django.urls import path

from compliance.views import audit

app_name = "compliance"

urlpatterns = [
    path("audit/", audit.audit_trail, name="audit-trail"),
]
