"""The funnel plot of the accountability pages as inline SVG (no script, no external asset).

Each office is a point: x its valid 回访, y its standardised 解决率 (observed / expected ×
the deployment's rate). The lines are the deployment's rate and the control limits around
it (95 % and the deployment's ``funnel_z``), widened alike for every office by the
over-dispersion. Labels and the description are in Chinese; colours come from attributes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from massline.analysis.accountability import ABOVE, BELOW, Dispersion
from massline.services.accountability import OfficeRow
from massline.web.charts import _e, _open, _svg

W, H, LEFT, TOP, BOTTOM, RIGHT = 640.0, 340.0, 56.0, 16.0, 44.0, 16.0
COLOURS = {ABOVE: "#17683a", BELOW: "#9b1c1c"}


def _limit(target: float, n: float, z: float, tau2: float) -> float:
    return z * math.sqrt(max(target * (1 - target), 1e-9) / n + tau2)


def funnel_plot(rows: Sequence[OfficeRow], d: Dispersion, z: float, chart_id: str = "funnel") -> Markup:
    """The funnel of 解决率 for the offices with a standardised rate."""
    points = [r for r in rows if r.standardised_resolution is not None and r.followups]
    n_max = max([r.followups for r in points] + [10])
    ys = [r.standardised_resolution for r in points if r.standardised_resolution is not None]
    low = min([*ys, d.target - _limit(d.target, n_max, z, d.tau2), 0.0 if not ys else min(ys)])
    high = max([*ys, d.target + _limit(d.target, n_max, z, d.tau2)])
    low, high = max(0.0, math.floor(low * 10) / 10), min(1.2, math.ceil(high * 10) / 10 or 1.0)
    if high <= low:
        high = low + 0.1
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(n: float) -> float:
        return LEFT + pw * n / n_max

    def y(v: float) -> float:
        return TOP + ph * (1 - (min(max(v, low), high) - low) / (high - low))

    above, below = sum(r.position == ABOVE for r in points), sum(r.position == BELOW for r in points)
    desc = f"漏斗图：全体解决率 {d.target:.1%}，{len(points)} 个单位；高于预期 {above} 个，低于预期 {below} 个。"
    parts = _open(chart_id, W, H, "解决率漏斗图（按案件构成标准化）", desc, "chart-funnel", 11)
    for i in range(int(round((high - low) * 10)) + 1):
        v = low + i / 10
        parts.append(f'<line x1="{LEFT:g}" x2="{W - RIGHT:g}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text class="ylabel" x="{LEFT - 6:g}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0%}</text>')
    parts.append(f'<line x1="{LEFT:g}" x2="{W - RIGHT:g}" y1="{y(d.target):.1f}" y2="{y(d.target):.1f}" '
                 f'stroke="#1d4f91" stroke-width="1.5"><title>全体解决率 {d.target:.1%}</title></line>')  # fmt: skip
    for level, dash in ((1.96, "4 3"), (z, "")):
        for sign in (1, -1):
            pts = " ".join(f"{x(n):.1f},{y(d.target + sign * _limit(d.target, n, level, d.tau2)):.1f}"
                           for n in _steps(n_max))  # fmt: skip
            parts.append(f'<polyline points="{pts}" fill="none" stroke="#6b7280" stroke-dasharray="{dash}">'
                         f"<title>{'95%' if dash else f'{z:g} 倍标准误'} 控制限</title></polyline>")  # fmt: skip
    for r in points:
        v = r.standardised_resolution or 0.0
        parts.append(f'<circle class="pt" cx="{x(r.followups):.1f}" cy="{y(v):.1f}" r="4" '
                     f'fill="{COLOURS.get(r.position, "#1d4f91")}"><title>{_e(r.office)}：{r.followups} 次回访，'
                     f"标准化解决率 {v:.1%}，{_e(r.position)}</title></circle>")  # fmt: skip
    parts.append(f'<text class="xlabel" x="{LEFT + pw / 2:g}" y="{H - 8:g}" text-anchor="middle">'
                 f"有效回访数（0–{n_max}）</text>"
                 f'<text class="ylabel" x="12" y="{TOP + ph / 2:g}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {TOP + ph / 2:g})">标准化解决率</text></svg>')  # fmt: skip
    return _svg(parts)


def _steps(n_max: int) -> list[float]:
    """Sample sizes for drawing the limits: dense where they bend."""
    return sorted({max(1.0, n_max * (i / 40) ** 2) for i in range(41)})
