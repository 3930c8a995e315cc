"""The reports' builders: the monthly accountability report (and any report made a ``Document``, such as
the leaders' yearly research report) as HTML, XLSX, DOCX and PDF.

Pure: no database and no settings. A service fills the monthly report's model (``model``: plain
dataclasses, ``services.accountability.monthly_report``), which ``monthly_doc`` makes a ``Document``
(``document``: sections of notes, charts and ``tables``); each format is one small module (``html``,
``xlsx``, ``docx_out``, ``pdf``) that renders a document to bytes; charts (``charts``) are drawn once
on a canvas (``canvas``) that writes SVG for HTML and PNG (Pillow) for DOCX and PDF, with Chinese
labels in the CJK font ``fonts`` finds. ``render(report, fmt, font)`` picks the renderer of a format.
"""

from massline.reports.canvas import Canvas
from massline.reports.charts import bars_chart
from massline.reports.document import Chart, Document, Section
from massline.reports.fonts import FontMissing, find_cjk_font
from massline.reports.model import (
    CadenceRow,
    ExemplaryReply,
    FlagRow,
    HotIssue,
    MonthlyReport,
    OfficeRates,
    Volumes,
)
from massline.reports.render import FORMATS, NEEDS_FONT, render
from massline.reports.tables import Table

__all__ = [
    "FORMATS",
    "NEEDS_FONT",
    "CadenceRow",
    "Canvas",
    "Chart",
    "Document",
    "ExemplaryReply",
    "FlagRow",
    "FontMissing",
    "HotIssue",
    "MonthlyReport",
    "OfficeRates",
    "Section",
    "Table",
    "Volumes",
    "bars_chart",
    "find_cjk_font",
    "render",
]
