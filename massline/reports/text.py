"""The report's words and number formats, shared by every format (one wording everywhere)."""

from __future__ import annotations

from massline.reports.model import ExemplaryReply, MonthlyReport, OfficeRates

TITLE = "网上群众工作月度报告"
SECTIONS = {
    "volumes": "一、受理与办理情况",
    "rates": "二、办理考评：三率与综合得分",
    "flags": "三、异常办理提示",
    "issues": "四、热点问题及办理情况",
    "cadence": "五、网上答复节奏",
    "exemplary": "六、优秀答复",
}
RATE_HEADER = [
    "排名",
    "排名区间",
    "单位",
    "回访数",
    "响应率",
    "解决率",
    "满意率",
    "综合得分",
    "按时答复率",
    "重办率",
    "期望解决率",
    "标准化解决率",
    "漏斗位置",
]
FLAG_HEADER = ["单位", "类型", "案件数", "比率", "全体比率", "说明", "案件编号"]
ISSUE_HEADER = ["问题", "地点", "本期留言", "累计留言", "本期答复", "主办单位", "本期办理"]
CADENCE_HEADER = ["单位", "距最近答复（天）", "近90天首次答复", "中位用时（小时）", "已阅未答", "沉默", "沉默人员"]
EXEMPLARY_HEADER = ["案件编号", "标题", "单位", "答复人", "得分", "答复摘要"]
SOURCE_TITLES = {"review": "答复质量评分最高的答复（总分 0–1）", "citizen": "群众评价最高的答复（1–5 分）"}


def pct(value: float | None) -> str:
    """A rate as a percentage with one decimal ("—" when there is none)."""
    return "—" if value is None else f"{value * 100:.1f}%"


def num(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals ("—" when there is none)."""
    return "—" if value is None else f"{value:.{digits}f}"


def title(report: MonthlyReport) -> str:
    """The report's title line."""
    return f"{report.deployment}{TITLE}（{report.period}）"


def span(report: MonthlyReport) -> str:
    """The period in words, e.g. 2026年3月19日至2026年4月18日."""
    last = report.end.date().fromordinal(report.end.date().toordinal() - 1)
    first = report.start.date()
    return f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"


def rank_cells(o: OfficeRates) -> list[str]:
    """The rank and its interval as shown (— when not ranked: 样本不足)."""
    if o.rank is None:
        return ["—", "—"]
    return [str(o.rank), f"{o.rank_low}–{o.rank_high}"]


def rate_row(o: OfficeRates) -> list[str]:
    """An office's row of the rates table as text."""
    return [
        *rank_cells(o),
        o.office,
        str(o.followups),
        pct(o.response),
        pct(o.resolution),
        pct(o.satisfaction),
        num(o.score, 3),
        pct(o.on_time_reply),
        pct(o.reopen),
        pct(o.expected_resolution),
        pct(o.standardised_resolution),
        o.position,
    ]


def who(e: ExemplaryReply) -> str:
    """The official's name when they agreed to be named, else the office only."""
    return e.official or "（未署名）"


def summary(report: MonthlyReport) -> list[str]:
    """The report's opening sentences."""
    v = report.volumes
    ranked = report.ranked
    lines = [f"本期（{span(report)}）共收到留言 {v.messages} 件，答复 {v.replied} 件，办结 {v.closed} 件。"]
    if ranked:
        lines.append(
            f"回访数达到 {report.min_followups} 件的 {len(ranked)} 个单位参加排名，综合得分第一为{ranked[0].office}"
            f"（{ranked[0].score:.3f}）。"
        )
    else:
        lines.append(f"本期没有单位的有效回访达到 {report.min_followups} 件，不排名。")
    lines.append(f"异常办理提示 {len(report.flags)} 条；沉默单位 {sum(1 for c in report.cadence if c.silent)} 个。")
    return lines
