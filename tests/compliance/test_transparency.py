"""The transparency documents of a project — Annex IV technical documentation, fact sheet,
Art. 50 notice — on the page, as PDF (read back with pdftotext) and through the API, filled
from the record with what is missing shown as missing; and who may read them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from compliance.annex_iv import POINTS, annex_iv
from compliance.documents import NOT_RECORDED
from compliance.fact_sheet import FIELDS, fact_sheet
from compliance.models import FactSheetPublication
from compliance.transparency_notice import transparency_notice
from models_registry import services as registry_services
from projects.models import Project
from tests.compliance.transparency_support import classify, pdf_words

pytestmark = pytest.mark.django_db

POINT_TITLES = [
    "General description of the AI system",
    "Elements of the system and its development process",
    "Monitoring, functioning and control of the system",
    "Appropriateness of the performance metrics",
    "Risk management system (Art. 9)",
    "Relevant changes through the lifecycle",
    "Harmonised standards and other solutions applied",
    "EU declaration of conformity",
    "Post-market monitoring system (Art. 72)",
]


@pytest.fixture
def demo_claims() -> Project:
    """The demo's claims project: through every phase, with data, evaluations, bias checks,
    risks, deployments, thresholds, a post-market plan, checks and evidence."""
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Project.objects.get(name="Claims triage assistant")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_an_empty_project_shows_each_of_the_nine_points_as_missing(project):
    sections = annex_iv(project)
    assert [s.title for s in sections] == POINT_TITLES
    assert [s.reference for s in sections] == [f"Annex IV point {n}" for n in range(1, 10)]
    assert len(POINTS) == 9
    for section in sections:
        assert section.missing, f"{section.title} names nothing missing"
        assert all(item.text.startswith(NOT_RECORDED) for item in section.missing)
        assert all(item.url.startswith("/") for item in section.missing)
    general = sections[0]
    assert general.missing[0].text == "Not recorded: the intended purpose of the system"
    assert general.missing[0].url == reverse("projects:project-edit", args=[project.pk])


def test_the_page_shows_the_three_documents_with_links_to_where_gaps_are_recorded(
    client, project, manager
):
    client.force_login(manager)
    response = client.get(reverse("compliance:transparency", args=[project.pk]))
    assert response.status_code == 200
    html = _text(response)
    for title in POINT_TITLES:
        assert title in html
    assert "AI system fact sheet" in html
    assert "Transparency notice (EU AI Act Art. 50)" in html
    edit = reverse("projects:project-edit", args=[project.pk])
    assert f'<a href="{edit}">Not recorded: the intended purpose of the system</a>' in html
    classify_url = reverse("compliance:classify", args=[project.pk])
    assert f'<a href="{classify_url}">Not recorded: a confirmed classification saying' in html
    for name in ("annex-iv-pdf", "fact-sheet-pdf", "notice-pdf"):
        assert reverse(f"compliance:{name}", args=[project.pk]) in html


def test_a_rich_project_fills_every_point_and_the_pdf_reads_back_the_same(
    client, demo_claims, tmp_path
):
    sections = {s.key: s for s in annex_iv(demo_claims)}
    filled = {key: [f.label for f in s.facts] for key, s in sections.items()}
    assert "Intended purpose" in filled["general"]
    assert "Selected model" in filled["general"]
    assert "Model version in use" in filled["general"]
    assert "Datasets (datasheets)" in filled["development"]
    assert "Training methodology (fine-tuning runs)" in filled["development"]
    assert {"Deployments", "Monitoring thresholds", "Human oversight"} <= set(filled["monitoring"])
    assert "Evaluations" in filled["performance"]
    assert "Bias checks and audits" in filled["performance"]
    assert "Risk register" in filled["risk"]
    assert "Phase changes" in filled["changes"]
    assert "Frameworks and standards applied" in filled["standards"]
    assert "Post-market monitoring plan" in filled["post_market"]
    general = sections["general"]
    assert not [m for m in general.missing if "intended purpose" in m.text]

    client.force_login(demo_claims.owner)
    response = client.get(reverse("compliance:annex-iv-pdf", args=[demo_claims.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="annex-iv-claims-triage-assistant.pdf"'
    )
    words = pdf_words(response.content, tmp_path)
    assert "Technical documentation (EU AI Act Annex IV)" in words
    for title in POINT_TITLES:
        assert title in words
    purpose = " ".join(demo_claims.intended_purpose.split())
    assert purpose[:60] in words
    dataset = next(f for f in sections["development"].facts if f.label.startswith("Datasets"))
    assert dataset.lines[0].split(":")[0] in words


def test_the_empty_project_pdf_names_what_is_missing(client, project, manager, tmp_path):
    client.force_login(manager)
    response = client.get(reverse("compliance:annex-iv-pdf", args=[project.pk]))
    words = pdf_words(response.content, tmp_path)
    assert words.count("Not recorded:") >= 9
    assert "Not recorded: the intended purpose of the system" in words


def test_the_fact_sheet_has_its_fields_from_the_record(project, compliance_officer):
    project.intended_purpose = "Routes incoming claims to the right team."
    project.end_users = "Claims handlers"
    project.save()
    classify(project, compliance_officer, annex_iii_area="5", expected_tier="high")
    sheet = {s.key: s for s in fact_sheet(project)}
    assert list(sheet) == list(FIELDS)
    assert sheet["purpose"].facts[0].lines == ["Routes incoming claims to the right team."]
    assert sheet["risk_tier"].facts[0].lines[0] == "High risk (classification 1, confirmed)"
    contacts = sheet["contacts"].facts[0].lines
    assert contacts[0] == f"Project manager: {project.owner.display_name} <{project.owner.email}>"
    assert contacts[-1] == (
        f"Compliance contact: {compliance_officer.display_name} <{compliance_officer.email}>"
    )
    assert sheet["model"].missing[0].text == "Not recorded: a model version"
    assert sheet["human_oversight"].missing[0].text == (
        "Not recorded: the human oversight measures"
    )


def test_the_art_50_notice_follows_the_classification(project, compliance_officer):
    assert (
        transparency_notice(project)
        .missing[0]
        .text.startswith("Not recorded: a confirmed classification")
    )
    classify(project, compliance_officer, interacts_with_people=True, deep_fake=True)
    notice = transparency_notice(project)
    assert notice.reference == "EU AI Act Art. 50"
    assert [f.label for f in notice.facts] == [
        "Interaction with an AI system (chatbot) (EU AI Act Art. 50(1))",
        "Deep fake or AI-generated public text (EU AI Act Art. 50(4))",
    ]
    assert notice.facts[0].lines == [
        "You are talking with Claims assistant, an AI system operated by Acme Insurance, not "
        "with a person. Its answers are generated automatically and may be wrong. You can ask "
        "to be put in touch with a member of staff at any time."
    ]
    classify(project, compliance_officer)
    assert [f.label for f in transparency_notice(project).facts] == ["No notice required"]


def test_the_notice_pdf_cites_the_article(client, project, manager, compliance_officer, tmp_path):
    classify(project, compliance_officer, generates_synthetic_content=True)
    client.force_login(manager)
    response = client.get(reverse("compliance:notice-pdf", args=[project.pk]))
    words = pdf_words(response.content, tmp_path)
    assert "AI-generated content (EU AI Act Art. 50(2))" in words
    assert "This content was generated by Claims assistant" in words


def test_the_api_answers_each_document_as_json_and_pdf(
    project, manager, token_client, compliance_officer, tmp_path
):
    classify(project, compliance_officer, interacts_with_people=True)
    api = token_client(manager)
    base = f"/api/v1/projects/{project.pk}/transparency"
    annex = api.get(f"{base}/annex-iv/")
    assert annex.status_code == 200
    body = annex.json()
    assert body["document"] == "annex-iv"
    assert [s["reference"] for s in body["sections"]] == [
        f"Annex IV point {n}" for n in range(1, 10)
    ]
    assert body["sections"][0]["missing"][0] == {
        "text": "Not recorded: the intended purpose of the system",
        "url": reverse("projects:project-edit", args=[project.pk]),
    }
    sheet = api.get(f"{base}/fact-sheet/").json()
    assert [s["key"] for s in sheet["sections"]] == list(FIELDS)
    notice = api.get(f"{base}/notice/").json()
    assert notice["sections"][0]["facts"][0]["label"] == (
        "Interaction with an AI system (chatbot) (EU AI Act Art. 50(1))"
    )
    pdf = api.get(f"{base}/fact-sheet/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "AI system fact sheet" in pdf_words(pdf.content, tmp_path)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("viewer", 200),
        ("contributor", 200),
        ("reviewer", 200),
        ("manager", 200),
        ("compliance_officer", 200),
        ("org_admin", 200),
        ("org_member", 404),
        ("outsider", 404),
    ],
)
def test_members_read_the_documents_and_others_get_404_by_every_path(
    client, token_client, as_role, project, role, status
):
    user = as_role(role)
    client.force_login(user)
    api = token_client(user)
    pages = [
        reverse(f"compliance:{name}", args=[project.pk])
        for name in ("transparency", "annex-iv-pdf", "fact-sheet-pdf", "notice-pdf")
    ]
    for url in pages:
        assert client.get(url).status_code == status, url
    base = f"/api/v1/projects/{project.pk}/transparency"
    for path in ("annex-iv/", "annex-iv/pdf/", "fact-sheet/", "fact-sheet/pdf/", "notice/"):
        assert api.get(f"{base}/{path}").status_code == status, path


def test_anonymous_is_sent_to_sign_in(client, project):
    response = client.get(reverse("compliance:transparency", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_demo_publishes_the_claims_fact_sheet_without_its_contacts(client, demo_claims):
    live = FactSheetPublication.objects.get(project=demo_claims, unpublished_at__isnull=True)
    assert live.fields == [key for key in FIELDS if key != "contacts"]
    page = client.get(live.public_url_path())
    assert page.status_code == 200
    text = _text(page)
    assert "Human oversight" in text
    assert "Correct first routing at least 90 %: 93 (pass)" in text
    assert "Contacts" not in text
    assert demo_claims.owner.email not in text


def test_a_dataset_reads_as_its_datasheet(project, manager):
    registry_services.dataset_create(
        actor=manager,
        project=project,
        name="Labelled claims",
        source="Claims system",
        reference="dvc:3f2a",
        licence="Internal",
        personal_data=True,
        lawful_basis="contract",
        retention="12 months after retirement",
    )
    development = annex_iv(project)[1]
    datasheets = next(f for f in development.facts if f.label == "Datasets (datasheets)")
    assert datasheets.lines == [
        "Labelled claims: source Claims system (dvc:3f2a); licence Internal; personal data "
        "(lawful basis Contract (Art. 6(1)(b)), retention 12 months after retirement)"
    ]
    assert not [m for m in development.missing if "datasets" in m.text]
