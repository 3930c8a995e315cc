"""A report document as a Word document (python-docx): headings, notes, the charts as PNG with Chinese
labels, the tables; the East Asian font named for Chinese text."""

from __future__ import annotations

import io
from pathlib import Path

from massline.reports.document import Document
from massline.reports.tables import Table


def _table(doc, t: Table, caption: bool) -> None:  # type: ignore[no-untyped-def]  # a python-docx Document
    from docx.shared import Pt

    if caption:
        doc.add_paragraph(t.title)
    rows = t.text_rows() or [["（无）"] + [""] * (len(t.header) - 1)]
    table = doc.add_table(rows=1 + len(rows), cols=len(t.header))
    table.style = "Table Grid"
    for i, values in enumerate([t.header, *rows]):
        cells = table.rows[i].cells  # once per row: each cell(i, j) call walks the whole table
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
                run.bold = i == 0


def render_docx(document: Document, font: Path) -> bytes:
    """The document as DOCX bytes (charts drawn in ``font``)."""
    from docx import Document as Word
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Word()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Sans CJK SC"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(document.title, level=0)
    for line in document.lines:
        doc.add_paragraph(line)
    for section in document.sections:
        doc.add_heading(section.heading, level=1)
        for note in section.notes:
            doc.add_paragraph(note)
        for chart in section.charts:
            doc.add_picture(io.BytesIO(chart.png(font)), width=Cm(15))
        for table in section.tables:
            _table(doc, table, section.captions)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
