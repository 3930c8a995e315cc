"""Working days for the supervision channel's notice deadlines: Monday to Friday, China time, less the
public holidays and plus the adjusted working days (调休) of the deployment's ``calendar:`` section."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from massline.services.policy import CalendarPolicy

CHINA = ZoneInfo("Asia/Shanghai")


def add_working_days(start: datetime, days: int, calendar: CalendarPolicy | None = None) -> datetime:
    """The end of the ``days``-th working day of ``calendar`` after ``start``, as aware time."""
    day = (calendar or CalendarPolicy()).working_day_after(start.astimezone(CHINA).date(), days)
    return datetime.combine(day, datetime.max.time(), tzinfo=CHINA).replace(microsecond=0)
