"""A report document as an XLSX workbook (openpyxl): a summary sheet, then a sheet per table, numbers
as numbers (rates as fractions with a percent format)."""

from __future__ import annotations

import io

from massline.reports.document import Document

FORMATS = {"pct": "0.0%", "num": "0.000", "num2": "0.00", "review": "0.000", "citizen": "0.0"}


def render_xlsx(doc: Document) -> bytes:
    """The document as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "概况"
    for line in [doc.title, *doc.lines]:
        first.append([line])
    first["A1"].font = Font(bold=True, size=14)
    first.column_dimensions["A"].width = 90
    for table in doc.tables():
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for col, kind in enumerate(table.kinds, start=1):
            fmt = FORMATS.get(kind)
            sheet.column_dimensions[sheet.cell(1, col).column_letter].width = 28 if kind == "text" else 12
            if fmt:
                for r in range(2, len(table.rows) + 2):
                    sheet.cell(r, col).number_format = fmt
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
