"""The shipped framework catalogue and its loader: idempotent, versioned (adds, updates, retires,
never deletes), refusing a broken file set whole, covering every identifier of the reference
lists (tests/compliance/reference/, copied from the sources the data was built from), and
classifying real use cases into the right obligations."""

import csv
import datetime as dt
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max

from audit.models import SYSTEM_CHAIN, AuditEvent
from compliance import services
from compliance.catalogue_loader import DATA_DIR, CatalogueError, read_catalogue
from compliance.models import (
    CheckEvidence,
    ComplianceCheck,
    Crosswalk,
    Evidence,
    Framework,
    FrameworkDate,
    OrganizationFramework,
    Requirement,
)
from compliance.selectors.checks import evidence_counting_for
from compliance.services.catalogue import catalogue_load
from tests.helpers import event_count

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parent / "reference"
MODELS = (Framework, Requirement, Crosswalk, FrameworkDate)


def _state() -> dict[str, object]:
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(m=Max("updated_at"))["m"])
        for model in MODELS
    } | {"events": event_count()}


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- loading ----------------------------------------------------------------------------------


def test_the_first_load_records_one_event_on_the_system_chain(db, django_assert_max_num_queries):
    before = event_count()
    with django_assert_max_num_queries(15):  # bulk writes: a few queries per table, not per row
        result = catalogue_load()
    assert result["changed"] is True
    assert result["requirements_added"] == Requirement.objects.count() == 328
    events = list(AuditEvent.objects.order_by("occurred_at")[before:])
    assert [(e.chain, e.action, e.target_id) for e in events] == [
        (SYSTEM_CHAIN, "framework_catalogue.loaded", "2026.12.1")
    ]
    assert events[0].data["requirements_added"] == 328


def test_loading_twice_changes_nothing_and_takes_few_queries(catalogue, django_assert_num_queries):
    before = _state()
    # catalogue, frameworks, requirements, crosswalk and dates read once each; nothing written
    with django_assert_num_queries(6):
        result = catalogue_load()
    assert result["changed"] is False
    assert _state() == before


# `make migrate` loads the catalogue on SQLite for the quickstart: the smoke run repeats this.
@pytest.mark.sqlite_smoke
def test_the_command_loads_then_says_nothing_changed(db):
    first, second = StringIO(), StringIO()
    call_command("load_frameworks", stdout=first)
    call_command("load_frameworks", stdout=second)
    assert "Catalogue 2026.12.1 loaded: frameworks added 7" in first.getvalue()
    assert second.getvalue().strip() == "Catalogue 2026.12.1 already loaded: nothing changed."


def _rewrite_csv(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _set_version(directory: Path, version: str) -> None:
    meta = json.loads((directory / "catalogue.json").read_text())
    meta["version"] = version
    (directory / "catalogue.json").write_text(json.dumps(meta))


def test_a_new_version_adds_updates_and_retires_and_checks_keep_their_link(
    catalogue, tmp_path, project
):
    retiring = Requirement.objects.get(framework__key="owasp-llm-top10", ref="LLM10")
    check = ComplianceCheck.objects.create(project=project, requirement=retiring, phase="adapt")
    mapping_count = Crosswalk.objects.count()
    data = _copy(tmp_path)
    _set_version(data, "2027.1.1")

    def change(rows):
        kept = [r for r in rows if r[0] != "LLM10"]
        for row in kept:
            if row[0] == "LLM01":
                row[1] = "Prompt Injection (renamed)"
        return [
            *kept,
            ["LLM11", "A new entry", "risk", "Top 10 2025", "", "adapt", "no", "yes", "no", "New."],
        ]

    _rewrite_csv(data / "owasp-llm-top10.csv", change)
    # the mapping LLM09 ↔ NIST 600-1 2.2 is dropped from the crosswalk
    _rewrite_csv(data / "crosswalk.csv", lambda rows: [r for r in rows if r[1] != "LLM09"])

    result = catalogue_load(directory=data)

    assert (result["requirements_added"], result["requirements_retired"]) == (1, 1)
    assert result["requirements_updated"] == 1
    assert result["mappings_retired"] == 1
    retiring.refresh_from_db()
    assert retiring.retired_in == "2027.1.1"
    assert retiring.is_retired
    check.refresh_from_db()
    assert check.requirement_id == retiring.pk  # never deleted: the check keeps its link
    added = Requirement.objects.get(framework__key="owasp-llm-top10", ref="LLM11")
    assert (added.added_in, added.verified) == ("2027.1.1", False)
    assert Requirement.objects.get(ref="LLM01").title == "Prompt Injection (renamed)"
    assert Crosswalk.objects.count() == mapping_count  # retired, not deleted
    assert Crosswalk.objects.filter(retired_in="2027.1.1").count() == 1
    assert set(Framework.objects.values_list("data_version", flat=True)) == {"2027.1.1"}

    # the shipped set again: the retired row comes back, the new one is retired in its turn
    again = _copy(tmp_path / "again")
    _set_version(again, "2027.1.2")
    catalogue_load(directory=again)
    retiring.refresh_from_db()
    assert retiring.retired_in == ""
    assert Requirement.objects.get(ref="LLM11").retired_in == "2027.1.2"
    assert not Crosswalk.objects.exclude(retired_in="").exists()


def _append(name: str, row: str):
    def change(directory: Path) -> int:
        path = directory / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text + row + "\n", encoding="utf-8")
        return text.count("\n") + 1

    return change


def _line_of(name: str, needle: str, replace: tuple[str, str]):
    def change(directory: Path) -> int:
        path = directory / name
        lines = path.read_text(encoding="utf-8").split("\n")
        number = next(i for i, line in enumerate(lines) if needle in line)
        lines[number] = lines[number].replace(*replace)
        path.write_text("\n".join(lines), encoding="utf-8")
        return number + 1

    return change


def _broken_json(directory: Path) -> int:
    path = directory / "catalogue.json"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + " oops"
    path.write_text("\n".join(lines), encoding="utf-8")
    return 3


ROW = "X1,Title,risk,Group,,adapt,no,yes,yes,Guidance"


@pytest.mark.parametrize(
    ("change", "file", "message"),
    [
        (_broken_json, "catalogue.json", "malformed JSON"),
        (
            _append("owasp-llm-top10.csv", 'X1,"unterminated'),
            "owasp-llm-top10.csv",
            "malformed CSV",
        ),
        (_append("owasp-llm-top10.csv", "X1,Title,risk"), "owasp-llm-top10.csv", "3 cells"),
        (
            _append("crosswalk.csv", "hipaa,164.308,gdpr,Art. 5,Both."),
            "crosswalk.csv",
            "unknown framework 'hipaa'",
        ),
        (
            _append("crosswalk.csv", "gdpr,Art. 999,gdpr,Art. 5,Both."),
            "crosswalk.csv",
            "gdpr has no requirement 'Art. 999'",
        ),
        (
            _append("crosswalk.csv", "gdpr,Art. 5,gdpr,Art. 5,Itself."),
            "crosswalk.csv",
            "cannot map to itself",
        ),
        (
            _append("owasp-llm-top10.csv", ROW.replace(",,", ",sector=health,")),
            "owasp-llm-top10.csv",
            "unknown key 'sector'",
        ),
        (
            _append("owasp-llm-top10.csv", ROW.replace(",,", ",tiers=extreme,")),
            "owasp-llm-top10.csv",
            "tiers must be a non-empty list",
        ),
        (
            _append("owasp-llm-top10.csv", ROW.replace("X1", "LLM03")),
            "owasp-llm-top10.csv",
            "duplicate ref 'LLM03' (first on line 4)",
        ),
        (
            _append("owasp-llm-top10.csv", ROW.replace("adapt", "deploy")),
            "owasp-llm-top10.csv",
            "unknown phase 'deploy'",
        ),
        (
            _append("owasp-llm-top10.csv", ROW.replace("Title", '"Two\nlines"')),
            "owasp-llm-top10.csv",
            "title must be one line of text",
        ),
        (
            _line_of("dates.csv", "Entry into force,", ("2024-08-01", "2024-02-30")),
            "dates.csv",
            "date '2024-02-30' is not a date",
        ),
        (
            _append("dates.csv", "eu-ai-act,New milestone,2027-01-01,,A source,in force,soon"),
            "dates.csv",
            "as_of 'soon' is not a date",
        ),
    ],
)
def test_a_broken_file_set_is_refused_whole_naming_file_and_line(
    catalogue, tmp_path, change, file, message
):
    data = _copy(tmp_path)
    _set_version(data, "2027.1.1")  # a version that would otherwise change every framework
    if file == "catalogue.json":
        data.joinpath("catalogue.json").write_text(
            (DATA_DIR / "catalogue.json").read_text(encoding="utf-8"), encoding="utf-8"
        )
    line = change(data)
    before = _state()

    with pytest.raises(CatalogueError) as error:
        catalogue_load(directory=data)

    assert any(p.startswith(f"{file}:{line}:") and message in p for p in error.value.problems), (
        error.value.problems
    )
    assert _state() == before
    assert set(Framework.objects.values_list("data_version", flat=True)) == {"2026.12.1"}
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_frameworks", data=data)


# --- what the shipped data holds ----------------------------------------------------------------

COVERAGE = [
    ("eu-ai-act", "eu-ai-act-articles.csv", lambda r: f"Art. {r['article']}"),
    ("eu-ai-act", "eu-ai-act-annex-iii.csv", lambda r: f"Annex III.{r['point']}"),
    ("eu-ai-act", "eu-ai-act-annex-iv.csv", lambda r: f"Annex IV.{r['point']}"),
    ("nist-ai-rmf", "nist-ai-rmf-1.0.csv", lambda r: r["id"]),
    ("nist-ai-600-1", "nist-ai-600-1-risks.csv", lambda r: r["section"]),
    ("iso-42001", "iso-42001-annex-a.csv", lambda r: r["id"]),
    ("gdpr", "gdpr-articles.csv", lambda r: f"Art. {r['article']}"),
    ("ccpa", "ccpa-sections.csv", lambda r: r["citation"]),
    ("owasp-llm-top10", "owasp-llm-top10-2025.csv", lambda r: r["id"]),
]


@pytest.mark.parametrize(("key", "file", "ref_of"), COVERAGE)
def test_every_listed_identifier_is_in_the_catalogue_and_unverified_rows_are_flagged(
    catalogue, key, file, ref_of
):
    reference = _reference(file)
    loaded = dict(Requirement.objects.filter(framework__key=key).values_list("ref", "verified"))
    listed = [ref_of(r) for r in reference]
    missing = [ref for ref in listed if ref not in loaded]
    assert missing == []  # 100% of the listed identifiers
    assert len(listed) == len(set(listed))
    for row in reference:
        assert loaded[ref_of(row)] is (row["verified"] == "yes")


def test_counts_per_framework_and_nist_functions(catalogue):
    counts = {f.key: f.requirements.count() for f in Framework.objects.all()}
    assert counts == {
        "eu-ai-act": 130,
        "nist-ai-rmf": 72,
        "nist-ai-600-1": 12,
        "iso-42001": 38,
        "gdpr": 46,
        "ccpa": 20,
        "owasp-llm-top10": 10,
    }
    by_function = {
        f: Requirement.objects.filter(framework__key="nist-ai-rmf", ref__startswith=f).count()
        for f in ("GOVERN", "MAP", "MEASURE", "MANAGE")
    }
    assert by_function == {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    assert Requirement.objects.get(framework__key="ccpa", ref__endswith="§ 7221").verified is False
    assert Requirement.objects.get(ref="GOVERN 1.1").group == "GOVERN / GOVERN 1"


def test_reference_rows_do_not_apply_to_projects(catalogue):
    act = Requirement.objects.filter(framework__key="eu-ai-act")
    assert not act.filter(kind="annex_point", applies_to_projects=True).exists()
    assert act.filter(kind="annex_point").count() == 17
    for ref in ("Art. 1", "Art. 3", "Art. 64", "Art. 99", "Art. 113"):
        assert act.get(ref=ref).applies_to_projects is False
    # every row projects work has a valid phase; blocking rows are the gate-holding ones
    assert not Requirement.objects.filter(applies_to_projects=True, phase="").exists()
    assert act.get(ref="Art. 5").phase == "scope"
    assert act.get(ref="Art. 5").blocking is True
    assert act.get(ref="Art. 4").applies_when == {}


def test_the_digital_omnibus_dates_are_rows_with_their_own_source_and_as_of(catalogue):
    dates = FrameworkDate.objects.filter(framework__key="eu-ai-act")
    assert dates.count() == len(_reference("eu-ai-act-dates.csv")) == 19
    omnibus = dates.filter(status__contains="Digital Omnibus")
    assert omnibus.count() >= 7
    new = dates.get(milestone="High-risk obligations for stand-alone Annex III systems (new)")
    assert new.date == dt.date(2027, 12, 2)
    assert new.as_of == dt.date(2026, 7, 27)
    assert "Council press release 29 Jun 2026" in new.source
    assert new.status == "amended by Digital Omnibus — verify in Official Journal"
    original = dates.get(milestone="Entry into force")
    assert (original.date, original.as_of) == (dt.date(2024, 8, 1), dt.date(2024, 7, 12))


def test_the_shipped_crosswalk_only_links_existing_requirements_of_different_frameworks(
    catalogue,
):
    data = read_catalogue()
    assert 40 <= len(data.crosswalk) <= 60
    assert Crosswalk.objects.count() == len(data.crosswalk)
    assert not Crosswalk.objects.filter(source__framework=F("target__framework")).exists()


# --- classification against the shipped catalogue ---------------------------------------------

HIGH_RISK_PROVIDER = {
    "Art. 4",
    "Art. 8",
    "Art. 9",
    "Art. 10",
    "Art. 11",
    "Art. 12",
    "Art. 13",
    "Art. 14",
    "Art. 15",
    "Art. 16",
    "Art. 17",
    "Art. 18",
    "Art. 19",
    "Art. 20",
    "Art. 21",
    "Art. 25",
    "Art. 43",
    "Art. 47",
    "Art. 48",
    "Art. 49",
    "Art. 72",
    "Art. 73",
}


def _follow(org, *keys):
    for key in keys:
        OrganizationFramework.objects.create(
            organization=org, framework=Framework.objects.get(key=key)
        )


def _act_refs(project) -> set[str]:
    return set(
        ComplianceCheck.objects.filter(project=project, requirement__framework__key="eu-ai-act")
        .exclude(status="not_applicable")
        .values_list("requirement__ref", flat=True)
    )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # a CV-screening tool built in-house: Annex III area 4 (employment), provider
        ({"role": "provider", "annex_iii_area": "4"}, HIGH_RISK_PROVIDER),
        # the same tool bought and used: the deployer's duties, the rights assessment
        (
            {"role": "deployer", "annex_iii_area": "4"},
            {"Art. 4", "Art. 25", "Art. 26", "Art. 27", "Art. 86"},
        ),
        # a customer-service chatbot: limited risk, transparency
        ({"role": "deployer", "interacts_with_people": True}, {"Art. 4", "Art. 50"}),
        # a spam filter: minimal risk, only what applies to everyone
        ({"role": "deployer"}, {"Art. 4"}),
        # social scoring: prohibited, stopped at scope
        ({"role": "provider", "prohibited_practice": "social_scoring"}, {"Art. 4", "Art. 5"}),
    ],
)
def test_classified_use_cases_get_the_right_obligations_from_the_shipped_catalogue(
    catalogue, org, project, compliance_officer, answers, expected
):
    _follow(org, "eu-ai-act")
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers=answers,
        rationale="By the questionnaire.",
    )
    assert _act_refs(project) == expected


def test_one_piece_of_evidence_counts_for_the_requirements_the_shipped_crosswalk_maps(
    catalogue, org, project, compliance_officer, manager
):
    _follow(org, "eu-ai-act", "iso-42001", "nist-ai-rmf")
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "provider", "annex_iii_area": "4"},
        rationale="Employment area, built in-house.",
    )
    checks = {
        c.requirement.ref: c
        for c in ComplianceCheck.objects.filter(project=project).select_related("requirement")
    }
    evidence = Evidence.objects.create(
        project=project,
        kind="url",
        url="https://wiki.example.com/robustness",
        title="Robustness and accuracy test report",
        owner=manager,
    )
    CheckEvidence.objects.create(
        compliance_check=checks["A.6.2.4"], evidence=evidence, attached_by=manager
    )
    # ISO A.6.2.4 ↔ AI Act Art. 15 and ↔ NIST MEASURE 2.5, both shipped mappings
    assert evidence_counting_for(checks["Art. 15"]) == [evidence]
    assert evidence_counting_for(checks["MEASURE 2.5"]) == [evidence]
    assert evidence_counting_for(checks["Art. 9"]) == []


def test_the_readers_vocabulary_matches_the_models():
    """The reader is pure, so it keeps its own copy of the phases and kinds: they must not
    drift from the models'."""
    from compliance.catalogue_loader import KINDS, PHASES
    from projects.models import Project

    assert set(PHASES) == set(Project.Phase.values) - {"retired"}
    assert set(KINDS) == set(Requirement.Kind.values)
