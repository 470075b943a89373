"""The small typed shapes the transparency documents are made of (Annex IV, the fact sheet,
the Art. 50 notice): a section of facts, each a label and its lines, and what the record
lacks, each with the page where it is recorded. Plain data, so the page, the PDF and the
JSON of the API render the same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

NOT_RECORDED = "Not recorded: "


@dataclass(frozen=True)
class Missing:
    """Something the document needs that the record does not hold yet, and where to record it."""

    what: str
    url: str

    @property
    def text(self) -> str:
        return f"{NOT_RECORDED}{self.what}"

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "url": self.url}


@dataclass(frozen=True)
class Fact:
    label: str
    lines: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "lines": list(self.lines)}


@dataclass(frozen=True)
class Section:
    """One part of a document: its facts from the record and what is missing from it."""

    key: str
    title: str
    reference: str = ""  # the article or point it answers: "Annex IV point 1"
    facts: list[Fact] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.facts

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "reference": self.reference,
            "facts": [fact.as_dict() for fact in self.facts],
            "missing": [item.as_dict() for item in self.missing],
        }


class SectionBuilder:
    """Collects a section's facts and gaps: `fact` adds lines only when there are some, and
    `need` says what is missing when there are none, with the page that records it."""

    def __init__(self, project: Any) -> None:
        self.project = project
        self.facts: list[Fact] = []
        self.missing: list[Missing] = []

    def url(self, route: str, *args: Any) -> str:
        return reverse(route, args=[self.project.pk, *args])

    def fact(self, label: str, *lines: str) -> None:
        kept = [line for line in lines if line and line.strip()]
        if kept:
            self.facts.append(Fact(label, kept))

    def need(self, what: str, route: str, *args: Any) -> None:
        self.missing.append(Missing(what, self.url(route, *args)))

    def fact_or_need(self, label: str, lines: list[str], what: str, route: str) -> None:
        """The fact if the record holds it, else a gap pointing at where it is recorded."""
        if any(line and line.strip() for line in lines):
            self.fact(label, *lines)
        else:
            self.need(what, route)

    def build(self, key: str, title: str, reference: str = "") -> Section:
        return Section(key, title, reference, self.facts, self.missing)
