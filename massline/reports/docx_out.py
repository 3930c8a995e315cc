"""The monthly report as a Word document (python-docx): headings, the tables, the charts as PNG with
Chinese labels; the East Asian font named for Chinese text."""

from __future__ import annotations

import io
from pathlib import Path

from massline.reports import charts
from massline.reports.model import MonthlyReport
from massline.reports.tables import Table, all_tables
from massline.reports.text import SECTIONS, span, summary, title

SECTION_TABLES = {
    "volumes": ["受理总量", "按类型", "按领域和类型"],
    "rates": ["三率与排名"],
    "flags": ["异常提示"],
    "issues": ["热点问题"],
    "cadence": ["答复节奏"],
    "exemplary": ["优秀答复（质量评分）", "优秀答复（群众评价）"],
}
SECTION_CHARTS = {"volumes": ["volumes"], "rates": ["rates", "funnel"]}


def _table(doc, t: Table) -> None:  # type: ignore[no-untyped-def]  # a python-docx Document
    from docx.shared import Pt

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


def render_docx(report: MonthlyReport, font: Path) -> bytes:
    """The report as DOCX bytes (charts drawn in ``font``)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Sans CJK SC"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(title(report), level=0)
    doc.add_paragraph(f"统计期：{span(report)}；生成于 {report.generated_at:%Y-%m-%d %H:%M}")
    for line in summary(report):
        doc.add_paragraph(line)
    tables = {t.name: t for t in all_tables(report)}
    for key, heading in SECTIONS.items():
        doc.add_heading(heading, level=1)
        for name in SECTION_CHARTS.get(key, []):
            doc.add_picture(io.BytesIO(charts.png(name, report, font)), width=Cm(15))
        for name in SECTION_TABLES[key]:
            _table(doc, tables[name])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
