"""Issues (集中起来): clusters of messages about one problem in one place.

Owns the ``issues`` pipeline step (incremental assignment, figures, heat),
contributed as a plugin (``issue_steps``, registered at start-up by ``massline.plugins``),
the issue index in the database (``index``), batch rebuilds, officials'
merges and splits (``decisions``), issue actions (own, reply, commit, rate)
and what pages show of issues (``views``).
"""

from massline.services.issues.actions import check_rate_issue, perform
from massline.services.issues.decisions import check_merge, check_split
from massline.services.issues.rebuild import apply_rebuild, plan_rebuild
from massline.services.issues.step import assign_message, issue_steps, refresh_heat, refresh_issues
from massline.services.issues.views import (
    MAX_LIST,
    IssueDetailView,
    IssueSummaryView,
    all_issues,
    filter_ids,
    hot_issues,
    issue_detail,
    public_issue,
    rating_summary,
    staff_issues,
)

__all__ = [
    "IssueDetailView",
    "IssueSummaryView",
    "MAX_LIST",
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
    "perform",
    "plan_rebuild",
    "public_issue",
    "rating_summary",
    "refresh_heat",
    "refresh_issues",
    "staff_issues",
]
