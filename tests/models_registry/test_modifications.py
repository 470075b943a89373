"""Possible substantial modifications: a new fine-tune, a quantization, pruning or distillation,
or a change of base model on a project in Integrate or Operate is flagged once, audited, sends
the compliance checks it touches back to review (from data), and is assessed by a compliance
officer — by service, by the REST API and on the operate tab."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from compliance.catalogue_loader import read_catalogue
from compliance.models import ComplianceCheck
from compliance.modification_reviews import DATA_FILE, ModificationReviewsError, parse
from models_registry import services
from models_registry.gates import modifications_assessed
from models_registry.models import ModificationFlag
from models_registry.services.modifications import ALREADY_ASSESSED, EXPLAIN
from projects.models import Project
from tests.compliance.checks_support import framework, requirement
from tests.models_registry.adapt_support import base_version
from tests.models_registry.conftest import catalogue_model

pytestmark = pytest.mark.django_db


def in_phase(project: Project, phase: str) -> Project:
    Project.objects.filter(pk=project.pk).update(phase=phase)
    project.refresh_from_db()
    return project


def met_check(project: Project, framework_key: str, ref: str) -> ComplianceCheck:
    fw = framework(framework_key, framework_key)
    req = requirement(fw, ref, phase="integrate")
    return ComplianceCheck.objects.create(project=project, requirement=req, status="met")


def fine_tuned(project, manager, parent, name="v2 LoRA"):
    return services.model_version_create(
        actor=manager, project=project, parent=parent, adaptation="fine_tune", name=name
    )


def test_nothing_is_flagged_while_the_system_is_being_built(project, manager):
    v1 = base_version(project, manager)
    fine_tuned(in_phase(project, "adapt"), manager, v1)
    assert not ModificationFlag.objects.exists()


def test_a_fine_tune_in_operate_is_flagged_once_audited_and_reopens_the_checks_it_touches(
    project, manager
):
    v1 = base_version(project, manager)
    art43 = met_check(project, "eu-ai-act", "Art. 43")
    art10 = met_check(project, "eu-ai-act", "Art. 10")
    untouched = met_check(project, "eu-ai-act", "Art. 50")
    in_progress = met_check(project, "nist-ai-rmf", "MEASURE 2.11")
    ComplianceCheck.objects.filter(pk=in_progress.pk).update(status="in_progress")
    in_phase(project, "operate")

    v2 = fine_tuned(project, manager, v1)
    data = services.dataset_create(
        actor=manager, project=project, name="Notes", source="Wiki", licence="Internal"
    )
    # Recording the run that produced v2 is the same change: no second flag.
    services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA 1",
        method="lora",
        base_version=v1,
        dataset=data,
        status="succeeded",
        result_version=v2,
    )

    flag = ModificationFlag.objects.get()
    assert (flag.kind, flag.phase, flag.model_version, flag.status) == (
        "fine_tune",
        "operate",
        v2,
        "open",
    )
    event = AuditEvent.objects.get(action="modification.flagged")
    assert event.data["source"] == {"type": "modelversion", "id": str(v2.pk)}
    statuses = dict(ComplianceCheck.objects.values_list("requirement__ref", "status"))
    assert statuses == {
        "Art. 43": "needs_review",
        "Art. 10": "needs_review",
        "Art. 50": "met",
        "MEASURE 2.11": "in_progress",
    }
    reopened = AuditEvent.objects.filter(action="compliance_check.needs_review")
    assert {e.target_id for e in reopened} == {str(art43.pk), str(art10.pk)}
    why = reopened.get(target_id=str(art43.pk)).data
    assert why["modification"] == str(flag.pk)
    assert "Art. 43(4)" in why["reason"]
    assert "v2 LoRA" in why["reason"]
    assert ComplianceCheck.objects.get(pk=untouched.pk).version == 1


def test_a_change_of_base_model_and_each_weight_changing_optimisation_is_flagged(project, manager):
    v1 = base_version(project, manager)
    in_phase(project, "integrate")
    smaller = catalogue_model(project.organization, "Falcon Small")
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="other", base_model=smaller
    )
    assert v2.base_model == smaller
    v3 = services.model_version_create(
        actor=manager, project=project, parent=v2, adaptation="other"
    )
    assert v3.base_model == smaller  # an adaptation keeps its parent's base by default
    for technique, extra in (
        ("quantization", {"bits": 4, "method": "AWQ"}),
        ("pruning", {"pruned_percent": "20"}),
        ("distillation", {}),
        ("compilation", {"hardware": "TensorRT on L4"}),
    ):
        services.optimisation_record(
            actor=manager, project=project, technique=technique, before=v2, after=v3, **extra
        )
    kinds = sorted(ModificationFlag.objects.values_list("kind", flat=True))
    # A compilation for other hardware leaves the weights as they were.
    assert kinds == ["base_model_change", "distillation", "pruning", "quantization"]
    change = ModificationFlag.objects.get(kind="base_model_change")
    assert "Falcon Small" in change.summary


def test_a_compliance_officer_assesses_it_and_the_gate_waits_for_that(
    project, manager, compliance_officer
):
    v1 = base_version(project, manager)
    fine_tuned(in_phase(project, "integrate"), manager, v1)
    flag = ModificationFlag.objects.get()
    assert modifications_assessed(project)[0] is False
    with pytest.raises(PermissionDenied):
        services.modification_assess(
            actor=manager, flag=flag, verdict="not_substantial", assessment="Minor."
        )
    with pytest.raises(ValidationError, match=EXPLAIN):
        services.modification_assess(
            actor=compliance_officer, flag=flag, verdict="substantial", assessment="  "
        )
    assert ModificationFlag.objects.get().is_open
    assessed = services.modification_assess(
        actor=compliance_officer,
        flag=flag,
        verdict="not_substantial",
        assessment="Same purpose and data; accuracy re-checked within the declared range.",
    )
    assert (assessed.status, assessed.assessed_by) == ("not_substantial", compliance_officer)
    assert modifications_assessed(project) == (True, "")
    with pytest.raises(ValidationError, match=ALREADY_ASSESSED.split("(")[0]):
        services.modification_assess(
            actor=compliance_officer, flag=flag, verdict="substantial", assessment="Changed mind."
        )
    assert AuditEvent.objects.get(action="modification.assessed").data["verdict"] == (
        "not_substantial"
    )


def test_the_api_lists_and_assesses_and_strangers_get_404(
    project, manager, compliance_officer, outsider, token_client
):
    v1 = base_version(project, manager)
    fine_tuned(in_phase(project, "operate"), manager, v1)
    flag = ModificationFlag.objects.get()
    base = f"/api/v1/projects/{project.pk}/operate/modifications/"
    listed = token_client(manager).get(base)
    assert listed.status_code == 200
    assert [row["kind"] for row in listed.json()["results"]] == ["fine_tune"]
    refused = token_client(manager).post(
        f"{base}{flag.pk}/assess/", {"verdict": "substantial", "assessment": "x"}, format="json"
    )
    assert refused.status_code == 403
    bad = token_client(compliance_officer).post(
        f"{base}{flag.pk}/assess/", {"verdict": "maybe", "assessment": "x"}, format="json"
    )
    assert bad.status_code == 400
    done = token_client(compliance_officer).post(
        f"{base}{flag.pk}/assess/",
        {"verdict": "substantial", "assessment": "New training data on a new population."},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "substantial"
    assert done.json()["assessed_by"]["id"] == str(compliance_officer.pk)
    stranger = token_client(outsider)
    assert stranger.get(f"{base}{flag.pk}/").status_code == 404
    assert stranger.post(f"{base}{flag.pk}/assess/", {}, format="json").status_code == 404


def test_the_operate_tab_shows_the_flag_and_takes_the_assessment(
    project, manager, compliance_officer, client
):
    v1 = base_version(project, manager)
    fine_tuned(in_phase(project, "operate"), manager, v1)
    flag = ModificationFlag.objects.get()
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/operate/")
    assert "Possible substantial modifications" in page.content.decode()
    assert "v2 LoRA" in page.content.decode()
    assert "Record the assessment" not in page.content.decode()
    client.force_login(compliance_officer)
    url = f"/projects/{project.pk}/operate/modifications/{flag.pk}/assess/"
    assert (
        "Record the assessment" in client.get(f"/projects/{project.pk}/operate/").content.decode()
    )
    missing = client.post(url, {"verdict": "substantial", "assessment": ""})
    assert missing.status_code == 400
    assert EXPLAIN in missing.content.decode()
    saved = client.post(url, {"verdict": "substantial", "assessment": "New population."})
    assert saved.status_code == 302
    assert ModificationFlag.objects.get().status == "substantial"


def test_the_shipped_review_rows_name_known_kinds_and_a_bad_row_is_refused(tmp_path):
    reviews = parse(DATA_FILE)
    assert {r.ref for r in reviews["fine_tune"]} >= {"Art. 10", "Art. 43"}
    assert "Art. 10" not in {r.ref for r in reviews["quantization"]}
    bad = tmp_path / "reviews.csv"
    bad.write_text("framework,ref,kinds,why\neu-ai-act,Art. 9,retraining,because\n")
    with pytest.raises(ModificationReviewsError, match=r"reviews\.csv:2: unknown kinds"):
        parse(bad)


def test_every_shipped_review_row_names_a_requirement_of_the_catalogue():
    catalogue = read_catalogue()  # the shipped catalogue, read without a database
    refs = {(r.framework, r.ref) for r in catalogue.requirements}
    rows = {(r.framework, r.ref) for reviews in parse(DATA_FILE).values() for r in reviews}
    assert rows <= refs, rows - refs
