"""The thresholds of early warning, one object passed to every check (filled from the settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from massline.analysis.issues import BurstParams

DAY = timedelta(days=1)


@dataclass(frozen=True)
class AlertParams:
    """Thresholds of early warning (the worker fills them from the settings)."""

    burst: BurstParams = field(default_factory=BurstParams)
    urgent_new_days: int = 7
    urgent_min_elevated: int = 3

    @classmethod
    def from_settings(cls, settings: Any) -> AlertParams:
        """Parameters from a ``massline.config.Settings``."""
        return cls(
            BurstParams(
                history=settings.alert_burst_history_days,
                min_count=settings.alert_burst_min_count,
                min_ratio=settings.alert_burst_min_ratio,
                max_p=settings.alert_burst_max_p,
            ),
            urgent_new_days=settings.alert_urgent_new_days,
            urgent_min_elevated=settings.alert_urgent_min_elevated,
        )
