"""HTML to PDF with WeasyPrint, offline: the document may not fetch anything (no fonts,
images or style sheets from the network or the disk), so a PDF never depends on what a
server can reach and a crafted document cannot make the server read a file or a URL.

WeasyPrint needs the OS's Pango and a font (the Makefile installs them); it is imported
only when a PDF is made, so the rest of Charter runs without them.
"""

from __future__ import annotations

from typing import Any, NoReturn

PDF_UNAVAILABLE = "PDF export needs Pango (install the OS packages listed in the README)."


class PdfUnavailableError(RuntimeError):
    """The OS libraries WeasyPrint needs are missing."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"PDF documents are rendered offline: {url!r} is not fetched")


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML  # needs OS libraries: imported on use
    except OSError as exc:  # Pango or its fonts are missing
        raise PdfUnavailableError(PDF_UNAVAILABLE) from exc
    pdf: bytes = HTML(string=html, url_fetcher=_refuse, base_url=None).write_pdf()
    return pdf
