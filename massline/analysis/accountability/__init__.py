"""Accountability statistics over case histories: the events format (案件编号, 时间, 事件, 单位, 详情),
the exact rates per office and period, fair comparison (indirect standardisation, funnel limits
with over-dispersion, ranks with intervals) and the anti-gaming checks. Pure: no database, no
settings — the ``massline accountability`` command over a CSV and the platform share it.
"""

from massline.analysis.accountability.cases import CaseFacts, adjacent_case_facts, all_case_facts, case_facts
from massline.analysis.accountability.checks import CHECKS, Flag
from massline.analysis.accountability.fairness import ABOVE, BELOW, NORMAL, TOO_FEW, Dispersion, Funnel, Rank
from massline.analysis.accountability.history import (
    COLUMNS,
    DETAILS,
    TIME_FORMAT,
    Event,
    HistoryError,
    format_detail,
    parse_detail,
    parse_row,
    parse_rows,
    read_events,
    write_events,
)
from massline.analysis.accountability.params import Params
from massline.analysis.accountability.rates import Tally, add_case, by_office, by_office_period, period_of, tally
from massline.analysis.accountability.summary import (
    FLAG_COLUMNS,
    RATE_COLUMNS,
    Analysis,
    analyse,
    analyse_facts,
    flag_rows,
    office_rate_rows,
)

__all__ = [
    "ABOVE",
    "BELOW",
    "CHECKS",
    "COLUMNS",
    "DETAILS",
    "FLAG_COLUMNS",
    "NORMAL",
    "RATE_COLUMNS",
    "TIME_FORMAT",
    "TOO_FEW",
    "Analysis",
    "CaseFacts",
    "Dispersion",
    "Event",
    "Flag",
    "Funnel",
    "HistoryError",
    "Params",
    "Rank",
    "Tally",
    "adjacent_case_facts",
    "all_case_facts",
    "analyse",
    "analyse_facts",
    "by_office",
    "by_office_period",
    "case_facts",
    "flag_rows",
    "format_detail",
    "office_rate_rows",
    "parse_detail",
    "parse_row",
    "parse_rows",
    "period_of",
    "read_events",
    "tally",
    "add_case",
    "write_events",
]
