"""Two canvases with one small drawing interface, so that a chart is drawn once for both: inline SVG
(HTML) and PNG drawn with Pillow in the CJK font (DOCX, PDF)."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path
from typing import Protocol

from massline.reports.fonts import face_index

SCALE = 2  # PNG pixels per SVG unit (sharp when printed)


class Canvas(Protocol):
    """Lines, rectangles, dots and text in units of the chart (origin top left)."""

    width: int
    height: int

    def line(
        self, x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1, dash: bool = False
    ) -> None:
        """A straight line."""

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        """A filled rectangle."""

    def dot(self, x: float, y: float, r: float, color: str) -> None:
        """A filled circle."""

    def text(self, x: float, y: float, s: str, size: float = 11, anchor: str = "start", color: str = "#222") -> None:
        """Text whose baseline starts (``anchor`` start), is centred (middle) or ends (end) at (x, y)."""


class SvgCanvas:
    """Draws into an SVG element (no external font or asset)."""

    def __init__(self, width: int, height: int, label: str) -> None:
        self.width, self.height, self.parts = (
            width,
            height,
            [
                f'<svg viewBox="0 0 {width} {height}" width="{width}" '
                f'height="{height}" role="img" aria-label="{escape(label)}" font-family="sans-serif">'
            ],
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1, dash: bool = False
    ) -> None:
        extra = ' stroke-dasharray="4 3"' if dash else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" '
            f'stroke-width="{width}"{extra}/>'
        )

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{color}"/>'
        )

    def dot(self, x: float, y: float, r: float, color: str) -> None:
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>')

    def text(self, x: float, y: float, s: str, size: float = 11, anchor: str = "start", color: str = "#222") -> None:
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}">{escape(s)}</text>'
        )

    def svg(self) -> str:
        """The finished SVG element."""
        return "".join(self.parts) + "</svg>"


class PngCanvas:
    """Draws with Pillow at ``SCALE`` pixels per unit, text in the CJK font."""

    def __init__(self, width: int, height: int, font: Path) -> None:
        from PIL import Image, ImageDraw

        self.width, self.height, self.font = width, height, font
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict[float, object] = {}

    def _font(self, size: float):  # type: ignore[no-untyped-def]  # a Pillow FreeTypeFont
        from PIL import ImageFont

        if size not in self._fonts:
            self._fonts[size] = ImageFont.truetype(str(self.font), int(size * SCALE), index=face_index(self.font))
        return self._fonts[size]

    def line(
        self, x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1, dash: bool = False
    ) -> None:
        if not dash:
            self.draw.line([(x1 * SCALE, y1 * SCALE), (x2 * SCALE, y2 * SCALE)], fill=color, width=int(width * SCALE))
            return
        steps = max(1, int(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 / 7))
        for i in range(steps):
            a, b = i / steps, (i + 4 / 7) / steps
            self.draw.line(
                [
                    ((x1 + (x2 - x1) * a) * SCALE, (y1 + (y2 - y1) * a) * SCALE),
                    ((x1 + (x2 - x1) * b) * SCALE, (y1 + (y2 - y1) * b) * SCALE),
                ],
                fill=color,
                width=int(width * SCALE),
            )

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        if w > 0 and h > 0:
            self.draw.rectangle([x * SCALE, y * SCALE, (x + w) * SCALE, (y + h) * SCALE], fill=color)

    def dot(self, x: float, y: float, r: float, color: str) -> None:
        self.draw.ellipse([(x - r) * SCALE, (y - r) * SCALE, (x + r) * SCALE, (y + r) * SCALE], fill=color)

    def text(self, x: float, y: float, s: str, size: float = 11, anchor: str = "start", color: str = "#222") -> None:
        pil_anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
        self.draw.text((x * SCALE, y * SCALE), s, fill=color, font=self._font(size), anchor=pil_anchor)

    def png(self) -> bytes:
        """The finished picture as PNG bytes."""
        out = io.BytesIO()
        self.image.save(out, format="PNG", optimize=True)
        return out.getvalue()
