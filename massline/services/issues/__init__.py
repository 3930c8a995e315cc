"""Issues (集中起来): clusters of messages about one problem in one place.

Owns the ``issues`` pipeline step (incremental assignment, figures, heat),
contributed as a plugin (``plugin``, registered at start-up by ``massline.plugins``),
the issue index in the database (``index``), batch rebuilds, officials'
merges and splits (``decisions``), issue actions (own, reply, commit, rate;
one typed function each in ``desk``, schemas in ``schemas``), and what pages
show of issues (lists in ``views``, an issue's page in ``detail``; what the public
sees of an issue, read from its public members only, in ``public``).

The names below load on first use, so that the plugin manager and the commands that
only list issues do not load numpy or the segmenter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.issues import plugin
    from massline.services.issues.actions import ReplyReach, check_rate_issue, reply_reach
    from massline.services.issues.decisions import check_merge, check_split
    from massline.services.issues.desk import ISSUE_ACTION_SPECS, IssueAction, act
    from massline.services.issues.detail import (
        CommitmentView,
        IssueDetailView,
        PublicIssueView,
        RatingSummary,
        issue_detail,
        public_issue,
        rating_summary,
    )
    from massline.services.issues.plugin import issue_steps
    from massline.services.issues.rebuild import apply_rebuild, plan_rebuild
    from massline.services.issues.refresh import REFRESH_CHUNK, refresh_dirty
    from massline.services.issues.schemas import (
        CommitRequest,
        DraftReplyRequest,
        IssueRequest,
        IssueResult,
        MergeRequest,
        OwnRequest,
        PublishReplyRequest,
        ReplyAllRequest,
        ResolveRequest,
        SplitRequest,
        UpdateCommitmentRequest,
    )
    from massline.services.issues.step import assign_message, refresh_heat, refresh_issues
    from massline.services.issues.store import ISSUE_EVENT_LABELS
    from massline.services.issues.views import (
        MAX_LIST,
        IssueSummaryView,
        all_issues,
        filter_ids,
        hot_issues,
        staff_issues,
    )

__all__ = [
    "CommitRequest",
    "CommitmentView",
    "DraftReplyRequest",
    "ISSUE_ACTION_SPECS",
    "ISSUE_EVENT_LABELS",
    "IssueAction",
    "IssueDetailView",
    "IssueRequest",
    "IssueResult",
    "IssueSummaryView",
    "MAX_LIST",
    "MergeRequest",
    "OwnRequest",
    "PublicIssueView",
    "PublishReplyRequest",
    "REFRESH_CHUNK",
    "RatingSummary",
    "ReplyAllRequest",
    "ReplyReach",
    "ResolveRequest",
    "SplitRequest",
    "UpdateCommitmentRequest",
    "act",
    "all_issues",
    "apply_rebuild",
    "assign_message",
    "check_merge",
    "check_rate_issue",
    "check_split",
    "filter_ids",
    "hot_issues",
    "issue_detail",
    "issue_steps",
    "plan_rebuild",
    "plugin",
    "public_issue",
    "rating_summary",
    "refresh_dirty",
    "refresh_heat",
    "refresh_issues",
    "reply_reach",
    "staff_issues",
]

_LAZY = {
    "actions": ["ReplyReach", "check_rate_issue", "reply_reach"],
    "decisions": ["check_merge", "check_split"],
    "desk": ["ISSUE_ACTION_SPECS", "IssueAction", "act"],
    "detail": ["CommitmentView", "IssueDetailView", "PublicIssueView", "RatingSummary", "issue_detail",
        "public_issue", "rating_summary"],
    "plugin": ["issue_steps"],
    "rebuild": ["apply_rebuild", "plan_rebuild"],
    "refresh": ["REFRESH_CHUNK", "refresh_dirty"],
    "schemas": ["CommitRequest", "DraftReplyRequest", "IssueRequest", "IssueResult", "MergeRequest", "OwnRequest",
        "PublishReplyRequest", "ReplyAllRequest", "ResolveRequest", "SplitRequest", "UpdateCommitmentRequest"],
    "step": ["assign_message", "refresh_heat", "refresh_issues"],
    "store": ["ISSUE_EVENT_LABELS"],
    "views": ["MAX_LIST", "IssueSummaryView", "all_issues", "filter_ids", "hot_issues", "staff_issues"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submodules=["plugin"], submod_attrs=_LAZY)
