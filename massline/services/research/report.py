"""The yearly research report: every listed leader's ledger as CSV (for spreadsheets) and as a report
document (``massline.reports``: the same renderers as the monthly report, so HTML, XLSX, DOCX and PDF;
the HTML page is self-contained, for printing and archiving)."""

from __future__ import annotations

import csv
import io

from massline.io.exporters import neutralise
from massline.reports import Canvas, Chart, Document, Section, Table, bars_chart, render
from massline.services.research.ledger import Ledger

CSV_HEADER = [
    "姓名", "账号", "级别", "年度", "应调研天数", "网上调研天数", "线下调研天数", "合计天数", "尚差天数", "是否达标",
]  # fmt: skip
KINDS = ["text", "text", "text", "int", "int", "num2", "num2", "num2", "num2", "text"]
NOTE = "网上调研（工作台中的实际工作和网上调研记录）与线下调研合计计入年度调研天数。"


def report_csv(rows: list[Ledger]) -> str:
    """The yearly report as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([
            neutralise(r.user.display_name), r.user.username, r.level_label, r.year, r.quota_days,
            r.online_days, r.offline_days, r.total_days, r.remaining_days, "是" if r.met else "否",
        ])  # fmt: skip
    return "\ufeff" + out.getvalue()


def report_document(rows: list[Ledger], year: int) -> Document:
    """The yearly report as a document: the days of each leader against the quota (a chart), the table."""
    cells: list[list[str | int | float | None]] = [
        [r.user.display_name, r.user.username, r.level_label, r.year, r.quota_days, r.online_days, r.offline_days,
         r.total_days, r.remaining_days, "是" if r.met else "否"] for r in rows
    ]  # fmt: skip
    table = Table("调研情况", "领导干部调研天数", list(CSV_HEADER), list(KINDS), cells)
    items = [(r.user.display_name, float(r.total_days)) for r in rows]
    quotas = [float(r.quota_days) for r in rows]

    def draw(canvas: Canvas) -> None:
        bars_chart(canvas, "合计调研天数（红线为应调研天数）", items, quotas, " 天")

    chart = Chart("合计调研天数", draw, (640, max(120, 60 + 22 * min(len(rows), 24))))
    met = sum(1 for r in rows if r.met)
    lines = [NOTE, f"共 {len(rows)} 名领导干部，{met} 名达到应调研天数。"]
    return Document(f"{year}年度领导干部调研情况", lines, [Section("调研天数", [], [chart], [table], False)])


def report_html(rows: list[Ledger], year: int) -> str:
    """The yearly report as one HTML page (inline style and chart, nothing fetched)."""
    return render(report_document(rows, year), "html").decode("utf-8")
