"""Issues (集中起来): clusters of messages about one problem in one place.

Owns the ``issues`` pipeline step (incremental assignment, figures, heat),
contributed as a plugin (``issue_steps``, registered at start-up by ``massline.plugins``),
the issue index in the database (``index``), batch rebuilds, officials'
merges and splits (``decisions``), issue actions (own, reply, commit, rate;
one typed function each in ``desk``, schemas in ``schemas``), and what pages
show of issues (lists in ``views``, an issue's page in ``detail``; what the public
sees of an issue, read from its public members only, in ``public``).
"""

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
from massline.services.issues.rebuild import apply_rebuild, plan_rebuild
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
from massline.services.issues.step import assign_message, issue_steps, refresh_heat, refresh_issues
from massline.services.issues.views import (
    MAX_LIST,
    IssueSummaryView,
    all_issues,
    filter_ids,
    hot_issues,
    staff_issues,
)

__all__ = [
    "ISSUE_ACTION_SPECS",
    "CommitRequest",
    "CommitmentView",
    "DraftReplyRequest",
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
    "RatingSummary",
    "ReplyReach",
    "ReplyAllRequest",
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
    "public_issue",
    "rating_summary",
    "refresh_heat",
    "refresh_issues",
    "reply_reach",
    "staff_issues",
]
