"""Early warning (预警): raise, deduplicate, acknowledge and resolve alerts.

Triggers (``trigger``): ``burst_issue`` and ``urgent_new_issue``, evaluated for
an issue when the issue step adds messages to it (``evaluate_issue``);
``burst_category`` / ``burst_region``, evaluated by the periodic ``scan``. The
thresholds are one ``AlertParams`` object passed in (``AlertParams.from_settings``).
Reading and handling (``handling``): the lists a user may see, acknowledge,
resolve; who may see or act is decided in ``services.access``.

The names below load on first use, so that listing the alerts does not load the triggers' analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.alerts.handling import all_alerts, check_acknowledge, check_resolve, list_alerts
    from massline.services.alerts.params import AlertParams
    from massline.services.alerts.scan import ScanReport, scan
    from massline.services.alerts.trigger import evaluate_issue, trigger

__all__ = [
    "AlertParams",
    "ScanReport",
    "all_alerts",
    "check_acknowledge",
    "check_resolve",
    "evaluate_issue",
    "list_alerts",
    "scan",
    "trigger",
]

_LAZY = {
    "handling": ["all_alerts", "check_acknowledge", "check_resolve", "list_alerts"],
    "params": ["AlertParams"],
    "scan": ["ScanReport", "scan"],
    "trigger": ["evaluate_issue", "trigger"],
}

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
