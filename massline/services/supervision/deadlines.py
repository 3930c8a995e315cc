"""Working days for the supervision channel's notice deadlines (Monday to Friday, China time)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day (Monday to Friday) after ``start``, as aware UTC-comparable time.

    Public holidays are not known to the platform; a deployment that needs them sets longer periods.
    """
    local = start.astimezone(CHINA)
    day = local.date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, datetime.max.time(), tzinfo=CHINA).replace(microsecond=0)
