"""The monthly report (``model.MonthlyReport``) as a :class:`~massline.reports.document.Document`."""

from __future__ import annotations

from massline.reports import charts
from massline.reports.canvas import Canvas
from massline.reports.document import Chart, Document, Section
from massline.reports.model import MonthlyReport
from massline.reports.tables import all_tables
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


def _notes(report: MonthlyReport) -> dict[str, list[str]]:
    w = report.weights
    return {
        "rates": [f"综合得分 = {w[0]} × 响应率 + {w[1]} × 解决率 + {w[2]} × 满意率；有效回访不足 "
                  f"{report.min_followups} 件的单位不排名（样本不足）；排名区间为 95% 区间。"],
        "cadence": [f"{report.silent_after_days} 天以上未答复列为沉默。"],
        "exemplary": ["答复人经本人同意署名，否则只列单位。"],
    }  # fmt: skip


def _chart(name: str, report: MonthlyReport) -> Chart:
    label, draw, size = charts.CHARTS[name]

    def on(canvas: Canvas) -> None:
        draw(canvas, report)

    return Chart(label, on, size)


def monthly_document(report: MonthlyReport) -> Document:
    """The report's six sections with their charts and tables."""
    tables = {t.name: t for t in all_tables(report)}
    notes = _notes(report)
    sections = []
    for key, heading in SECTIONS.items():
        chart_list = [_chart(name, report) for name in SECTION_CHARTS.get(key, [])]
        named = SECTION_TABLES[key]
        sections.append(Section(heading, notes.get(key, []), chart_list, [tables[n] for n in named], len(named) > 1))
    lines = [f"统计期：{span(report)}；生成于 {report.generated_at:%Y-%m-%d %H:%M}", *summary(report)]
    return Document(title(report), lines, sections)
