"""The export of a data subject's data (Art. 15, Art. 20): built from the enumeration of
personal data, audited with the counts it contained — never the data."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import DataSubjectRequest
from compliance.selectors.subject_requests import subject_export_data


@transaction.atomic
def subject_request_export(*, actor: User, request: DataSubjectRequest) -> dict[str, Any]:
    """Everything Charter holds about the request's subject, for the subject; audited."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    data = subject_export_data(subject=request.subject, organization=request.organization)
    audit_record(
        actor=actor,
        action=Action.SUBJECT_DATA_EXPORTED,
        target=request,
        organization=request.organization,
        data={
            "subject_type": request.subject_type,
            "subject_id": str(request.subject.pk),
            "rows": {
                record["model"]: len(record["rows"]) for record in data["records"] if record["rows"]
            },
        },
    )
    return data
