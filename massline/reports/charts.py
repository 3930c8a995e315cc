"""The monthly report's three charts, drawn once on a :class:`~massline.reports.canvas.Canvas` (SVG or
PNG): 留言量 by 领域, the three rates by office, and the funnel plot of the standardised 解决率."""

from __future__ import annotations

from collections.abc import Callable

from massline.reports.canvas import Canvas
from massline.reports.model import MonthlyReport

RATE_COLORS = (("响应率", "#4e79a7"), ("解决率", "#59a14f"), ("满意率", "#f28e2b"))
POSITION_COLORS = {"高于预期": "#59a14f", "低于预期": "#e15759", "正常": "#4e79a7"}
MAX_BARS = 12


def _short(name: str, n: int = 10) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def volumes_chart(c: Canvas, report: MonthlyReport) -> None:
    """Horizontal bars: the period's messages per 领域."""
    items = list(report.volumes.by_domain.items())[:MAX_BARS]
    c.text(10, 20, "本期留言量（按领域）", 14)
    top = max((n for _, n in items), default=0) or 1
    left, right, row = 130, c.width - 60, 22
    for i, (domain, n) in enumerate(items):
        y = 40 + i * row
        c.text(left - 6, y + 14, _short(domain), 11, "end")
        c.rect(left, y + 3, (right - left) * n / top, row - 8, "#4e79a7")
        c.text(left + (right - left) * n / top + 4, y + 14, str(n), 11)
    if not items:
        c.text(c.width / 2, 70, "本期没有留言", 12, "middle", "#777")


def rates_chart(c: Canvas, report: MonthlyReport) -> None:
    """Grouped horizontal bars: 响应率, 解决率 and 满意率 of each office with follow-ups (ranked first)."""
    offices = [o for o in report.offices if o.followups][:MAX_BARS]
    c.text(10, 20, "各单位三率", 14)
    for i, (name, color) in enumerate(RATE_COLORS):
        c.rect(c.width - 230 + i * 75, 10, 12, 12, color)
        c.text(c.width - 214 + i * 75, 21, name, 11)
    left, right, row = 150, c.width - 60, 42
    for i, o in enumerate(offices):
        y = 40 + i * row
        c.text(left - 6, y + 22, _short(o.office, 12), 11, "end")
        for j, (value, (_, color)) in enumerate(
            zip((o.response, o.resolution, o.satisfaction), RATE_COLORS, strict=True)
        ):
            c.rect(left, y + 4 + j * 11, (right - left) * (value or 0), 9, color)
            c.text(left + (right - left) * (value or 0) + 4, y + 12 + j * 11, f"{(value or 0) * 100:.0f}%", 8)
    if not offices:
        c.text(c.width / 2, 70, "本期没有有效回访", 12, "middle", "#777")


def funnel_chart(c: Canvas, report: MonthlyReport) -> None:
    """The funnel plot: each ranked office's standardised 解决率 against its 回访数, the deployment's
    rate, and the office's control limits (allowing for over-dispersion) as a bar at its count."""
    pts = [o for o in report.offices if o.standardised_resolution is not None and o.position != "样本不足"]
    c.text(10, 20, "漏斗图：标准化解决率与回访数", 14)
    left, right, top, bottom = 60, c.width - 20, 40, c.height - 40
    c.line(left, bottom, right, bottom, "#444")
    c.line(left, top, left, bottom, "#444")
    c.text((left + right) / 2, c.height - 8, "有效回访数", 11, "middle")
    if not pts or report.funnel_target is None:
        c.text(
            c.width / 2, c.height / 2, f"回访数达到 {report.min_followups} 件的单位不足，不画漏斗", 12, "middle", "#777"
        )
        return
    max_n = max(o.followups for o in pts) * 1.1

    def x(n: float) -> float:
        return left + (right - left) * n / max_n

    def y(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(1.0, v))

    for v in (0, 0.25, 0.5, 0.75, 1):
        c.line(left - 4, y(v), left, y(v), "#444")
        c.text(left - 6, y(v) + 4, f"{v * 100:.0f}%", 9, "end")
    c.line(left, y(report.funnel_target), right, y(report.funnel_target), "#888", 1, dash=True)
    c.text(right, y(report.funnel_target) - 4, f"全体 {report.funnel_target * 100:.1f}%", 9, "end", "#555")
    for n in (0, max_n / 2, max_n / 1.1):
        c.line(x(n), bottom, x(n), bottom + 4, "#444")
        c.text(x(n), bottom + 15, f"{n:.0f}", 9, "middle")
    for o in pts:  # each office's control limits (its own expected rate and count) as a bar
        if o.lower is not None and o.upper is not None:
            c.line(x(o.followups), y(o.lower), x(o.followups), y(o.upper), "#bbb", 1)
            for v in (o.lower, o.upper):
                c.line(x(o.followups) - 5, y(v), x(o.followups) + 5, y(v), "#999", 1)
    for o in pts:
        color = POSITION_COLORS.get(o.position, "#4e79a7")
        px, py = x(o.followups), y(o.standardised_resolution or 0)
        c.dot(px, py, 4, color)
        right_side = px < right - 90
        c.text(
            px + 7 if right_side else px - 7, py + 4, _short(o.office, 8), 9, "start" if right_side else "end", color
        )


def bars_chart(c: Canvas, title: str, items: list[tuple[str, float]], targets: list[float] | None = None,
               unit: str = "") -> None:  # fmt: skip
    """Horizontal bars with their values, and a target mark per bar (e.g. a quota) when given."""
    items = items[: MAX_BARS * 2]
    c.text(10, 20, title, 14)
    top = max([v for _, v in items] + (targets or []) + [0.0]) or 1.0
    left, right, row = 130, c.width - 70, max(14, min(22, (c.height - 50) // max(1, len(items))))
    for i, (label, value) in enumerate(items):
        y = 40 + i * row
        c.text(left - 6, y + row - 8, _short(label), 11, "end")
        c.rect(left, y + 3, (right - left) * value / top, row - 8, "#4e79a7")
        c.text(left + (right - left) * value / top + 4, y + row - 8, f"{value:g}{unit}", 10)
        if targets is not None and i < len(targets):
            x = left + (right - left) * targets[i] / top
            c.line(x, y, x, y + row - 2, "#e15759", 2)
    if not items:
        c.text(c.width / 2, 70, "（无）", 12, "middle", "#777")


CHARTS: dict[str, tuple[str, Callable[[Canvas, MonthlyReport], None], tuple[int, int]]] = {
    "volumes": ("本期留言量（按领域）", volumes_chart, (640, 320)),
    "rates": ("各单位三率", rates_chart, (640, 540)),
    "funnel": ("漏斗图", funnel_chart, (640, 400)),
}
