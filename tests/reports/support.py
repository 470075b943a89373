"""Shared helpers of the reports tests: a period, a schedule, reading the files back."""

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

from reports.periods import period_of
from reports.services import report_dir

WEEK = period_of("weekly", dt.date(2026, 6, 10), "Europe/Paris")  # 8–14 June 2026
INSIDE = WEEK.start + dt.timedelta(days=2)
BEFORE = WEEK.start - dt.timedelta(minutes=1)
AFTER = WEEK.end  # the end is exclusive


def stored(path: str) -> bytes:
    return (Path(report_dir()) / path).read_bytes()


def pdf_words(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(  # noqa: S603 (a fixed command on our own test file)
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607 (poppler's, from the OS)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))
