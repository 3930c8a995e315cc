"""The periodic reports' builders: the monthly accountability report as HTML, XLSX, DOCX and PDF.

Pure: no database and no settings. A service fills the report model (``model``: plain dataclasses,
``services.accountability.monthly_report``); each format is one small module (``html``, ``xlsx``,
``docx_out``, ``pdf``) that renders the model to bytes; charts are drawn by ``charts`` (PNG with
Pillow, for DOCX and PDF) and ``svg`` (inline SVG, for HTML), with Chinese labels in the CJK font
that ``fonts`` finds. ``render(report, fmt, font)`` picks the renderer of a format.
"""

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

__all__ = [
    "FORMATS",
    "NEEDS_FONT",
    "CadenceRow",
    "ExemplaryReply",
    "FlagRow",
    "FontMissing",
    "HotIssue",
    "MonthlyReport",
    "OfficeRates",
    "Volumes",
    "find_cjk_font",
    "render",
]
