"""One entry point for the reports' formats: ``render(report, fmt, font)`` gives the file's bytes of a
monthly report or of any :class:`~massline.reports.document.Document`."""

from __future__ import annotations

from pathlib import Path

from massline.reports.document import Document
from massline.reports.model import MonthlyReport

#: the formats in the order they are written (the cheap ones first)
FORMATS = ("html", "xlsx", "docx", "pdf")
#: the formats that draw with the CJK font
NEEDS_FONT = ("docx", "pdf")


def render(report: MonthlyReport | Document, fmt: str, font: Path | None = None) -> bytes:
    """``report`` as the bytes of a ``fmt`` file (html, xlsx, docx or pdf; docx and pdf need ``font``)."""
    if isinstance(report, MonthlyReport):
        from massline.reports.monthly_doc import monthly_document

        report = monthly_document(report)
    if fmt == "html":
        from massline.reports.html import render_html

        return render_html(report)
    if fmt == "xlsx":
        from massline.reports.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt not in NEEDS_FONT:
        raise ValueError(f"unknown format: {fmt}")
    if font is None:
        raise ValueError(f"{fmt} needs the CJK font")
    if fmt == "docx":
        from massline.reports.docx_out import render_docx

        return render_docx(report, font)
    from massline.reports.pdf import render_pdf

    return render_pdf(report, font)
