"""Casework (到群众中去): what offices do with a message, and what citizens see of it.

Owns the case actions (accept, transfer, reject, reply, close, extensions),
ratings, reopens and supports (``feedback``), the public view of a message
(``publish``: PII redaction happens there, once), the board and inbox lists,
the dashboard statistics, the case page's analysis panel and the export rows.
"""

from massline.services.casework.actions import (
    REPLY_MAX,
    REPLY_MIN,
    check_draft_reply,
    do_accept,
    do_close,
    do_dispatch,
    do_publish_reply,
    do_reject,
    do_route,
    do_transfer,
)
from massline.services.casework.analysis_view import analysis_view, urgency_levels
from massline.services.casework.board import (
    MAX_PAGE,
    Filters,
    InboxFilters,
    Page,
    dispatch_queue,
    due_state,
    inbox,
    public_board,
    public_stats,
)
from massline.services.casework.cases import CaseView, case_view, decide_extension, perform, reveal_contact
from massline.services.casework.export import EXPORT_COLUMNS, ExportFilter, export_rows
from massline.services.casework.feedback import check_rate, check_reopen, check_support, supporter_key
from massline.services.casework.publish import PublicMessage, public_message
from massline.services.casework.stats import PERIODS, MessageStats, Share, StatsFilters, message_stats

__all__ = [
    "CaseView",
    "EXPORT_COLUMNS",
    "ExportFilter",
    "Filters",
    "InboxFilters",
    "MAX_PAGE",
    "MessageStats",
    "PERIODS",
    "Page",
    "PublicMessage",
    "REPLY_MAX",
    "REPLY_MIN",
    "Share",
    "StatsFilters",
    "analysis_view",
    "case_view",
    "check_draft_reply",
    "check_rate",
    "check_reopen",
    "check_support",
    "decide_extension",
    "dispatch_queue",
    "do_accept",
    "do_close",
    "do_dispatch",
    "do_publish_reply",
    "do_reject",
    "do_route",
    "do_transfer",
    "due_state",
    "export_rows",
    "inbox",
    "message_stats",
    "perform",
    "public_board",
    "public_message",
    "public_stats",
    "reveal_contact",
    "supporter_key",
    "urgency_levels",
]
