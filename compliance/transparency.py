"""The three transparency documents of a project — the Annex IV technical documentation,
the fact sheet and the Art. 50 notice — by their slug, with their PDF. The page, the PDF and
the API all start here, so they tell the same facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from compliance.annex_iv import annex_iv
from compliance.documents import Section
from compliance.fact_sheet import fact_sheet
from compliance.transparency_notice import transparency_notice
from core.pdf import html_to_pdf
from projects.models import Project


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    build: Callable[[Project], list[Section]]


DOCUMENTS: dict[str, Document] = {
    document.slug: document
    for document in (
        Document("annex-iv", "Technical documentation (EU AI Act Annex IV)", annex_iv),
        Document("fact-sheet", "AI system fact sheet", lambda project: fact_sheet(project)),
        Document(
            "notice",
            "Transparency notice (EU AI Act Art. 50)",
            lambda project: [transparency_notice(project)],
        ),
    )
}


def document_sections(slug: str, project: Project) -> list[Section]:
    return DOCUMENTS[slug].build(project)


def document_filename(slug: str, project: Project) -> str:
    return f"{slug}-{slugify(project.name)}.pdf"


def document_pdf(slug: str, project: Project) -> bytes:
    """The document as a PDF (WeasyPrint, offline); what is missing is named, unlinked."""
    html = render_to_string(
        "compliance/transparency_print.html",
        {
            "project": project,
            "title": DOCUMENTS[slug].title,
            "sections": document_sections(slug, project),
            "generated_at": timezone.now(),
        },
    )
    return html_to_pdf(html)
