"""The monthly report as PDF (fpdf2): A4 landscape, every text in the CJK font (embedded as a subset),
the charts as PNG."""

from __future__ import annotations

import io
from pathlib import Path

from massline.reports import charts
from massline.reports.docx_out import SECTION_CHARTS, SECTION_TABLES
from massline.reports.fonts import face_index
from massline.reports.model import MonthlyReport
from massline.reports.tables import Table, all_tables
from massline.reports.text import SECTIONS, span, summary, title

FONT = "cjk"


def _table(pdf, t: Table) -> None:  # type: ignore[no-untyped-def]  # an fpdf.FPDF
    from fpdf.fonts import FontFace

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


def render_pdf(report: MonthlyReport, font: Path) -> bytes:
    """The report as PDF bytes (text and charts in ``font``)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(FONT, fname=str(font), collection_font_number=face_index(font))
    pdf.set_title(title(report))
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, title(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(
        0, 6, f"统计期：{span(report)}；生成于 {report.generated_at:%Y-%m-%d %H:%M}", new_x="LMARGIN", new_y="NEXT"
    )
    for line in summary(report):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    tables = {t.name: t for t in all_tables(report)}
    for key, heading in SECTIONS.items():
        pdf.set_font(FONT, size=13)
        pdf.ln(2)
        pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        for name in SECTION_CHARTS.get(key, []):
            if pdf.get_y() > 100:
                pdf.add_page()
            pdf.image(io.BytesIO(charts.png(name, report, font)), h=90)
        for name in SECTION_TABLES[key]:
            _table(pdf, tables[name])
    return bytes(pdf.output())
