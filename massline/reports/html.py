"""A report document as one self-contained HTML page: inline style and SVG charts, no script, no
external asset (opens offline, prints on A4)."""

from __future__ import annotations

from html import escape

from massline.reports.document import Document
from massline.reports.tables import Table

STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.9em}
td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}th{background:#eee}
td.n{text-align:right;white-space:nowrap}svg{max-width:100%;height:auto}.note{color:#555;font-size:.9em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}"""


def _table(t: Table, heading: bool) -> str:
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


def render_html(doc: Document) -> bytes:
    """The document as UTF-8 HTML."""
    parts = [f"<h1>{escape(doc.title)}</h1>"]
    for i, line in enumerate(doc.lines):
        parts.append(f'<p class="note">{escape(line)}</p>' if i == 0 else f"<p>{escape(line)}</p>")
    for section in doc.sections:
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        parts += [f'<p class="note">{escape(note)}</p>' for note in section.notes]
        parts += [chart.svg() for chart in section.charts]
        parts += [_table(t, section.captions) for t in section.tables]
    page = (
        f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    return page.encode("utf-8")
