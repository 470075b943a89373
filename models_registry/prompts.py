"""Prompt texts: the placeholders they use and the side-by-side difference between two of
them. Pure: the services, the pages and the API share it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# `{{ name }}` — the placeholder syntax of Jinja, Mustache and most prompt tools.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def placeholders(text: str) -> list[str]:
    """The distinct placeholder names of `text`, in the order they first appear."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: the old line, the new line, and what happened."""

    kind: str  # "same", "changed", "removed", "added"
    old_number: int | None
    old: str
    new_number: int | None
    new: str


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Line by line, the old text beside the new: equal lines face each other, a replaced
    block pairs its lines in order, and what is only on one side faces a blank."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("same", i + 1, old_lines[i], j + 1, new_lines[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(olds), len(news))):
            i = olds[k] if k < len(olds) else None
            j = news[k] if k < len(news) else None
            kind = (
                "changed"
                if i is not None and j is not None
                else "removed"
                if j is None
                else "added"
            )
            rows.append(
                DiffRow(
                    kind,
                    None if i is None else i + 1,
                    "" if i is None else old_lines[i],
                    None if j is None else j + 1,
                    "" if j is None else new_lines[j],
                )
            )
    return rows
