"""The catalogue as a file, JSON or CSV: the one list of columns, the exporter and the parser.

A file exported here and imported into an empty organisation gives the same rows: text as
written, Decimals as strings with every digit, dates in ISO 8601, modalities as a JSON list or,
in CSV, one `;`-separated cell, the vendor by name. Parsing checks the shape and the types of
the whole file and reports every problem with where it is (CSV line, JSON index) and the field;
the import service then checks each row against the model's own rules, and writes nothing
unless the whole file passes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.csvfiles import FORMULA_STARTS, csv_text
from models_registry.models import CatalogueModel

SCHEMA = "charter-catalogue/1"
FORMATS = ("json", "csv")
MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
# Problems listed at most; a file with more is refused with the first ones and a count.
MAX_PROBLEMS = 50

COLUMNS: tuple[str, ...] = (
    "provider",
    "name",
    "version",
    "source",
    "hosting",
    "vendor",
    "licence",
    "commercial_terms",
    "parameter_count",
    "context_window",
    "modalities",
    "data_residency",
    "input_price_per_million",
    "output_price_per_million",
    "currency",
    "price_as_of",
    "limitations",
    "model_card_url",
)
REQUIRED: tuple[str, ...] = ("provider", "name", "source", "hosting")
INTEGERS = frozenset({"parameter_count", "context_window"})
DECIMALS = frozenset({"input_price_per_million", "output_price_per_million"})
DATES = frozenset({"price_as_of"})
LISTS = frozenset({"modalities"})
TEXTS = frozenset(COLUMNS) - INTEGERS - DECIMALS - DATES - LISTS
# Keys a JSON file may have besides `models` (what the export and the starter file write).
JSON_KEYS = frozenset({"schema", "description", "exported_at", "models"})
MODALITY_SEPARATOR = ";"

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INTEGER = re.compile(r"\d+")

UNKNOWN_COLUMN = "Unknown column."
UNKNOWN_KEY = "Unknown key."
REPEATED_COLUMN = "This column appears twice."
MISSING_COLUMN = "This column is required."
REQUIRED_VALUE = "This field is required."
NOT_TEXT = "Must be a string."
NOT_INTEGER = "Must be a whole number."
NOT_DECIMAL = "Must be a decimal number, such as 2.50."
NOT_DATE = "Must be a date in ISO form, such as 2024-07-18."
NOT_LIST = "Must be a list of strings."
TOO_BIG = f"The file is larger than {MAX_FILE_BYTES // 1024} KiB."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS} models."
NOT_UTF8 = "The file is not UTF-8 text."
NO_HEADER = "The file is empty: the first line must name the columns."
BAD_JSON = "The file is not valid JSON"
NOT_AN_EXPORT = 'A catalogue file is a JSON object with a "models" list.'
WRONG_SCHEMA = f'Unknown schema: this version of Charter reads "{SCHEMA}".'
NOT_AN_OBJECT = "Each model must be a JSON object."
UNKNOWN_FORMAT = "Choose json or csv."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file: where (a CSV line, a JSON index, or the file),
    which field, and what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.where}, {self.field}" if self.field else self.where
        return f"{place}: {self.message}"


@dataclass
class ParsedRow:
    """One model of the file, its values typed (str, int, Decimal, date, list of str or
    None); only the columns the file has."""

    where: str
    values: dict[str, Any]


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def problem_messages(problems: list[Problem]) -> list[str]:
    """The problems as lines for a page or the API, capped at MAX_PROBLEMS."""
    lines = [str(p) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"… and {len(problems) - MAX_PROBLEMS} more problems.")
    return lines


# --- export ------------------------------------------------------------------------------------


def _file_value(model: CatalogueModel, name: str) -> Any:
    """A model's value as the JSON file holds it."""
    if name == "vendor":
        return model.vendor.name if model.vendor is not None else ""
    value = getattr(model, name)
    if name in DECIMALS:
        return None if value is None else str(value)
    if name in DATES:
        return None if value is None else value.isoformat()
    if name in LISTS:
        return list(value)
    return value


def export_rows(models: Iterable[CatalogueModel]) -> list[dict[str, Any]]:
    return [{name: _file_value(model, name) for name in COLUMNS} for model in models]


def to_json(models: Iterable[CatalogueModel], *, exported_at: str) -> str:
    body = {"schema": SCHEMA, "exported_at": exported_at, "models": export_rows(models)}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _csv_cell(value: Any) -> Any:
    """The CSV cell of a JSON value. A text starting with an apostrophe before a character
    that csv_text would neutralise (or before another apostrophe) gets one more, so that the
    parser's `_csv_text` takes exactly one off and every value comes back as written."""
    if value is None:
        return ""
    if isinstance(value, list):
        return MODALITY_SEPARATOR.join(value)
    if isinstance(value, str) and _is_neutralised(value):
        return "'" + value
    return value


def to_csv(models: Iterable[CatalogueModel]) -> str:
    rows = export_rows(models)
    return csv_text([COLUMNS, *([_csv_cell(row[name]) for name in COLUMNS] for row in rows)])


# --- parse -------------------------------------------------------------------------------------


def parse(content: bytes, file_format: str) -> ParsedFile:
    """Every model of the file with its typed values, and every problem found on the way."""
    if file_format not in FORMATS:
        return ParsedFile(problems=[Problem("The file", "format", UNKNOWN_FORMAT)])
    if len(content) > MAX_FILE_BYTES:
        return ParsedFile(problems=[Problem("The file", "", TOO_BIG)])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedFile(problems=[Problem("The file", "", NOT_UTF8)])
    parsed = _parse_csv(text) if file_format == "csv" else _parse_json(text)
    if len(parsed.rows) > MAX_ROWS:
        return ParsedFile(problems=[Problem("The file", "", TOO_MANY_ROWS)])
    return parsed


def _parse_json(text: str) -> ParsedFile:
    result = ParsedFile()
    try:
        # Decimals stay Decimals: a price read as a float would lose digits.
        body = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        where = f"Line {error.lineno}, column {error.colno}"
        result.problems.append(Problem(where, "", f"{BAD_JSON}: {error.msg}."))
        return result
    if not isinstance(body, dict) or not isinstance(body.get("models"), list):
        result.problems.append(Problem("The file", "", NOT_AN_EXPORT))
        return result
    for key in sorted(set(body) - JSON_KEYS):
        result.problems.append(Problem("The file", key, UNKNOWN_KEY))
    if "schema" in body and body["schema"] != SCHEMA:
        result.problems.append(Problem("The file", "schema", WRONG_SCHEMA))
    for index, item in enumerate(body["models"]):
        where = f"models[{index}]"
        if not isinstance(item, dict):
            result.problems.append(Problem(where, "", NOT_AN_OBJECT))
            continue
        for key in sorted(set(item) - set(COLUMNS), key=str):
            result.problems.append(Problem(where, str(key), UNKNOWN_KEY))
        values = {}
        for name in COLUMNS:
            if name in item:
                value, message = _json_value(name, item[name])
                if message:
                    result.problems.append(Problem(where, name, message))
                else:
                    values[name] = value
        result.problems.extend(_missing(where, item))
        result.rows.append(ParsedRow(where, values))
    return result


def _json_value(name: str, raw: Any) -> tuple[Any, str]:
    """(the typed value, "") or (None, what is wrong)."""
    if name in TEXTS:
        return (raw, "") if isinstance(raw, str) else (None, NOT_TEXT)
    if name in LISTS:
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return raw, ""
        return None, NOT_LIST
    if raw is None:
        return None, ""
    if name in INTEGERS:
        # A bool is an int to Python, not to a catalogue.
        ok = isinstance(raw, int) and not isinstance(raw, bool)
        return (raw, "") if ok else (None, NOT_INTEGER)
    if name in DECIMALS:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            return None, NOT_DECIMAL
        return _decimal(str(raw))
    if not isinstance(raw, str):
        return None, NOT_DATE
    return _date(raw)


def _missing(where: str, values: dict[str, Any]) -> Iterator[Problem]:
    for name in REQUIRED:
        if name not in values:
            yield Problem(where, name, REQUIRED_VALUE)


def _decimal(text: str) -> tuple[Any, str]:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None, NOT_DECIMAL
    return (value, "") if value.is_finite() else (None, NOT_DECIMAL)


def _date(text: str) -> tuple[Any, str]:
    if not ISO_DATE.fullmatch(text):
        return None, NOT_DATE
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return None, NOT_DATE


def _parse_csv(text: str) -> ParsedFile:
    result = ParsedFile()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            result.problems.append(Problem("Line 1", "", NO_HEADER))
            return result
        header = [cell.strip() for cell in header]
        result.problems.extend(_header_problems(header))
        if result.problems:
            return result  # without the columns, no line can be read
        line = reader.line_num + 1
        for cells in reader:
            where = f"Line {line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(header):
                message = f"Expected {len(header)} cells, found {len(cells)}."
                result.problems.append(Problem(where, "", message))
                continue
            values = {}
            for name, cell in zip(header, cells, strict=True):
                value, message = _csv_value(name, cell)
                if message:
                    result.problems.append(Problem(where, name, message))
                else:
                    values[name] = value
            for name in REQUIRED:
                if name in values and values[name] == "":
                    result.problems.append(Problem(where, name, REQUIRED_VALUE))
            result.rows.append(ParsedRow(where, values))
    except csv.Error as error:
        result.problems.append(Problem(f"Line {reader.line_num}", "", f"Not valid CSV: {error}."))
    return result


def _header_problems(header: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            yield Problem("Line 1", name or "(blank)", UNKNOWN_COLUMN)
        elif name in seen:
            yield Problem("Line 1", name, REPEATED_COLUMN)
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            yield Problem("Line 1", name, MISSING_COLUMN)


def _csv_text(cell: str) -> str:
    """Undo csv_text's neutralising: one leading apostrophe before a formula character (or
    before another apostrophe, see `_csv_cell`) goes."""
    return cell[1:] if _is_neutralised(cell) else cell


def _is_neutralised(text: str) -> bool:
    return text.startswith("'") and text[1:].startswith((*FORMULA_STARTS, "'"))


def _csv_value(name: str, cell: str) -> tuple[Any, str]:
    if name in TEXTS:
        return _csv_text(cell), ""
    stripped = cell.strip()
    if name in LISTS:
        return [part.strip() for part in stripped.split(MODALITY_SEPARATOR) if part.strip()], ""
    if not stripped:
        return None, ""
    if name in INTEGERS:
        return (int(stripped), "") if INTEGER.fullmatch(stripped) else (None, NOT_INTEGER)
    if name in DECIMALS:
        return _decimal(_csv_text(stripped))
    return _date(stripped)
