"""The report's tables, defined once: typed cells (numbers stay numbers for XLSX) with each column's
kind, so every format shows the same columns in the same order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from massline.reports.model import MonthlyReport
from massline.reports.text import (
    CADENCE_HEADER,
    EXEMPLARY_HEADER,
    FLAG_HEADER,
    ISSUE_HEADER,
    RATE_HEADER,
    SECTIONS,
    SOURCE_TITLES,
    num,
    pct,
    who,
)

#: tracking codes shown per flag
MAX_CASES = 40

Cell = Union[str, int, float, None]  # noqa: UP007 - a runtime alias


@dataclass
class Table:
    """One table: its sheet name, heading, header, rows and each column's kind (text, int, pct, num)."""

    name: str
    title: str
    header: list[str]
    kinds: list[str]
    rows: list[list[Cell]]

    def text_rows(self) -> list[list[str]]:
        """The rows as shown in HTML, DOCX and PDF."""
        return [[show(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]


def show(value: Cell, kind: str) -> str:
    """A cell as text."""
    if value is None:
        return "—"
    if kind == "pct":
        return pct(float(value))
    if kind in ("num", "review"):
        return num(float(value), 3)
    if kind == "citizen":
        return num(float(value), 1)
    if kind == "num2":
        return num(float(value), 2)
    return str(value)


def volume_tables(report: MonthlyReport) -> list[Table]:
    """The period's totals, by 类型 and by 领域 × 类型."""
    v = report.volumes
    totals = Table(
        "受理总量",
        "受理与办理",
        ["项目", "件数"],
        ["text", "int"],
        [["收到留言", v.messages], ["答复", v.replied], ["办结", v.closed]],
    )
    kinds = Table("按类型", "按类型", ["类型", "件数"], ["text", "int"], [[k, n] for k, n in v.by_kind.items()])
    cells = Table(
        "按领域和类型",
        "按领域和类型",
        ["领域", "类型", "件数"],
        ["text", "text", "int"],
        [[d, k, n] for (d, k), n in v.by_domain_kind.items()],
    )
    return [totals, kinds, cells]


def rates_table(report: MonthlyReport) -> Table:
    """The offices' rates, ranks and funnel positions."""
    rows: list[list[Cell]] = []
    for o in report.offices:
        interval = f"{o.rank_low}–{o.rank_high}" if o.rank is not None else None
        rows.append(
            [
                o.rank,
                interval,
                o.office,
                o.followups,
                o.response,
                o.resolution,
                o.satisfaction,
                o.score,
                o.on_time_reply,
                o.reopen,
                o.expected_resolution,
                o.standardised_resolution,
                o.position,
            ]
        )
    kinds = ["int", "text", "text", "int", "pct", "pct", "pct", "num", "pct", "pct", "pct", "pct", "text"]
    return Table("三率与排名", SECTIONS["rates"], RATE_HEADER, kinds, rows)


def case_list(cases: list[str], limit: int = MAX_CASES) -> str:
    """The tracking codes of a flag, the first ``limit`` of them and how many in all (a table row must fit on
    a page; every code is on /staff/accountability and in ``massline accountability``'s flags.csv)."""
    if len(cases) <= limit:
        return " ".join(cases)
    return " ".join(cases[:limit]) + f" 等共 {len(cases)} 件"


def flags_table(report: MonthlyReport) -> Table:
    """The anti-gaming flags."""
    rows: list[list[Cell]] = [
        [f.office, f.check, f.count, f.rate, f.overall, f.reason, case_list(f.cases)] for f in report.flags
    ]
    return Table(
        "异常提示", SECTIONS["flags"], FLAG_HEADER, ["text", "text", "int", "pct", "pct", "text", "text"], rows
    )


def issues_table(report: MonthlyReport) -> Table:
    """The hot issues and what was done."""
    rows: list[list[Cell]] = [
        [h.title, h.place, h.messages, h.total_messages, h.replies, h.owner or "—", "；".join(h.actions) or "—"]
        for h in report.hot_issues
    ]
    return Table(
        "热点问题", SECTIONS["issues"], ISSUE_HEADER, ["text", "text", "int", "int", "int", "text", "text"], rows
    )


def cadence_table(report: MonthlyReport) -> Table:
    """The offices' reply cadence."""
    rows: list[list[Cell]] = [
        [
            c.office,
            c.days_since_reply,
            c.replies,
            c.median_hours,
            c.read_but_silent,
            "是" if c.silent else "否",
            "、".join(c.silent_officials) or "—",
        ]
        for c in report.cadence
    ]
    return Table(
        "答复节奏", SECTIONS["cadence"], CADENCE_HEADER, ["text", "int", "int", "text", "int", "text", "text"], rows
    )


def exemplary_tables(report: MonthlyReport) -> list[Table]:
    """The best-reviewed replies and the replies citizens rated best."""
    out = []
    for name, source, items in (
        ("优秀答复（质量评分）", "review", report.exemplary_review),
        ("优秀答复（群众评价）", "citizen", report.exemplary_citizen),
    ):
        rows: list[list[Cell]] = [[e.tracking_code, e.title, e.office, who(e), e.score, e.excerpt] for e in items]
        out.append(Table(name, SOURCE_TITLES[source], EXEMPLARY_HEADER, ["text"] * 4 + [source, "text"], rows))
    return out


def all_tables(report: MonthlyReport) -> list[Table]:
    """Every table in the report's order."""
    return [
        *volume_tables(report),
        rates_table(report),
        flags_table(report),
        issues_table(report),
        cadence_table(report),
        *exemplary_tables(report),
    ]
