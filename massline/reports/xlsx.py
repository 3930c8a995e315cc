"""The monthly report as an XLSX workbook (openpyxl): a sheet per table, numbers as numbers (rates as
fractions with a percent format), a summary sheet first."""

from __future__ import annotations

import io

from massline.reports.model import MonthlyReport
from massline.reports.tables import all_tables
from massline.reports.text import span, summary, title

FORMATS = {"pct": "0.0%", "num": "0.000", "review": "0.000", "citizen": "0.0"}


def render_xlsx(report: MonthlyReport) -> bytes:
    """The report as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "概况"
    for line in [title(report), f"统计期：{span(report)}", *summary(report)]:
        first.append([line])
    first["A1"].font = Font(bold=True, size=14)
    first.column_dimensions["A"].width = 90
    for table in all_tables(report):
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for col, kind in enumerate(table.kinds, start=1):
            fmt = FORMATS.get(kind)
            width = 28 if kind == "text" else 12
            sheet.column_dimensions[sheet.cell(1, col).column_letter].width = width
            if fmt:
                for r in range(2, len(table.rows) + 2):
                    sheet.cell(r, col).number_format = fmt
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
