"""The model card of a version in its three forms — the page, Markdown and a PDF read back
with pdftotext — all telling the same facts from the record."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ProjectMembership
from core.numbers import plain_number
from models_registry import services
from models_registry.model_card import as_markdown
from models_registry.selectors import model_card
from tests.models_registry.adapt_support import approve_scope, base_version, metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuned(project, manager, project_member):
    """v2 made by a LoRA run on personal data, evaluated against both criteria (one fails),
    with a reviewed bias check."""
    project.intended_purpose = "Decision support for routing claims."
    project.save()
    accuracy, triage = approve_scope(project, manager)
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="v2 LoRA"
    )
    data = services.dataset_create(
        actor=manager,
        project=project,
        name="Labelled claims",
        source="Claims system",
        licence="Internal",
        personal_data=True,
        lawful_basis="contract",
        retention="12 months after retirement",
    )
    services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA 1",
        method="lora",
        base_version=v1,
        dataset=data,
        hyperparameters={"rank": 16},
        status="succeeded",
        result_version=v2,
    )
    evaluation, _ = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v2,
        benchmark="Hold-out",
        findings="Weak on multi-vehicle claims.",
        metrics=[
            metric("accuracy", "0.93", criterion=accuracy.pk),
            metric("accuracy", "0.90", slice_key="language", slice_value="de"),
            metric("accuracy", "0.95", slice_key="language", slice_value="fr"),
            metric("hours", "4.5", unit="h", higher_is_better=False, criterion=triage.pk),
        ],
    )
    check = services.bias_check_run(
        actor=manager, evaluation=evaluation, metric_name="accuracy", slice_key="language"
    )
    services.bias_check_review(
        actor=project_member(project, ProjectMembership.Role.REVIEWER),
        check=check,
        outcome="acceptable",
    )
    return v2


def _get(client, manager, name, version):
    client.force_login(manager)
    return client.get(reverse(f"models_registry:{name}", args=[version.project_id, version.pk]))


def test_the_card_page_tells_use_lineage_data_results_bias_limits_and_contacts(
    client, manager, tuned
):
    html = " ".join(_get(client, manager, "model-card", tuned).content.decode().split())
    assert "Decision support for routing claims." in html
    assert "v1 → v2 LoRA" in html
    assert "Labelled claims: Claims system; licence Internal; personal data" in html
    assert "<td>Routing accuracy</td><td>at least 0.9 ratio</td><td>0.93</td><td>pass</td>" in html
    assert "<td>Median triage time</td><td>at most 4 hours</td><td>4.5</td><td>fail</td>" in html
    assert (
        "accuracy by language (deviation from the overall figure): 0 slice(s) flagged; acceptable"
        in html
    )
    assert "Weak on multi-vehicle claims." in html
    assert manager.email in html


def test_the_markdown_card_is_a_file_with_the_same_facts(client, manager, tuned):
    response = _get(client, manager, "model-card-markdown", tuned)
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="model-card-')
    text = response.content.decode()
    assert text.startswith("# Model card: v2 LoRA\n")
    assert "| Routing accuracy | at least 0.9 ratio | 0.93 | pass |" in text
    assert "| Median triage time | at most 4 hours | 4.5 | fail |" in text
    assert "- LoRA 1: LoRA from v1 on “Labelled claims” (rank=16)." in text
    assert "| accuracy | language=de | 0.9 ratio | — |" in text


def test_the_pdf_card_reads_back_with_the_same_facts(client, manager, tuned, tmp_path):
    response = _get(client, manager, "model-card-pdf", tuned)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 (a fixed command on our own test file)
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607 (poppler's, from the OS)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = " ".join(text.split())
    assert "Model card: v2 LoRA" in words
    assert "Routing accuracy at least 0.9 ratio 0.93 pass" in words
    assert "Median triage time at most 4 hours 4.5 fail" in words
    assert "Labelled claims" in words


def test_another_organisations_version_is_404_in_every_form(client, outsider, tuned):
    client.force_login(outsider)
    for name in ("model-card", "model-card-markdown", "model-card-pdf"):
        url = reverse(f"models_registry:{name}", args=[tuned.project_id, tuned.pk])
        assert client.get(url).status_code == 404


def test_a_version_without_runs_or_checks_says_so(project, manager):
    text = as_markdown(model_card(version=base_version(project, manager)))
    assert "No fine-tuning data: the version was not trained by the project." in text
    assert "No reviewed bias check on this version." in text
    assert "None recorded." in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.93000000"), "0.93"),
        (Decimal("820.00000000"), "820"),
        (Decimal("-0.00"), "0"),
        (Decimal("1E+3"), "1000"),
        (0.5, "0.5"),
        (None, ""),
    ],
)
def test_numbers_are_shown_as_people_write_them(value, shown):
    assert plain_number(value) == shown
