#!/usr/bin/env python3
"""Verify a Charter audit trail export (JSON Lines or CSV) offline, without Charter.

    python3 verify_export.py EXPORT.jsonl|EXPORT.csv [--public-key HEX] [--checkpoint FILE]

Needs only the Python standard library (3.10+). It recomputes every event's SHA-256 from the
fields on its line (in a CSV export: from its `canonical` column, and holds each readable
column equal to the field it shows), checks that each event links to the one before (when
the export is a contiguous stretch of the chain), checks the manifest's row count, ends
and digest of the row hashes, and — if the export reaches it — that the chain passes
through the signed checkpoint. The Ed25519 signatures (of the manifest and the checkpoint)
are checked when the `cryptography` package is installed; without it the script says so,
and you compare the manifest's checkpoint with one you hold (`--checkpoint`, a line of the server's
audit-checkpoints.jsonl). Pass the server's published public key with `--public-key` (from
/.well-known/charter-audit-key.json) to trust it rather than the key the manifest names.

Exit status 0: the export verifies; 1: it does not (the first bad line is named); 2: usage.
"""

# ruff: noqa: T201 (a command-line tool: it prints its verdict)
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from typing import Any

EXPORT_FORMAT = "charter-audit-export:v1"
CHECKPOINT_VERSION = "charter-audit-checkpoint:v1"
CSV_MANIFEST_MARK = "#charter-audit-manifest"
# What a spreadsheet would run as a formula; the export put an apostrophe before such a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NOT_HASHED = ("canonical", "hash", "export_row")  # CSV columns that show no hashed field


def canonical(value: object) -> str:
    """How the manifest is signed, and how events of `hash_format` 1 were hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# RFC 8785 (JSON Canonicalization Scheme) with the standard library alone: how events of
# `hash_format` 2 are hashed. Charter hashes with the `rfc8785` package; a test holds the two
# equal over generated values.
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _jcs_string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _jcs_number(number: float) -> str:
    """ECMAScript's Number.prototype.toString (ECMA-262 7.1.12.1), as RFC 8785 requires."""
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinities have no JSON form")
    if number == 0:
        return "0"
    if number < 0:
        return "-" + _jcs_number(-number)
    mantissa, _, exponent = repr(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)  # the value is 0.<digits> x 10**point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    power = point - 1
    sign = "+" if power >= 0 else "-"
    head = digits if count == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(power)}"


def jcs(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _jcs_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _jcs_number(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        # Keys in the order of their UTF-16 code units (RFC 8785 section 3.2.3).
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(_jcs_string(key) + ":" + jcs(value[key]) for key in keys) + "}"
    raise ValueError(f"not a JSON value: {type(value).__name__}")


def event_bytes(row: dict[str, Any]) -> bytes:
    """The bytes an exported event's hash covers, in the form the event names."""
    if row.get("hash_format", 1) == 1:
        return canonical(row).encode()
    return jcs(row).encode()


def ed25519_ok(public_key_hex: str, message: bytes, signature_hex: str) -> bool | None:
    """True or False when `cryptography` is installed; None when it cannot be checked."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_message(checkpoint: dict[str, Any]) -> bytes:
    return (
        f"{CHECKPOINT_VERSION}:{checkpoint['chain']}:{checkpoint['sequence']}:"
        f"{checkpoint['head_hash']}:{checkpoint['taken_at']}"
    ).encode()


class Failure(Exception):  # noqa: N818 (what the verdict is called)
    """The export does not verify: the message names the first bad line (`row`: the number
    of the first bad event in the file, from 1, when one event is to blame)."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def _unneutralise(cell: str) -> str:
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def read_jsonl(text: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The manifest, and each event as (where, its line parsed or None if unparsable)."""
    lines = text.splitlines()
    if not lines:
        raise Failure("the file is empty")
    try:
        manifest = json.loads(lines[-1])["manifest"]
    except (ValueError, KeyError, TypeError):
        raise Failure(f"line {len(lines)}: the last line is not the manifest") from None
    rows: list[tuple[str, Any]] = []
    for number, line in enumerate(lines[:-1], start=1):
        try:
            row = json.loads(line)
            stored = row.pop("hash")
            position = row.pop("export_row", None)
        except (ValueError, KeyError, AttributeError, TypeError):
            raise Failure(f"line {number}: not an exported event", number) from None
        rows.append((f"line {number}", (row, stored, position)))
    return manifest, rows


def read_csv(text: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Like read_jsonl, from a CSV export: each row's hashed fields come from its canonical
    column, and every readable column must show the same value."""
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise Failure(f"not a readable CSV file: {error}") from None
    if len(table) < 2:
        raise Failure("the file has no header and manifest")
    header, last = table[0], table[-1]
    if len(last) != 2 or last[0] != CSV_MANIFEST_MARK:
        raise Failure(f"line {len(table)}: the last row is not the manifest")
    try:
        manifest = json.loads(last[1])
    except ValueError:
        raise Failure(f"line {len(table)}: the manifest is not JSON") from None
    if "canonical" not in header or "hash" not in header:
        raise Failure("line 1: the header names no canonical and hash columns")
    rows: list[tuple[str, Any]] = []
    for number, cells in enumerate(table[1:-1], start=1):
        where = f"row {number} (line {number + 1})"
        if len(cells) != len(header):
            raise Failure(f"{where}: has {len(cells)} cells, the header {len(header)}", number)
        record = dict(zip(header, (_unneutralise(cell) for cell in cells), strict=True))
        try:
            row = json.loads(record["canonical"])
        except ValueError:
            raise Failure(f"{where}: its canonical column is not JSON", number) from None
        if not isinstance(row, dict):
            raise Failure(f"{where}: its canonical column is not an event", number)
        for name, shown in record.items():
            if name not in NOT_HASHED and _shown(row.get(name)) != shown:
                raise Failure(
                    f"{where}: its {name} column does not match the hashed event (altered)",
                    number,
                )
        rows.append((where, (row, record["hash"], record.get("export_row"))))
    return manifest, rows


def verify(
    path: str, public_key: str | None = None, held: dict[str, Any] | None = None
) -> list[str]:
    """Raise Failure naming the first problem; return the notes of what was checked."""
    notes: list[str] = []
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    is_csv = text.startswith("sequence,") or path.lower().endswith(".csv")
    manifest, rows = read_csv(text) if is_csv else read_jsonl(text)
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise Failure(f"the manifest: unknown export format {found!r}")
    digest = hashlib.sha256()
    previous: dict[str, Any] | None = None
    checkpoint = manifest.get("checkpoint")
    wanted = {known["sequence"] for known in (checkpoint, held) if known}
    hash_at: dict[int, str] = {}
    for number, (label, (row, stored, position)) in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(stored, str):
            raise Failure(f"{label}: not an exported event", number)
        where = f"{label} (event {row.get('id')}, sequence {row.get('sequence')})"
        if hashlib.sha256(event_bytes(row)).hexdigest() != stored:
            raise Failure(f"{where}: its content does not match its hash (altered)", number)
        if row.get("chain") != manifest.get("chain"):
            raise Failure(f"{where}: belongs to another chain than the manifest's", number)
        if not isinstance(row.get("sequence"), int) or "prev_hash" not in row:
            raise Failure(f"{where}: not an exported event", number)
        if previous is not None and row["sequence"] <= previous["sequence"]:
            raise Failure(f"{where}: out of order after sequence {previous['sequence']}", number)
        if position is not None and str(position) != str(number):
            raise Failure(
                f"{where}: is row {position} of the export, found as row {number} "
                "(a row before it was removed, or rows were moved)",
                number,
            )
        if manifest.get("contiguous") and previous is not None:
            if row["sequence"] != previous["sequence"] + 1:
                raise Failure(f"{where}: sequence {previous['sequence'] + 1} is missing", number)
            if row["prev_hash"] != previous["hash"]:
                raise Failure(f"{where}: does not link to the event before it", number)
        if row["sequence"] in wanted:
            hash_at[row["sequence"]] = stored
        digest.update(stored.encode() + b"\n")
        previous = {"sequence": row["sequence"], "hash": stored, "id": row["id"]}
        if number == 1:
            first = {"id": row["id"], "sequence": row["sequence"], "prev_hash": row["prev_hash"]}
            if manifest.get("first") != first:
                raise Failure(f"{where}: is not the first event the manifest names", number)
    if manifest.get("rows") != len(rows):
        raise Failure(f"the manifest says {manifest.get('rows')} rows, the file has {len(rows)}")
    last = (
        None
        if previous is None
        else {"id": previous["id"], "sequence": previous["sequence"], "hash": previous["hash"]}
    )
    if manifest.get("last") != last:
        raise Failure("the last event is not the one the manifest names (rows removed at the end?)")
    if manifest.get("rows_sha256") != digest.hexdigest():
        raise Failure("the rows' digest does not match the manifest (rows removed or reordered)")
    notes.append(
        f"{len(rows)} rows: every hash recomputed"
        + (
            ", every link checked"
            if manifest.get("contiguous")
            else " (a filtered export: links not contiguous)"
        )
    )
    key = public_key or str(manifest.get("public_key", ""))
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    signed = ed25519_ok(key, canonical(unsigned).encode(), str(manifest.get("signature", "")))
    if signed is False:
        raise Failure(
            "the manifest's signature does not verify "
            "(the manifest was edited, or another key signed it)"
        )
    notes.append(
        "manifest signature: "
        + ("verified" if signed else "NOT CHECKED (install the cryptography package)")
    )
    for label, known in (("the manifest's checkpoint", checkpoint), ("your checkpoint", held)):
        if not known:
            continue
        known_signed = ed25519_ok(key, checkpoint_message(known), known["signature"])
        if known_signed is False:
            raise Failure(f"{label}: its signature does not verify")
        there = hash_at.get(known["sequence"])
        if there is not None and there != known["head_hash"]:
            raise Failure(
                f"event {known['sequence']} does not have the hash {label} signed "
                "(the chain was rewritten)"
            )
        reached = "passed through" if there else "outside this export"
        signature = "signature verified" if known_signed else "signature NOT CHECKED"
        notes.append(f"{label} #{known['sequence']}: {reached}, {signature}")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Charter audit trail export offline.")
    parser.add_argument("export")
    parser.add_argument("--public-key", help="the server's published Ed25519 key (hex)")
    parser.add_argument("--checkpoint", help="a checkpoint you hold (a JSON file or line)")
    args = parser.parse_args(argv)
    held = None
    if args.checkpoint:
        with open(args.checkpoint, encoding="utf-8") as handle:
            held = json.loads(handle.read().strip().splitlines()[-1])
    try:
        notes = verify(args.export, args.public_key, held)
    except Failure as failure:
        print(f"FAILED: {failure}")
        return 1
    except OSError as error:
        print(f"cannot read the export: {error}")
        return 2
    for note in notes:
        print(f"OK {note}")
    print("VERIFIED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
