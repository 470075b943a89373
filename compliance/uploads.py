"""What an uploaded evidence file is, read from its bytes: its safe name, its type (by content,
never by the name or the browser's say-so), its size and its SHA-256.

Names are reduced to a safe base name rather than refused: "../../report.pdf" becomes
"report.pdf" (any folder part is dropped, control characters removed, the length capped).
What is left must still carry an extension of an accepted type, and the content must be that
type: a PNG named "scan.pdf" is refused, and so is anything executable, whatever its name.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

NAME_MAX = 120
HEAD_BYTES = 256 * 1024  # enough for every signature we check (zip parts are listed early)

# Accepted extension → the content type recorded and served.
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "md": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
TEXT = {"txt", "md", "csv", "json"}
# Signatures of text formats (JSON has a weak one): no sign of a binary file.
TEXT_SIGNATURES = {"application/json", "application/xml"}

NO_NAME = "Give the file a name with an extension (report.pdf)."
EMPTY = "The file is empty."
TOO_BIG = "The file is {size} MB; evidence files may be up to {limit} MB."
NOT_ACCEPTED = "Files of type .{ext} are not accepted as evidence; accepted: {accepted}."
MISMATCH = "The file's content is not {kind}, as its name says (it looks like {seen})."
NOT_TEXT = "The file is not plain UTF-8 text, as a .{ext} file must be."
NOT_JSON = "The file is not valid JSON."


@dataclass(frozen=True)
class Inspected:
    file_name: str
    content_type: str
    size: int
    sha256: str


def accepted_extensions() -> list[str]:
    return [ext for ext in settings.CHARTER_EVIDENCE_TYPES if ext in CONTENT_TYPES]


def safe_name(raw: str) -> str:
    """The base name of `raw` with no folder part, control or format characters, leading dots
    or surrounding spaces, at most NAME_MAX characters (the extension kept); "" if nothing
    is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = PurePosixPath(name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = name.strip().lstrip(".").strip()
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: NAME_MAX - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:NAME_MAX]
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _seen(head: bytes) -> list[puremagic.PureMagicWithConfidence]:
    try:
        return list(puremagic.magic_string(head))
    except (puremagic.PureError, ValueError):
        return []


def _looks_like(matches: list[puremagic.PureMagicWithConfidence]) -> str:
    for match in matches:
        if match.mime_type or match.extension:
            return match.mime_type or match.extension.lstrip(".")
    return "something else"


def _check_text(ext: str, head: bytes, matches: list[puremagic.PureMagicWithConfidence]) -> None:
    # Text has no signature: it is text when no binary signature matches, it holds no NUL
    # byte and its start decodes as UTF-8 (a cut multi-byte character at the end is fine).
    binary = [
        m
        for m in matches
        if m.mime_type
        and not m.mime_type.startswith("text/")
        and m.mime_type not in TEXT_SIGNATURES
        and m.extension.lower().lstrip(".") not in TEXT
    ]
    if binary or b"\x00" in head:
        raise ValidationError(NOT_TEXT.format(ext=ext), code="content_type")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            raise ValidationError(NOT_TEXT.format(ext=ext), code="content_type") from None
        text = head[: error.start].decode("utf-8")
    if ext == "json" and text.lstrip()[:1] not in ("{", "["):
        raise ValidationError(NOT_JSON, code="content_type")


def inspect_upload(upload: UploadedFile[bytes]) -> Inspected:
    """Check an upload against the limits and its content against its name; hash it in
    chunks. Raises ValidationError saying what is wrong; reads the file, and rewinds it."""
    name = safe_name(upload.name or "")
    ext = _extension(name)
    if not name or not ext:
        raise ValidationError(NO_NAME, code="file_name")
    accepted = accepted_extensions()
    if ext not in accepted:
        raise ValidationError(
            NOT_ACCEPTED.format(ext=ext, accepted=", ".join(accepted)), code="content_type"
        )
    limit = settings.CHARTER_EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            TOO_BIG.format(size=round(upload.size / 1048576, 1), limit=round(limit / 1048576)),
            code="too_big",
        )
    digest, size, head = hashlib.sha256(), 0, b""
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        if size > limit:
            raise ValidationError(
                TOO_BIG.format(size=round(size / 1048576, 1), limit=round(limit / 1048576)),
                code="too_big",
            )
    upload.seek(0)
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    matches = _seen(head)
    content_type = CONTENT_TYPES[ext]
    if ext in TEXT:
        _check_text(ext, head, matches)
        if ext == "json":
            _check_json(upload)
    elif not any(
        m.mime_type == content_type or m.extension.lower().lstrip(".") == ext for m in matches
    ):
        kind = f"a .{ext} file"
        raise ValidationError(
            MISMATCH.format(kind=kind, seen=_looks_like(matches)), code="content_type"
        )
    return Inspected(
        file_name=name, content_type=content_type, size=size, sha256=digest.hexdigest()
    )


def _check_json(upload: UploadedFile[bytes]) -> None:
    try:
        json.loads(upload.read())
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(NOT_JSON, code="content_type") from None
    finally:
        upload.seek(0)
