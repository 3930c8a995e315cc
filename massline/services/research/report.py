"""The yearly research report: every listed leader's ledger as CSV (for spreadsheets) and as a
self-contained HTML page (for printing and archiving; no external asset)."""

from __future__ import annotations

import csv
import io
from html import escape

from massline.io.exporters import neutralise
from massline.services.research.ledger import Ledger

CSV_HEADER = [
    "姓名", "账号", "级别", "年度", "应调研天数", "网上调研天数", "线下调研天数", "合计天数", "尚差天数", "是否达标",
]  # fmt: skip


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


_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}</style>
</head><body><h1>{title}</h1>
<p>网上调研（工作台中的实际工作和网上调研记录）与线下调研合计计入年度调研天数。</p>
<table><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""


def report_html(rows: list[Ledger], year: int) -> str:
    """The yearly report as one HTML page (inline style, nothing fetched)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in CSV_HEADER if h not in ("账号", "年度"))
    lines = []
    for r in rows:
        cells = [r.user.display_name, r.level_label, r.quota_days, r.online_days, r.offline_days, r.total_days,
                 r.remaining_days, "是" if r.met else "否"]  # fmt: skip
        lines.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    return _HTML.format(title=f"{year}年度领导干部调研情况", head=head, rows="\n".join(lines))
