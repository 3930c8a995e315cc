"""The monthly report as one self-contained HTML page: inline style and SVG charts, no script, no
external asset (opens offline, prints on A4)."""

from __future__ import annotations

from html import escape

from massline.reports import charts
from massline.reports.model import MonthlyReport
from massline.reports.tables import Table, all_tables
from massline.reports.text import SECTIONS, span, summary, title

STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.9em}
td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}th{background:#eee}
td.n{text-align:right;white-space:nowrap}svg{max-width:100%;height:auto}.note{color:#555;font-size:.9em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}"""


def _table(t: Table, heading: bool = True) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
    body = []
    for row in t.text_rows():
        cells = "".join(
            f'<td class="n">{escape(v)}</td>' if k != "text" else f"<td>{escape(v)}</td>"
            for v, k in zip(row, t.kinds, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(t.header)}">（无）</td></tr>')
    caption = f"<h3>{escape(t.title)}</h3>" if heading else ""
    rows = "".join(body)
    return f'{caption}<table data-table="{escape(t.name)}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def render_html(report: MonthlyReport) -> bytes:
    """The report as UTF-8 HTML."""
    t = {x.name: x for x in all_tables(report)}
    w = report.weights
    parts = [
        f"<h1>{escape(title(report))}</h1>",
        f'<p class="note">统计期：{escape(span(report))}；生成于 {report.generated_at:%Y-%m-%d %H:%M}</p>',
    ]
    parts += [f"<p>{escape(line)}</p>" for line in summary(report)]
    parts += [
        f"<h2>{SECTIONS['volumes']}</h2>",
        charts.svg("volumes", report),
        _table(t["受理总量"]),
        _table(t["按类型"]),
        _table(t["按领域和类型"]),
    ]
    parts += [
        f"<h2>{SECTIONS['rates']}</h2>",
        f'<p class="note">综合得分 = {w[0]} × 响应率 + {w[1]} × 解决率 + {w[2]} × 满意率；有效回访不足 '
        f"{report.min_followups} 件的单位不排名（样本不足）；排名区间为 95% 区间。</p>",
        charts.svg("rates", report),
        charts.svg("funnel", report),
        _table(t["三率与排名"], False),
    ]
    parts += [f"<h2>{SECTIONS['flags']}</h2>", _table(t["异常提示"], False)]
    parts += [f"<h2>{SECTIONS['issues']}</h2>", _table(t["热点问题"], False)]
    parts += [
        f"<h2>{SECTIONS['cadence']}</h2>",
        f'<p class="note">{report.silent_after_days} 天以上未答复列为沉默。</p>',
        _table(t["答复节奏"], False),
    ]
    parts += [
        f"<h2>{SECTIONS['exemplary']}</h2>",
        '<p class="note">答复人经本人同意署名，否则只列单位。</p>',
        _table(t["优秀答复（质量评分）"]),
        _table(t["优秀答复（群众评价）"]),
    ]
    page = (
        f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title(report))}</title>'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    return page.encode("utf-8")
