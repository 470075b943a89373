"""The one CSV writer of Charter: every cell a spreadsheet could run as a formula is
neutralised, whoever wrote it (a stakeholder's answer, a contributor's question prompt, a chosen
option, a name). See OWASP's "CSV Injection".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets; a leading apostrophe makes it text and is not shown.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """`value` as a spreadsheet will show it but never run it; numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The rows (header included) as CSV text, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
