"""Accountability: the case history as data (the events format, exported and imported),
response, resolution and satisfaction rates per office (SQL), fair rankings and
anti-gaming checks over the history (the statistics are ``analysis.accountability``'s),
and the pages' views; the monthly report's figures (``monthly``, rendered by ``massline.reports``).
"""

from massline.services.accountability.figures import (
    FollowupCounts,
    office_followup_counts,
    platform_analysis,
    platform_params,
)
from massline.services.accountability.groups import (
    GROUPINGS,
    GroupRow,
    GroupsView,
    group_figures,
    public_leader_figures,
)
from massline.services.accountability.history import EVENT_NAMES, history_events, history_rows
from massline.services.accountability.importing import HistoryImport, check_import_history
from massline.services.accountability.monthly import check_period, current_period, monthly_report, report_for
from massline.services.accountability.views import (
    OfficeRow,
    PeriodRow,
    RankingView,
    office_history,
    period_ranking,
    ranking,
    staff_ranking,
)

__all__ = [
    "EVENT_NAMES",
    "GROUPINGS",
    "GroupRow",
    "GroupsView",
    "group_figures",
    "FollowupCounts",
    "HistoryImport",
    "OfficeRow",
    "PeriodRow",
    "RankingView",
    "check_import_history",
    "history_events",
    "check_period",
    "current_period",
    "monthly_report",
    "report_for",
    "history_rows",
    "office_history",
    "office_followup_counts",
    "public_leader_figures",
    "platform_analysis",
    "period_ranking",
    "platform_params",
    "ranking",
    "staff_ranking",
]
