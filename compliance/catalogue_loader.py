"""Reading the shipped catalogue data files (compliance/data/) into plain values, and
refusing them whole on the first read if anything is wrong. Pure: no database; the service
compliance/services/catalogue.py writes what this returns.

The file set: `catalogue.json` names the data version and the frameworks, each framework has
one CSV of requirements, and `crosswalk.csv` and `dates.csv` hold the mappings and the key
dates. CSV keeps each row on its own line, so every problem can name its file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.applicability import check_applies_when
from core.models import CONTROL_CHARACTERS

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_FILE = "catalogue.json"
# The project phases a requirement can be due by (projects.models.Project.Phase, without
# `retired`: nothing is due by retiring a project). Kept as data here so the loader stays pure.
PHASES = ("scope", "select", "adapt", "integrate", "operate")
KINDS = ("article", "annex_point", "subcategory", "control", "risk", "section")
REQUIREMENT_COLUMNS = (
    "ref",
    "title",
    "kind",
    "group",
    "applies_when",
    "phase",
    "blocking",
    "applies_to_projects",
    "verified",
    "guidance",
)
CROSSWALK_COLUMNS = (
    "source_framework",
    "source_ref",
    "target_framework",
    "target_ref",
    "rationale",
)
DATE_COLUMNS = ("framework", "milestone", "date", "articles_affected", "source", "status", "as_of")
FRAMEWORK_KEYS = ("key", "name", "edition", "publisher", "source_url", "licence_note", "file")
VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
YES_NO = {"yes": True, "no": False}
LIMITS = {"ref": 60, "title": 600, "group": 200, "guidance": 5000}


class CatalogueError(ValueError):
    """The data files are refused; `problems` are "file:line: what is wrong"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The catalogue data is refused:\n" + "\n".join(problems))


@dataclass(frozen=True)
class FrameworkData:
    key: str
    name: str
    edition: str
    publisher: str
    source_url: str
    licence_note: str


@dataclass(frozen=True)
class RequirementData:
    framework: str
    ref: str
    title: str
    kind: str
    group: str
    applies_when: dict[str, Any]
    phase: str
    blocking: bool
    applies_to_projects: bool
    verified: bool
    guidance: str
    order: int


@dataclass(frozen=True)
class CrosswalkData:
    source: tuple[str, str]  # (framework key, ref)
    target: tuple[str, str]
    rationale: str


@dataclass(frozen=True)
class DateData:
    framework: str
    milestone: str
    date: dt.date
    articles_affected: str
    source: str
    status: str
    as_of: dt.date


@dataclass
class CatalogueData:
    version: str
    frameworks: list[FrameworkData] = field(default_factory=list)
    requirements: list[RequirementData] = field(default_factory=list)
    crosswalk: list[CrosswalkData] = field(default_factory=list)
    dates: list[DateData] = field(default_factory=list)


def parse_applies_when(text: str) -> dict[str, Any]:
    """`tiers=high;roles=provider|deployer` → {"tiers": ["high"], "roles": [...]}; empty → {}.
    A compact form, so a CSV cell needs no JSON quoting; the vocabulary is checked by
    compliance.applicability.check_applies_when."""
    result: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, values = part.partition("=")
        if not sep:
            raise ValueError(f"applies_when part {part!r} is not key=value")
        result[key.strip()] = [v.strip() for v in values.split("|") if v.strip()]
    return result


def _read_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path.name}: file missing")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        problems.append(f"{path.name}:{line}: malformed JSON: {exc}")
    return None


def _read_csv(
    path: Path, columns: tuple[str, ...], problems: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """Rows with the line they start on; problems for a missing file, a wrong header, a row
    with too many or too few cells, or CSV that cannot be parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path.name}: file missing")
        return []
    except UnicodeDecodeError as exc:
        problems.append(f"{path.name}:1: not UTF-8: {exc}")
        return []
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    found: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, None)
        if header is None or tuple(header) != columns:
            problems.append(f"{path.name}:1: the header must be {','.join(columns)}")
            return []
        line = reader.line_num + 1
        for cells in reader:
            if cells and len(cells) != len(columns):
                problems.append(f"{path.name}:{line}: {len(cells)} cells, expected {len(columns)}")
            elif cells:
                found.append((line, dict(zip(columns, cells, strict=True))))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"{path.name}:{reader.line_num}: malformed CSV: {exc}")
    return found


def _flag(value: str, name: str, where: str, problems: list[str]) -> bool:
    if value not in YES_NO:
        problems.append(f"{where}: {name} must be yes or no, not {value!r}")
        return False
    return YES_NO[value]


def _date(value: str, name: str, where: str, problems: list[str]) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {name} {value!r} is not a date (YYYY-MM-DD)")
        return dt.date.min


def _frameworks(raw: Any, problems: list[str]) -> tuple[str, list[tuple[FrameworkData, str]]]:
    if not isinstance(raw, dict):
        problems.append(f"{CATALOGUE_FILE}:1: must be an object with version and frameworks")
        return "", []
    version = raw.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        problems.append(f"{CATALOGUE_FILE}:1: version must look like 2026.12.1, not {version!r}")
        version = ""
    listed: list[tuple[FrameworkData, str]] = []
    items = raw.get("frameworks")
    if not isinstance(items, list) or not items:
        problems.append(f"{CATALOGUE_FILE}:1: frameworks must be a non-empty list")
        return version, []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where = f"{CATALOGUE_FILE}: framework #{number}"
        if not isinstance(item, dict) or set(item) != set(FRAMEWORK_KEYS):
            problems.append(f"{where}: needs exactly the keys {', '.join(FRAMEWORK_KEYS)}")
            continue
        if not all(isinstance(item[k], str) for k in FRAMEWORK_KEYS):
            problems.append(f"{where}: every value must be text")
            continue
        if not KEY.match(item["key"]):
            problems.append(f"{where}: key {item['key']!r} must be a short lower-case slug")
            continue
        if item["key"] in seen:
            problems.append(f"{where}: duplicate framework {item['key']!r}")
            continue
        if not item["source_url"].startswith("https://"):
            problems.append(f"{where}: source_url must be an https address")
        seen.add(item["key"])
        values = {k: item[k] for k in FRAMEWORK_KEYS if k != "file"}
        listed.append((FrameworkData(**values), item["file"]))
    return version, listed


def _requirements(path: Path, framework: str, problems: list[str]) -> list[RequirementData]:
    found: list[RequirementData] = []
    refs: dict[str, int] = {}
    for order, (line, row) in enumerate(_read_csv(path, REQUIREMENT_COLUMNS, problems), start=1):
        where = f"{path.name}:{line}"
        ref, title = row["ref"].strip(), row["title"].strip()
        if not ref or not title:
            problems.append(f"{where}: ref and title are required")
            continue
        if ref in refs:
            problems.append(f"{where}: duplicate ref {ref!r} (first on line {refs[ref]})")
            continue
        refs[ref] = line
        for name, limit in LIMITS.items():
            if len(row[name]) > limit:
                problems.append(f"{where}: {name} is longer than {limit} characters")
        # one-line fields stay on one line (BaseModel.clean_fields; bulk writes skip it)
        problems.extend(
            f"{where}: {name} must be one line of text"
            for name in ("ref", "title", "group", "phase")
            if CONTROL_CHARACTERS.search(row[name])
        )
        if row["kind"] not in KINDS:
            problems.append(f"{where}: unknown kind {row['kind']!r}")
        if row["phase"] and row["phase"] not in PHASES:
            problems.append(f"{where}: unknown phase {row['phase']!r}")
        try:
            applies_when = parse_applies_when(row["applies_when"])
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            applies_when = {}
        problems.extend(f"{where}: applies_when: {p}" for p in check_applies_when(applies_when))
        applies_to_projects = _flag(
            row["applies_to_projects"], "applies_to_projects", where, problems
        )
        if applies_to_projects and not row["phase"]:
            problems.append(f"{where}: a requirement projects work needs a phase")
        found.append(
            RequirementData(
                framework=framework,
                ref=ref,
                title=title,
                kind=row["kind"],
                group=row["group"].strip(),
                applies_when=applies_when,
                phase=row["phase"],
                blocking=_flag(row["blocking"], "blocking", where, problems),
                applies_to_projects=applies_to_projects,
                verified=_flag(row["verified"], "verified", where, problems),
                guidance=row["guidance"].strip(),
                order=order,
            )
        )
    return found


def _crosswalk(
    path: Path, refs: set[tuple[str, str]], frameworks: set[str], problems: list[str]
) -> list[CrosswalkData]:
    found: list[CrosswalkData] = []
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for line, row in _read_csv(path, CROSSWALK_COLUMNS, problems):
        where = f"{path.name}:{line}"
        source = (row["source_framework"], row["source_ref"])
        target = (row["target_framework"], row["target_ref"])
        bad = False
        for framework, ref in (source, target):
            if framework not in frameworks:
                problems.append(f"{where}: unknown framework {framework!r}")
                bad = True
            elif (framework, ref) not in refs:
                problems.append(f"{where}: {framework} has no requirement {ref!r}")
                bad = True
        if bad:
            continue
        if source == target:
            problems.append(f"{where}: a requirement cannot map to itself")
            continue
        if (source, target) in pairs or (target, source) in pairs:
            problems.append(f"{where}: duplicate mapping {source[1]} ↔ {target[1]}")
            continue
        if not row["rationale"].strip():
            problems.append(f"{where}: every mapping needs a rationale")
            continue
        pairs.add((source, target))
        found.append(
            CrosswalkData(source=source, target=target, rationale=row["rationale"].strip())
        )
    return found


def _dates(path: Path, frameworks: set[str], problems: list[str]) -> list[DateData]:
    found: list[DateData] = []
    seen: set[tuple[str, str]] = set()
    for line, row in _read_csv(path, DATE_COLUMNS, problems):
        where = f"{path.name}:{line}"
        if row["framework"] not in frameworks:
            problems.append(f"{where}: unknown framework {row['framework']!r}")
            continue
        key = (row["framework"], row["milestone"].strip())
        if not key[1] or not row["source"].strip() or not row["status"].strip():
            problems.append(f"{where}: milestone, source and status are required")
            continue
        if key in seen:
            problems.append(f"{where}: duplicate milestone {key[1]!r}")
            continue
        seen.add(key)
        found.append(
            DateData(
                framework=key[0],
                milestone=key[1],
                date=_date(row["date"], "date", where, problems),
                articles_affected=row["articles_affected"].strip(),
                source=row["source"].strip(),
                status=row["status"].strip(),
                as_of=_date(row["as_of"], "as_of", where, problems),
            )
        )
    return found


def read_catalogue(directory: Path = DATA_DIR) -> CatalogueData:
    """Every file of the set, checked together; raises CatalogueError listing every problem
    (file and line) if any, so nothing of a broken set is ever written."""
    problems: list[str] = []
    version, listed = _frameworks(_read_json(directory / CATALOGUE_FILE, problems), problems)
    data = CatalogueData(version=version)
    for framework, filename in listed:
        if "/" in filename or "\\" in filename or not filename.endswith(".csv"):
            problems.append(f"{CATALOGUE_FILE}: {framework.key}: file must be a .csv in the folder")
            continue
        data.frameworks.append(framework)
        data.requirements.extend(_requirements(directory / filename, framework.key, problems))
    keys = {f.key for f in data.frameworks}
    refs = {(r.framework, r.ref) for r in data.requirements}
    data.crosswalk = _crosswalk(directory / "crosswalk.csv", refs, keys, problems)
    data.dates = _dates(directory / "dates.csv", keys, problems)
    if problems:
        raise CatalogueError(problems)
    return data
