"""A report as a document every renderer understands: a title, opening lines, then sections with
notes, charts and tables. The monthly report (``monthly_document``) and the leaders' yearly research
report (``services.research``) are both documents, so HTML, XLSX, DOCX and PDF are written once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from massline.reports.canvas import Canvas, PngCanvas, SvgCanvas
from massline.reports.tables import Table


@dataclass
class Chart:
    """A chart drawn on a canvas of ``size`` (SVG for HTML, PNG for DOCX and PDF)."""

    title: str
    draw: Callable[[Canvas], None]
    size: tuple[int, int]

    def svg(self) -> str:
        """The chart as an inline SVG element."""
        canvas = SvgCanvas(*self.size, self.title)
        self.draw(canvas)
        return canvas.svg()

    def png(self, font: Path) -> bytes:
        """The chart as PNG bytes, labels in ``font``."""
        canvas = PngCanvas(*self.size, font)
        self.draw(canvas)
        return canvas.png()


@dataclass
class Section:
    """A heading, notes, charts and tables (a table's own title is shown when ``captions``)."""

    heading: str
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    captions: bool = True


@dataclass
class Document:
    """What a renderer writes: ``lines`` open the document (the first is shown small, as the period)."""

    title: str
    lines: list[str]
    sections: list[Section]

    def tables(self) -> list[Table]:
        """Every table in order (XLSX: one sheet each)."""
        return [t for s in self.sections for t in s.tables]
