"""A report document as PDF (fpdf2): A4 landscape, every text in the CJK font (embedded as a subset),
the charts as PNG."""

from __future__ import annotations

import io
from pathlib import Path

from massline.reports.document import Document
from massline.reports.fonts import face_index
from massline.reports.tables import Table

FONT = "cjk"


def _table(pdf, t: Table, caption: bool) -> None:  # type: ignore[no-untyped-def]  # an fpdf.FPDF
    from fpdf.fonts import FontFace

    if caption:
        pdf.set_font(FONT, size=10)
        pdf.cell(0, 7, t.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=7 if len(t.header) > 8 else 8)
    rows = t.text_rows() or [["（无）"] + [""] * (len(t.header) - 1)]
    heading = FontFace(emphasis="", fill_color=(230, 230, 230))  # one regular face: no bold CJK font
    with pdf.table(first_row_as_headings=True, headings_style=heading, line_height=4.5, text_align="LEFT") as table:
        for values in [t.header, *rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)


def render_pdf(doc: Document, font: Path) -> bytes:
    """The document as PDF bytes (text and charts in ``font``)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(FONT, fname=str(font), collection_font_number=face_index(font))
    pdf.set_title(doc.title)
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    for line in doc.lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for section in doc.sections:
        pdf.set_font(FONT, size=13)
        pdf.ln(2)
        pdf.cell(0, 9, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=9)
        for note in section.notes:
            pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
        for chart in section.charts:
            if pdf.get_y() > 100:
                pdf.add_page()
            pdf.image(io.BytesIO(chart.png(font)), h=90)
        for table in section.tables:
            _table(pdf, table, section.captions)
    return bytes(pdf.output())
