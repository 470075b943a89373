"""The demo's privacy picture: one open access request from a stakeholder of the claims
project, received a week ago and handled by the compliance officer — through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Organization, User
from compliance.models import DataSubjectRequest
from compliance.services.subject_requests import subject_request_record, subject_request_start
from stakeholders.models import Stakeholder


def demo_subject_requests(*, organization: Organization, compliance: User) -> DataSubjectRequest:
    """An access request (Art. 15) from the organisation's first stakeholder, in progress."""
    person = Stakeholder.objects.filter(organization=organization).order_by("created_at").first()
    assert person is not None  # noqa: S101 — the demo's projects have stakeholders by now
    request = subject_request_record(
        actor=compliance,
        organization=organization,
        kind=DataSubjectRequest.Kind.ACCESS,
        subject_type="stakeholder",
        subject_id=person.pk,
        received_at=timezone.now() - timedelta(days=7),
    )
    return subject_request_start(actor=compliance, request=request)
