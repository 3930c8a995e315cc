"""Early warning (预警): raise, deduplicate, scope, acknowledge and resolve alerts.
"""

from massline.services.alerts.core import (
    AlertParams,
    ScanReport,
    access_alert_by_id,
    alert_scope,
    all_alerts,
    can_act_on_alert,
    check_acknowledge,
    check_resolve,
    configure,
    evaluate_issue,
    list_alerts,
    scan,
)

__all__ = [
    "AlertParams",
    "ScanReport",
    "access_alert_by_id",
    "alert_scope",
    "all_alerts",
    "can_act_on_alert",
    "check_acknowledge",
    "check_resolve",
    "configure",
    "evaluate_issue",
    "list_alerts",
    "scan",
]
