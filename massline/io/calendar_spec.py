"""The ``calendar:`` section of the deployment file: which days are working days (工作日).

Monday to Friday, except the public holidays listed in ``holidays`` (法定节假日), plus the
weekend days listed in ``workdays`` (调休上班). Every period the platform counts in working
days reads it: the supervision channel's notice deadlines and the online interviews'
answer period. China's State Council publishes the year's holidays and adjusted working
days each winter; a deployment adds them here (older files load unchanged: both lists
default to empty).
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["CalendarSpec"]


class CalendarSpec(BaseModel):
    """The ``calendar:`` section: public holidays and adjusted working days, read through
    ``services.policy.calendar_policy``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: days off although they fall on a weekday (e.g. 2027-02-08 … 2027-02-12 for the Spring Festival)
    holidays: list[date] = []
    #: weekend days that are working days (调休上班)
    workdays: list[date] = []

    @model_validator(mode="after")
    def _not_both(self) -> CalendarSpec:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"{both[0].isoformat()} 不能既是节假日又是调休工作日 (a day is in holidays and workdays)")
        return self

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is a working day of this calendar."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_day_after(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (``day`` itself when ``days`` is 0)."""
        while days > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day
