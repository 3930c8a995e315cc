"""Charts as server-side SVG: a trend line, a horizontal bar chart, a sparkline.

No JavaScript and no external asset: each function returns an ``<svg>``
element (``markupsafe.Markup``) to place inline in a page. The charts are
accessible — ``role="img"`` with a ``<title>`` and a ``<desc>`` that says the
figures in words, text labels on the axes and bars, a ``<title>`` on every
point and bar — and carry no ``style=`` attribute (the CSP is ``style-src
'self'``): colours come from presentation attributes and from classes styled
in ``static/css/dashboard.css``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
FONT = 12
PALETTE = ("#1d4f91", "#17683a", "#b45309", "#9b1c1c")


@dataclass
class Series:
    """One line of a trend chart: its legend name and one value per label."""

    name: str
    values: Sequence[float]


@dataclass
class Bar:
    """One bar: its label, value, an optional link and an optional note after the value."""

    label: str
    value: float
    href: str = ""
    note: str = ""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _svg(parts: list[str]) -> Markup:
    """The assembled element; every text or attribute value in ``parts`` went through ``_e`` (or is a number)."""
    return Markup("".join(parts))  # noqa: S704 -- built here from escaped pieces only


def _num(value: float) -> str:
    """A figure as people write it: integers without decimals, others with one."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def text_width(text: str, size: float = FONT) -> float:
    """Estimated width of ``text`` at ``size``: CJK and full-width characters are one em, others about 0.6."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def truncate(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut (with "…") to fit ``width`` at ``size``."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum ≥ ``value`` and its tick step (1, 2 or 5 × 10ⁿ; at least 1)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return step * math.ceil(value / step), step


def _open(chart_id: str, width: float, height: float, title: str, desc: str, css: str, font: float) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" class="chart {css}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'id="{chart_id}" font-size="{font:g}">',
        f'<title id="{chart_id}-t">{_e(title)}</title>',
        f'<desc id="{chart_id}-d">{_e(desc)}</desc>',
    ]


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    chart_id: str,
    width: float = 560,
    height: float = 240,
    area: bool = True,
    max_labels: int = 8,
    font: float = FONT,
    css: str = "",
) -> Markup:
    """A trend chart: one line (the first one filled as an area) per series, a point per label.

    The y axis starts at zero with round ticks; at most ``max_labels`` x labels
    are written (evenly spaced, the last one always).
    """
    top_value = max((v for s in series for v in s.values), default=0)
    y_max, step = nice_max(float(top_value))
    ticks = [step * i for i in range(int(round(y_max / step)) + 1)]
    left = max(text_width(_num(t), font) for t in ticks) + 10
    right, top, bottom = 12.0, 28.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    out = _open(chart_id, width, height, title, desc, f"chart-line {css}".strip(), font)
    out += _legend(series, left, font)
    # grid and y labels
    out.append('<g class="grid">')
    for t in ticks:
        yt = y(t)
        out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{yt:.1f}" y2="{yt:.1f}" stroke="#d9dee5"/>'
                   f'<text class="ylabel" x="{left - 6:.1f}" y="{yt + 4:.1f}" text-anchor="end">{_num(t)}</text>')
    out.append("</g>")
    # x labels
    out.append('<g class="xlabels">')
    for i in _shown_labels(n, max_labels):
        anchor = "end" if i == n - 1 and n > 1 else ("start" if i == 0 and n > 1 else "middle")
        out.append(
            f'<text class="xlabel" x="{x(i):.1f}" y="{height - 8:.1f}" text-anchor="{anchor}">{_e(labels[i])}</text>'
        )
    out.append("</g>")
    # series
    for k, s in enumerate(series):
        points = [(x(i), y(float(v))) for i, v in enumerate(s.values)]
        out += _line(k, s, points, labels, y(0), area=area and k == 0)
    out.append(f'<line class="axis" x1="{left:.1f}" x2="{width - right:.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
               f'stroke="#52606d"/>')  # fmt: skip
    out.append("</svg>")
    return _svg(out)


def _legend(series: Sequence[Series], left: float, font: float) -> list[str]:
    out, lx = [], left
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        out.append(f'<g class="legend s{k + 1}"><rect x="{lx:.1f}" y="6" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{lx + 16:.1f}" y="17">{_e(s.name)}</text></g>')  # fmt: skip
        lx += 16 + text_width(s.name, font) + 18
    return out


def _shown_labels(n: int, max_labels: int) -> list[int]:
    """At most ``max_labels`` evenly spaced label indices, the last one always."""
    every = max(1, math.ceil(n / max_labels)) if n else 1
    shown = [i for i in range(n) if i % every == 0]
    if n and shown[-1] != n - 1:
        if n - 1 - shown[-1] < every * 0.75 and len(shown) > 1:
            shown.pop()
        shown.append(n - 1)
    return shown


def _line(
    k: int, s: Series, points: list[tuple[float, float]], labels: Sequence[str], base: float, *, area: bool
) -> list[str]:
    """One series of a line chart: its line, points with tooltips, and the area below when asked."""
    colour = PALETTE[k % len(PALETTE)]
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    out = [f'<g class="series s{k + 1}">']
    if area and points:
        out.append(f'<polygon class="area" points="{points[0][0]:.1f},{base:.1f} {coords} '
                   f'{points[-1][0]:.1f},{base:.1f}" fill="{colour}" fill-opacity="0.12"/>')  # fmt: skip
    if len(points) > 1:
        out.append(f'<polyline class="line" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
    radius = 2.5 if len(labels) > 40 else 3.5
    for i, (px, py) in enumerate(points):
        out.append(f'<circle class="pt" cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{colour}">'
                   f"<title>{_e(labels[i])}：{_e(s.name)} {_num(float(s.values[i]))}</title></circle>")  # fmt: skip
    out.append("</g>")
    return out


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    chart_id: str,
    width: float = 360,
    unit: str = "",
    max_bars: int = 12,
    font: float = 14,
) -> Markup:
    """A horizontal bar chart, the label above each bar and the value at its right (phone-friendly).

    Bars beyond ``max_bars`` are summed into one "其他" bar. A bar with ``href``
    is a link (drill-down).
    """
    items = list(bars)
    if len(items) > max_bars:
        rest = items[max_bars - 1 :]
        items = items[: max_bars - 1] + [Bar(f"其他（{len(rest)}项）", sum(b.value for b in rest))]
    row = font + 28
    height = max(row * len(items), row) + 4
    top_value = max((b.value for b in items), default=0) or 1
    out = _open(chart_id, width, height, title, desc, "chart-bars", font)
    if not items:
        out.append(f'<text class="empty" x="0" y="{row / 2:.1f}">暂无数据</text>')
    for i, b in enumerate(items):
        y0 = i * row + 2
        y_bar = y0 + font + 6
        value = f"{_num(b.value)}{unit}" + (f" {b.note}" if b.note else "")
        label_w = width - text_width(value, font) - 12
        bar_w = max((width - 2) * b.value / top_value, 2.0 if b.value else 0.0)
        open_a = f'<a href="{_e(b.href)}">' if b.href else ""
        close_a = "</a>" if b.href else ""
        out.append(
            f'<g class="bar">{open_a}<title>{_e(b.label)}：{_e(value)}</title>'
            f'<text class="bar-label" x="0" y="{y0 + font:.1f}">{_e(truncate(b.label, label_w, font))}</text>'
            f"{close_a}"
            f'<text class="bar-value" x="{width:g}" y="{y0 + font:.1f}" text-anchor="end">{_e(value)}</text>'
            f'<rect class="bar-track" x="0" y="{y_bar:.1f}" width="{width:g}" height="12" rx="3" fill="#eef1f5"/>'
            f'<rect class="bar-fill" x="0" y="{y_bar:.1f}" width="{bar_w:.1f}" height="12" rx="3" '
            f'fill="{PALETTE[0]}"/></g>'
        )
    out.append("</svg>")
    return _svg(out)


def sparkline(values: Sequence[float], *, label: str, width: float = 100, height: float = 24) -> Markup:
    """A small trend line (no axes), described by ``label`` for screen readers."""
    vals = [float(v) for v in values]
    top_value = max(vals, default=0) or 1.0
    n = len(vals)
    pts = [
        (1 + (width - 2) * (i / (n - 1) if n > 1 else 0.5), 1 + (height - 2) * (1 - v / top_value))
        for i, v in enumerate(vals)
    ]
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
    parts = [
        f'<svg xmlns="{SVG_NS}" class="sparkline" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" role="img" aria-label="{_e(label)}"><title>{_e(label)}</title>'
    ]
    if n > 1:
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>')
    if pts:
        parts.append(f'<circle cx="{pts[-1][0]:.1f}" cy="{pts[-1][1]:.1f}" r="2" fill="{PALETTE[0]}"/>')
    parts.append("</svg>")
    return _svg(parts)


def trend_desc(labels: Sequence[str], series: Sequence[Series], unit: str = "件") -> str:
    """A sentence describing a trend for screen readers: each series' total, peak and last value."""
    if not labels:
        return "暂无数据"
    parts = []
    for s in series:
        vals = [float(v) for v in s.values]
        if not vals:
            continue
        peak = max(range(len(vals)), key=lambda i: vals[i])
        parts.append(f"{s.name}共 {_num(sum(vals))} {unit}，最多为 {labels[peak]} 的 {_num(vals[peak])} {unit}，"
                     f"最近一期 {_num(vals[-1])} {unit}")  # fmt: skip
    return f"{labels[0]} 至 {labels[-1]}：" + "；".join(parts) + "。"


def bars_desc(bars: Sequence[Bar], unit: str = "件") -> str:
    """A sentence listing the bars' labels and values (the first eight)."""
    if not bars:
        return "暂无数据"
    head = "，".join(f"{b.label} {_num(b.value)} {unit}" for b in list(bars)[:8])
    return head + ("等" if len(bars) > 8 else "") + "。"
