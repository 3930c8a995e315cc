"""Casework (到群众中去): what offices do with a message, and what citizens see of it.

Owns the case actions (accept, transfer, reject, reply, close, extensions), one typed
function each (``cases``, schemas in ``schemas``, dispatched by ``act``),
ratings, reopens and supports (``feedback``), the public view of a message
(``publish``: PII redaction happens there, once), the board and inbox lists (reopened, escalated and new cases first),
who is on duty in an office (``staffing``: offices without staff, the handler of a reopened case),
the dashboard statistics, the case page's analysis panel and the export rows;
supervised deadlines (``deadlines``: the periodic sweep that reminds, escalates and closes, the
centre's list of escalated cases), when a replied case closes (``closing``) and the 回访 queue
(``callbacks``: the citizen's answers by phone, resolution and satisfaction kept apart); approvals by the office
head and the dispatch centre (``approvals``: reply approval, transfer requests) and 催办 / 督办 with the
leaders' 批示 (``oversight``), their case actions in ``approval_actions``, as the deployment's policy says;
review before publishing (``moderation``: the moderation queue and a moderator's publish / redact / withhold).

The names below load on first use (the platform and most commands need only a few of them); the
approval and oversight actions register with the case actions (``cases`` imports ``approval_actions``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.casework.actions import (
        REPLY_MAX,
        REPLY_MIN,
        check_draft_reply,
        check_request_extension,
        do_accept,
        do_close,
        do_dispatch,
        do_publish_reply,
        do_reject,
        do_route,
        do_transfer,
    )
    from massline.services.casework.analysis_panel import analysis_view, urgency_levels
    from massline.services.casework.approval_schemas import (
        ApproveReplyRequest,
        PendingTransfer,
        ReturnReplyRequest,
        SubmitReplyRequest,
        SuperviseRequest,
        TransferApplication,
        TransferDecision,
        UrgeRequest,
    )
    from massline.services.casework.approvals import (
        CentreRequests,
        centre_requests,
        check_request_transfer,
        check_submit_reply,
        do_require_reply_approval,
        pending_reply_cases,
        pending_transfers,
        saved_draft,
    )
    from massline.services.casework.board import (
        INBOX_SORTS,
        Filters,
        InboxCounts,
        InboxFilters,
        attention,
        dispatch_queue,
        due_state,
        inbox,
        inbox_counts,
        public_board,
        public_stats,
    )
    from massline.services.casework.callbacks import (
        CallbackRequest,
        CallbackResult,
        FollowupFigures,
        callback_queue,
        callback_tries,
        followup_figures,
        record_callback,
    )
    from massline.services.casework.cases import (
        CASE_ACTIONS,
        CaseAction,
        CaseView,
        act,
        act_and_view,
        allowed_case_actions,
        case_view,
        decide_extension,
        pending_extensions,
        reopen_reason,
        reveal_contact,
    )
    from massline.services.casework.closing import CLOSED_UNRATED, close_refusal
    from massline.services.casework.deadlines import (
        LEVEL_LABELS,
        SweepReport,
        escalated_queue,
        reminded_ids,
        sweep,
        sweep_in_chunks,
    )
    from massline.services.casework.export import EXPORT_COLUMNS, ExportFilter, export_rows
    from massline.services.casework.feedback import (
        StanceLimits,
        check_rate,
        check_reopen,
        check_support,
        is_supporter_token,
        issue_supporter_token,
        supporter_key,
    )
    from massline.services.casework.moderation import (
        REVIEW_LISTS,
        FindingView,
        ReviewDecision,
        ReviewItem,
        check_review,
        review_item,
        review_queue,
    )
    from massline.services.casework.oversight import Instruction, do_supervise, do_urge, oversight_marks
    from massline.services.casework.paging import MAX_PAGE, Page
    from massline.services.casework.publish import PublicMessage, public_author, public_message
    from massline.services.casework.schemas import (
        AcceptRequest,
        AssignRequest,
        CaseRequest,
        CaseResult,
        CategoryRequest,
        CloseRequest,
        DispatchRequest,
        ExtensionDecided,
        ExtensionDecision,
        ExtensionRequest,
        PendingExtension,
        PublishRequest,
        RejectRequest,
        ReplyRequest,
        TransferRequest,
    )
    from massline.services.casework.staffing import UNSTAFFED_MARK, offices_without_staff, reopen_handler
    from massline.services.casework.stats import PERIODS, MessageStats, Share, StatsFilters, message_stats

__all__ = [
    "CLOSED_UNRATED",
    "LEVEL_LABELS",
    "CallbackRequest",
    "CallbackResult",
    "FollowupFigures",
    "SweepReport",
    "callback_queue",
    "callback_tries",
    "close_refusal",
    "escalated_queue",
    "followup_figures",
    "record_callback",
    "reminded_ids",
    "sweep",
    "sweep_in_chunks",
    "ApproveReplyRequest",
    "CentreRequests",
    "Instruction",
    "PendingTransfer",
    "ReturnReplyRequest",
    "SubmitReplyRequest",
    "SuperviseRequest",
    "TransferApplication",
    "TransferDecision",
    "UrgeRequest",
    "centre_requests",
    "check_request_extension",
    "check_request_transfer",
    "check_submit_reply",
    "do_require_reply_approval",
    "saved_draft",
    "do_supervise",
    "do_urge",
    "oversight_marks",
    "pending_reply_cases",
    "pending_transfers",
    "CASE_ACTIONS",
    "REVIEW_LISTS",
    "FindingView",
    "ReviewDecision",
    "ReviewItem",
    "check_review",
    "review_item",
    "review_queue",
    "AcceptRequest",
    "AssignRequest",
    "CaseAction",
    "CaseRequest",
    "CaseResult",
    "CaseView",
    "CategoryRequest",
    "CloseRequest",
    "DispatchRequest",
    "ExtensionDecided",
    "ExtensionDecision",
    "ExtensionRequest",
    "PendingExtension",
    "PublishRequest",
    "RejectRequest",
    "ReplyRequest",
    "TransferRequest",
    "EXPORT_COLUMNS",
    "INBOX_SORTS",
    "InboxCounts",
    "UNSTAFFED_MARK",
    "attention",
    "inbox_counts",
    "offices_without_staff",
    "reopen_handler",
    "reopen_reason",
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
    "StanceLimits",
    "StatsFilters",
    "act",
    "act_and_view",
    "allowed_case_actions",
    "analysis_view",
    "case_view",
    "check_draft_reply",
    "check_rate",
    "check_reopen",
    "check_support",
    "is_supporter_token",
    "issue_supporter_token",
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
    "pending_extensions",
    "public_author",
    "public_board",
    "public_message",
    "public_stats",
    "reveal_contact",
    "supporter_key",
    "urgency_levels",
]

_LAZY = {
    "actions": ["REPLY_MAX", "REPLY_MIN", "check_draft_reply", "check_request_extension", "do_accept", "do_close",
                "do_dispatch", "do_publish_reply", "do_reject", "do_route", "do_transfer"],
    "analysis_panel": ["analysis_view", "urgency_levels"],
    "approval_schemas": ["ApproveReplyRequest", "PendingTransfer", "ReturnReplyRequest", "SubmitReplyRequest",
                         "SuperviseRequest", "TransferApplication", "TransferDecision", "UrgeRequest"],
    "approvals": ["CentreRequests", "centre_requests", "check_request_transfer", "check_submit_reply",
                  "do_require_reply_approval", "pending_reply_cases", "pending_transfers", "saved_draft"],
    "board": ["INBOX_SORTS", "Filters", "InboxCounts", "InboxFilters", "attention", "dispatch_queue", "due_state",
              "inbox", "inbox_counts", "public_board", "public_stats"],
    "callbacks": ["CallbackRequest", "CallbackResult", "FollowupFigures", "callback_queue", "callback_tries",
                  "followup_figures", "record_callback"],
    "cases": ["CASE_ACTIONS", "CaseAction", "CaseView", "act", "act_and_view", "allowed_case_actions", "case_view",
              "decide_extension", "pending_extensions", "reopen_reason", "reveal_contact"],
    "closing": ["CLOSED_UNRATED", "close_refusal"],
    "deadlines": ["LEVEL_LABELS", "SweepReport", "escalated_queue", "reminded_ids", "sweep", "sweep_in_chunks"],
    "export": ["EXPORT_COLUMNS", "ExportFilter", "export_rows"],
    "feedback": ["StanceLimits", "check_rate", "check_reopen", "check_support", "is_supporter_token",
                 "issue_supporter_token", "supporter_key"],
    "moderation": ["REVIEW_LISTS", "FindingView", "ReviewDecision", "ReviewItem", "check_review", "review_item",
                   "review_queue"],
    "oversight": ["Instruction", "do_supervise", "do_urge", "oversight_marks"],
    "paging": ["MAX_PAGE", "Page"],
    "publish": ["PublicMessage", "public_author", "public_message"],
    "schemas": ["AcceptRequest", "AssignRequest", "CaseRequest", "CaseResult", "CategoryRequest", "CloseRequest",
                "DispatchRequest", "ExtensionDecided", "ExtensionDecision", "ExtensionRequest", "PendingExtension",
                "PublishRequest", "RejectRequest", "ReplyRequest", "TransferRequest"],
    "staffing": ["UNSTAFFED_MARK", "offices_without_staff", "reopen_handler"],
    "stats": ["PERIODS", "MessageStats", "Share", "StatsFilters", "message_stats"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
