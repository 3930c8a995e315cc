"""Online research (网上调研) counted toward the leaders' research quota.

Owns: research from activity (runs of workbench pages and actions, idle time not counted:
``activity``), manual entries (survey, live Q&A, field visit, with findings and outcome:
``entries``), and the ledger per leader and year against the quota of their level, with the yearly
report (``ledger``); for now also the cadence ledger of issue 15 (``cadence``: days since the last
reply, "read but silent" cases, time to a first reply, silent offices and officials). The quota
and time counting come from the deployment's ``research:`` section
(``services.policy.research_policy``). Others use only the names below.
"""

from massline.services.research.activity import (
    ACTIVITY_KINDS,
    ACTIVITY_LABELS,
    activity_kind,
    case_id_of,
    case_unseen,
    do_note_activity,
    needs_note,
)
from massline.services.research.cadence import Cadence, OfficeCadence, SilentCase, office_cadence, weekly_digest
from massline.services.research.entries import EntryInput, check_add_entry, entries_of
from massline.services.research.ledger import (
    LEVEL_LABELS,
    Ledger,
    leader_level,
    ledger,
    quota_days,
    report_leaders,
    yearly_report,
)
from massline.services.research.report import CSV_HEADER, report_csv, report_document, report_html
from massline.services.research.views import LedgerPage, current_year, ledger_page, report_for

__all__ = [
    "ACTIVITY_KINDS",
    "ACTIVITY_LABELS",
    "CSV_HEADER",
    "LEVEL_LABELS",
    "Cadence",
    "EntryInput",
    "Ledger",
    "LedgerPage",
    "OfficeCadence",
    "SilentCase",
    "activity_kind",
    "case_id_of",
    "case_unseen",
    "check_add_entry",
    "current_year",
    "do_note_activity",
    "entries_of",
    "leader_level",
    "ledger",
    "ledger_page",
    "needs_note",
    "office_cadence",
    "quota_days",
    "report_csv",
    "report_document",
    "report_html",
    "report_for",
    "report_leaders",
    "weekly_digest",
    "yearly_report",
]
