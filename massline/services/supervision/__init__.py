"""Supervision (监督举报): misconduct reports with a protected identity, routed away from the accused,
encrypted at rest with per-report keys sealed to their recipients (PyNaCl).

Owns: handlers' key pairs and their per-session unlock (``keys``), routing to the
supervision office overseeing the accused (``routing``), filing (``filing``), the
handler's reading, answers, notices and stepping aside (``handling``), the
reporter's following and conversation by receipt (``following``), the escalation
and retention sweep (``sweep``). Reports are not messages: they never reach the
messages table, the pipeline, search, exports or notifications.
"""

from massline.services.supervision.entries import ENTRY_LABELS, EntryView
from massline.services.supervision.files import FileView
from massline.services.supervision.filing import Filed, NoRecipient, ReportInput, check_file_report
from massline.services.supervision.following import (
    FollowInput,
    ReporterView,
    check_reporter_files,
    check_reporter_message,
    follow_report,
)
from massline.services.supervision.handling import (
    ACTION_LABELS,
    ACTIONS,
    HandlerView,
    ReportRow,
    allowed_actions,
    check_act,
    check_open_file,
    check_open_report,
    reports_for,
)
from massline.services.supervision.keys import (
    LOCKED,
    check_ensure_key,
    check_password_key,
    check_unlock,
    do_forget_key,
    do_rewrap_key,
    has_key,
    session_private_key,
)
from massline.services.supervision.notices import SmsOut
from massline.services.supervision.routing import Route, is_handler, route_report
from massline.services.supervision.sealing import SealError
from massline.services.supervision.sweep import SweepResult, sweep_reports

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "ENTRY_LABELS",
    "LOCKED",
    "EntryView",
    "FileView",
    "Filed",
    "FollowInput",
    "HandlerView",
    "NoRecipient",
    "ReportInput",
    "ReportRow",
    "ReporterView",
    "Route",
    "SealError",
    "SmsOut",
    "SweepResult",
    "allowed_actions",
    "check_act",
    "check_ensure_key",
    "check_file_report",
    "check_open_file",
    "check_open_report",
    "check_password_key",
    "check_reporter_files",
    "check_reporter_message",
    "check_unlock",
    "do_forget_key",
    "do_rewrap_key",
    "follow_report",
    "has_key",
    "is_handler",
    "reports_for",
    "route_report",
    "session_private_key",
    "sweep_reports",
]
