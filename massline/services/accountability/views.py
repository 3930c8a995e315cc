"""What the accountability pages show: the ranking of a period with the "why" of every rank,
the funnel's points, the flags an official may see, and one office's rates over time.

The three rates and the score of the ranking come from the SQL counts (``office_followup_counts``),
everything else from the statistics over the exported history; a test holds the two to the
same numbers on the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.accountability import (
    TOO_FEW,
    Analysis,
    Dispersion,
    Event,
    Flag,
    Params,
    all_case_facts,
    by_office_period,
    period_of,
    tally,
)
from massline.models import Office, User
from massline.services.access import accountability_flag_office, can_see_accountability, require
from massline.services.accountability.figures import (
    FollowupCounts,
    office_followup_counts,
    platform_analysis,
    platform_params,
)
from massline.services.accountability.history import history_events
from massline.services.errors import NotFound
from massline.services.intake import deployment_timezone


@dataclass(frozen=True, slots=True)
class OfficeRow:
    """One office in a period: its rates, rank with interval, and the funnel's verdict."""

    office: str
    code: str
    followups: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    score: float | None
    on_time_reply: float | None
    reopen: float | None
    expected_resolution: float | None
    standardised_resolution: float | None
    lower: float | None
    upper: float | None
    position: str
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    ranked: int = 0
    on_time_acceptance: float | None = None
    median_reply_days: float | None = None
    transfers_per_case: float | None = None


@dataclass
class RankingView:
    """The ranking page: ranked offices first (by rank), then the others; the funnel's target."""

    period: str
    periods: list[str]
    rows: list[OfficeRow]
    params: Params
    dispersion: Dispersion
    flags: list[Flag] = field(default_factory=list)


def _periods(events: list[Event], params: Params) -> list[str]:
    """The periods with a valid 回访, newest first."""
    found = {period_of(e.at, params.period_start_day) for e in events if e.name == "回访" and e.detail["有效"] == "是"}
    return sorted(found, reverse=True)


def _bounds(period: str, start_day: int, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """The first instant of ``period`` and of the next one ("" = no bounds)."""
    if not period:
        return None, None
    return period_bounds(period, start_day, tz)


def period_bounds(period: str, start_day: int, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first instant of ``period`` (YYYY-MM, starting on ``start_day``) and of the next one, in ``tz``."""
    year, month = (int(x) for x in period.split("-"))
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (datetime(year, month, start_day, tzinfo=tz), datetime(*after, start_day, tzinfo=tz))


def _rows(a: Analysis, codes: dict[str, str], counts: dict[str, FollowupCounts]) -> list[OfficeRow]:
    """The offices' rows: the three rates and the score from the SQL counts, the rest from the history."""
    rows = []
    for key, t in a.tallies.items():
        f, r = a.resolution.get(key), a.ranks.get(key)
        sql = counts.get(str(key), FollowupCounts(0, 0, 0, 0, 0)).rates(a.params)
        rows.append(OfficeRow(
            str(key), codes.get(str(key), ""), t.followups, sql["响应率"], sql["解决率"], sql["满意率"],
            sql["综合得分"], t.on_time_reply, t.reopen_rate, f.expected if f else None,
            f.standardised if f else None, f.lower if f else None, f.upper if f else None,
            f.position if f else TOO_FEW, r.rank if r else None, r.low if r else None, r.high if r else None,
            r.of if r else 0, t.on_time_acceptance, t.median_reply_days, t.transfers_per_case,
        ))  # fmt: skip
    rows.sort(key=lambda x: (x.rank if x.rank is not None else 10**9, -x.followups, x.office))
    return rows


def ranking(session: Session, default_tz: str, now: datetime, period: str = "") -> RankingView:
    """The public ranking of ``period`` (YYYY-MM; "" = all the history); times local to the deployment's
    time zone (``default_tz`` when it has none)."""
    tz = deployment_timezone(session, default_tz)
    events = history_events(session, tz)
    periods = _periods(events, platform_params(session))
    view = period_ranking(session, tz, now, period if period in periods else "", events)
    view.periods = periods
    return view


def period_ranking(session: Session, tz: tzinfo, now: datetime, period: str,
                   events: list[Event] | None = None) -> RankingView:  # fmt: skip
    """The ranking of ``period`` (YYYY-MM; "" = all the history) whether or not it had a 回访;
    ``events``: the history when already read."""
    params = platform_params(session)
    if events is None:
        events = history_events(session, tz)
    a = platform_analysis(session, tz, now, period or None, events=events)
    codes = {name: code for name, code in session.execute(select(Office.name, Office.code))}
    counts = office_followup_counts(session, *_bounds(period, params.period_start_day, tz))
    return RankingView(period, [], _rows(a, codes, counts), params, a.dispersion, a.flags)


def staff_ranking(session: Session, user: User, default_tz: str, now: datetime, period: str = "") -> RankingView:
    """The officials' view: the ranking and the anti-gaming flags ``user`` may see (Forbidden otherwise)."""
    require(can_see_accountability(user))
    view = ranking(session, default_tz, now, period)
    office_id = accountability_flag_office(user)
    if office_id is not None:
        own = session.get(Office, office_id) if office_id > 0 else None
        view.flags = [f for f in view.flags if own is not None and f.office == own.name]
    return view


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """One office's rates in one period (None under the minimum count: 样本不足)."""

    period: str
    followups: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    score: float | None


def office_history(session: Session, default_tz: str, now: datetime,
                   code: str) -> tuple[Office, list[PeriodRow], Params]:  # fmt: skip
    """One office's rates per period, newest first, rates shown only from ``min_followups`` (NotFound)."""
    office = session.scalar(select(Office).where(Office.code == code, Office.is_dispatch.is_(False)))
    if office is None:
        raise NotFound("没有这个单位")
    tz = deployment_timezone(session, default_tz)
    params = platform_params(session)
    facts = all_case_facts(history_events(session, tz))
    as_of = now.astimezone(tz).replace(tzinfo=None)
    tallies = tally(facts, params, as_of, by_office_period(params.period_start_day))
    rows = []
    for key, t in tallies.items():
        name, period = cast(tuple[str, str], key)
        if name != office.name or not t.followups:
            continue
        enough = t.followups >= params.min_followups
        rows.append(PeriodRow(period, t.followups, t.response_rate if enough else None,
                              t.resolution_rate if enough else None, t.satisfaction_rate if enough else None,
                              t.score(params) if enough else None))  # fmt: skip
    rows.sort(key=lambda r: r.period, reverse=True)
    return office, rows, params
