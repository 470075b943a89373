"""Evidence: uploads checked by content and hashed; records of the project only; http(s)
links only; judged by someone else than its owner; expiry sends met checks back to review."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.permissions import SYSTEM
from audit.models import AuditEvent
from compliance import services
from compliance.models import CheckEvidence, ComplianceCheck, Evidence
from compliance.selectors.checks import evidence_counting_for
from compliance.uploads import safe_name
from tests.compliance.checks_support import small_catalogue
from tests.compliance.evidence_support import CSV, ELF, EXE, PDF, PNG, docx, upload
from tests.factories import ProjectFactory
from tests.helpers import event_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(project, project_member):
    return project_member(project, "contributor")


def _add_file(actor, project, name, content, **fields):
    return services.evidence_add(
        actor=actor,
        project=project,
        kind="file",
        title=fields.pop("title", "Robustness report"),
        file=upload(name, content),
        **fields,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("chart.PNG", PNG, "image/png"),
        ("owners.csv", CSV, "text/csv"),
        ("notes.txt", "Prüfbericht — v2\n".encode(), "text/plain"),
        ("data.json", b'{"accuracy": 0.93}', "application/json"),
        (
            "policy.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_an_upload_is_kept_with_its_type_by_content_its_size_and_its_hash(
    project, contributor, name, content, content_type
):
    evidence = _add_file(contributor, project, name, content)
    evidence.refresh_from_db()
    assert evidence.kind == "file"
    assert evidence.file_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    # Stored under a random name, nothing of the uploaded one.
    assert name.split(".")[0] not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")
    event = AuditEvent.objects.get(action="evidence.added")
    assert event.data["sha256"] == evidence.sha256


def test_a_large_file_is_hashed_in_chunks_correctly(project, contributor):
    content = PDF + b"0123456789abcdef" * 400_000  # ~6.4 MB, many upload chunks
    evidence = _add_file(contributor, project, "big.pdf", content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", PNG, "not a .pdf file"),
        ("tool.pdf", ELF, "not a .pdf file"),
        ("setup.exe", EXE, "not accepted"),
        ("program", ELF, "Give the file a name"),
        ("../../x", PDF, "Give the file a name"),
        ("empty.pdf", b"", "empty"),
        ("notes.txt", ELF, "not plain UTF-8 text"),
        ("notes.txt", PNG, "not plain UTF-8 text"),
        ("data.json", b"accuracy: high", "not valid JSON"),
        ("data.json", b'{"open": ', "not valid JSON"),
    ],
)
def test_a_file_whose_content_is_not_what_it_claims_is_refused_and_nothing_kept(
    project, contributor, name, content, message
):
    before = event_count()
    with pytest.raises(ValidationError) as error:
        _add_file(contributor, project, name, content)
    assert message in " ".join(error.value.message_dict["file"])
    assert not Evidence.objects.exists()
    assert event_count() == before


def test_an_oversized_file_is_refused(project, contributor, settings):
    settings.CHARTER_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        _add_file(contributor, project, "report.pdf", PDF + b"x" * 2000)
    assert "may be up to" in str(error.value)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../report.pdf", "report.pdf"),
        ("..\\..\\windows\\report.pdf", "report.pdf"),
        ("/etc/passwd", "passwd"),
        ("re\x00po\x1brt\u202e.pdf", "report.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("../../x", "x"),
        ("../", ""),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(raw, safe):
    assert safe_name(raw) == safe


def test_a_path_in_the_name_is_dropped_and_the_file_kept(project, contributor):
    evidence = _add_file(contributor, project, "../../report.pdf", PDF)
    assert evidence.file_name == "report.pdf"
    assert ".." not in evidence.file.name


def test_a_url_must_be_http_or_https(project, contributor):
    for bad in ("javascript:alert(1)", "ftp://files.example.com/x", "file:///etc/passwd", "x"):
        with pytest.raises(ValidationError) as error:
            services.evidence_add(
                actor=contributor, project=project, kind="url", title="T", url=bad
            )
        assert "url" in error.value.message_dict
    evidence = services.evidence_add(
        actor=contributor, project=project, kind="url", title="Wiki", url="https://wiki.test/x"
    )
    assert evidence.url == "https://wiki.test/x"


def test_a_record_link_points_at_a_record_of_the_same_project_only(
    project, contributor, org, admin
):
    from projects.services import risk_create

    risk = risk_create(
        actor=project.owner,
        project=project,
        title="Hallucinated answers",
        category="technical",
        likelihood=3,
        impact=4,
    )
    evidence = services.evidence_add(
        actor=contributor,
        project=project,
        kind="record",
        title="The risk we mitigate",
        record_type="projects.risk",
        record_id=risk.pk,
    )
    assert (evidence.record_type, evidence.record_id) == ("projects.risk", risk.pk)
    other = ProjectFactory(organization=org, owner=admin, name="Other project")
    with pytest.raises(ValidationError) as error:
        services.evidence_add(
            actor=admin,
            project=other,
            kind="record",
            title="Not ours",
            record_type="projects.risk",
            record_id=risk.pk,
        )
    assert error.value.message_dict == {"record_id": ["There is no such risk in this project."]}
    with pytest.raises(ValidationError) as error:
        services.evidence_add(
            actor=contributor,
            project=project,
            kind="record",
            title="Odd",
            record_type="accounts.user",
            record_id=contributor.pk,
        )
    assert "record_type" in error.value.message_dict


def test_a_viewer_cannot_add_evidence(project, project_member):
    viewer = project_member(project, "viewer")
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=viewer, project=project, kind="url", title="T", url="https://x.test/"
        )
    assert not Evidence.objects.exists()


@pytest.fixture
def checks(project, org, compliance_officer):
    small_catalogue(org)
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "provider", "annex_iii_area": "4"},
        rationale="High risk.",
    )
    return {c.requirement.ref: c for c in ComplianceCheck.objects.filter(project=project)}


def test_evidence_is_attached_to_several_checks_at_once_and_detached(project, contributor, checks):
    evidence = services.evidence_add(
        actor=contributor,
        project=project,
        kind="url",
        title="Test report",
        url="https://wiki.test/r",
        checks=[checks["Art. 9"], checks["A.6.2.4"]],
    )
    attached = set(
        CheckEvidence.objects.filter(evidence=evidence).values_list(
            "compliance_check__requirement__ref", flat=True
        )
    )
    assert attached == {"Art. 9", "A.6.2.4"}
    assert AuditEvent.objects.filter(action="evidence.attached").count() == 2
    # Through the crosswalk, the ISO control's evidence counts for Art. 15 too.
    assert evidence in evidence_counting_for(checks["Art. 15"])
    with pytest.raises(ValidationError):
        services.evidence_attach(actor=contributor, evidence=evidence, check=checks["Art. 9"])
    services.evidence_detach(actor=contributor, evidence=evidence, check=checks["Art. 9"])
    assert evidence not in evidence_counting_for(checks["Art. 9"])
    with pytest.raises(ValidationError):
        services.evidence_detach(actor=contributor, evidence=evidence, check=checks["Art. 9"])


def test_evidence_attaches_only_to_checks_of_its_project(project, contributor, checks, org, admin):
    other = ProjectFactory(organization=org, owner=admin, name="Other")
    evidence = services.evidence_add(
        actor=admin, project=other, kind="url", title="T", url="https://x.test/"
    )
    with pytest.raises(ValidationError) as error:
        services.evidence_attach(actor=admin, evidence=evidence, check=checks["Art. 9"])
    assert "its own project" in str(error.value)


def test_the_owner_never_judges_their_own_evidence(project, compliance_officer, project_member):
    reviewer = project_member(project, "reviewer")
    evidence = services.evidence_add(
        actor=project.owner, project=project, kind="url", title="T", url="https://x.test/"
    )
    # The manager also reviews the project, but owns this piece.
    with pytest.raises(PermissionDenied) as refused:
        services.evidence_judge(actor=project.owner, evidence=evidence, verdict="accept")
    assert "You provided this evidence" in str(refused.value)
    with pytest.raises(ValidationError) as error:
        services.evidence_judge(actor=reviewer, evidence=evidence, verdict="reject")
    assert "comment" in error.value.message_dict
    evidence.refresh_from_db()
    assert evidence.status == "pending"
    judged = services.evidence_judge(
        actor=compliance_officer, evidence=evidence, verdict="reject", comment="Out of date."
    )
    assert (judged.status, judged.judged_by, judged.judgement_comment) == (
        "rejected",
        compliance_officer,
        "Out of date.",
    )
    services.evidence_judge(actor=reviewer, evidence=evidence, verdict="accept")
    evidence.refresh_from_db()
    assert (evidence.status, evidence.judged_by) == ("accepted", reviewer)
    actions = list(
        AuditEvent.objects.filter(target_id=str(evidence.pk))
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )
    assert actions == ["evidence.added", "evidence.rejected", "evidence.accepted"]


def test_a_contributor_or_viewer_does_not_judge(project, project_member):
    evidence = services.evidence_add(
        actor=project.owner, project=project, kind="url", title="T", url="https://x.test/"
    )
    for role in ("contributor", "viewer"):
        with pytest.raises(PermissionDenied):
            services.evidence_judge(
                actor=project_member(project, role), evidence=evidence, verdict="accept"
            )


def _met(check, evidence, manager, reviewer):
    """The check met on `evidence`, through the services."""
    services.evidence_judge(actor=reviewer, evidence=evidence, verdict="accept")
    services.check_submit(actor=manager, check=check, claim="met")
    return services.check_review(actor=reviewer, check=check, verdict="approve")


def test_expiry_sends_every_met_check_relying_on_it_back_to_review(
    project, contributor, checks, compliance_officer
):
    manager = project.owner
    evidence = services.evidence_add(
        actor=contributor,
        project=project,
        kind="url",
        title="Robustness report",
        url="https://wiki.test/r",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        checks=[checks["A.6.2.4"]],
    )
    iso = _met(checks["A.6.2.4"], evidence, manager, compliance_officer)
    art15 = services.check_submit(actor=manager, check=checks["Art. 15"], claim="met")
    art15 = services.check_review(actor=compliance_officer, check=art15, verdict="approve")
    assert (iso.status, art15.status) == ("met", "met")
    # Not due yet: the system may not expire it, and the job leaves it be.
    with pytest.raises(PermissionDenied):
        services.evidence_expire(actor=SYSTEM, evidence=evidence)
    assert services.evidence_expire_due() == 0
    Evidence.objects.filter(pk=evidence.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    # A person never expires evidence by hand, even a compliance officer.
    with pytest.raises(PermissionDenied):
        services.evidence_expire(actor=compliance_officer, evidence=evidence)
    assert services.evidence_expire_due() == 1
    evidence.refresh_from_db()
    assert evidence.expired_at is not None
    assert evidence.status == "accepted"  # the judgement stays on the record
    statuses = dict(
        ComplianceCheck.objects.filter(project=project).values_list("requirement__ref", "status")
    )
    assert statuses["A.6.2.4"] == "needs_review"
    assert statuses["Art. 15"] == "needs_review"  # it relied on the same piece, via crosswalk
    assert statuses["Art. 9"] == "not_started"
    events = AuditEvent.objects.filter(
        action__in=["evidence.expired", "compliance_check.needs_review"]
    )
    assert sorted(e.action for e in events) == [
        "compliance_check.needs_review",
        "compliance_check.needs_review",
        "evidence.expired",
    ]
    assert all(e.actor_id is None for e in events)  # the system
    # Run again: nothing more happens.
    before = event_count()
    assert services.evidence_expire_due() == 0
    assert event_count() == before
    # Expired evidence no longer lets a reviewer approve the check again.
    services.check_submit(actor=manager, check=checks["A.6.2.4"], claim="met")
    with pytest.raises(ValidationError):
        services.check_review(actor=compliance_officer, check=checks["A.6.2.4"], verdict="approve")
    with pytest.raises(ValidationError):
        services.evidence_judge(actor=compliance_officer, evidence=evidence, verdict="accept")


def test_the_beat_schedule_runs_the_expiry_daily():
    from config.celery import app

    entry = app.conf.beat_schedule["compliance-expire-evidence-daily"]
    assert entry == {"task": "compliance.tasks.evidence_expire_due", "schedule": 86400}
    from compliance.tasks import evidence_expire_due

    assert evidence_expire_due.name == "compliance.tasks.evidence_expire_due"


def test_training_records_are_kept_by_the_register_keepers_only(
    project, org, compliance_officer, project_member, other_org
):
    from accounts.models import OrganizationMembership

    viewer = project_member(project, "viewer")
    with pytest.raises(PermissionDenied):
        services.training_record_create(
            actor=viewer,
            organization=org,
            person=viewer,
            course="Self-declared",
            provider="Me",
            completed_on=dt.date(2026, 1, 1),
        )
    stranger = project_member(project, "viewer")
    OrganizationMembership.objects.filter(user=stranger).delete()
    with pytest.raises(ValidationError) as error:
        services.training_record_create(
            actor=compliance_officer,
            organization=org,
            person=stranger,
            course="AI basics",
            provider="Academy",
            completed_on=dt.date(2026, 1, 1),
        )
    assert "person" in error.value.message_dict
    record = services.training_record_create(
        actor=compliance_officer,
        organization=org,
        person=viewer,
        course="AI basics",
        provider="Academy",
        completed_on=dt.date(2026, 1, 1),
    )
    other = project_member(project, "contributor")
    services.training_record_update(actor=compliance_officer, record=record, person=other)
    event = AuditEvent.objects.get(action="training_record.updated")
    assert event.data == {"person": {"old": str(viewer.pk), "new": str(other.pk)}}
    services.training_record_delete(actor=compliance_officer, record=record)
    assert AuditEvent.objects.filter(action="training_record.deleted").count() == 1
