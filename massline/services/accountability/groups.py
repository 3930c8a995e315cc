"""The three rates and the process figures per category (领域), kind (类型), region and leader.

The office ranking (``views``) compares offices; officials also ask how a field, a district or a
leader's area is served. Each case counts in its group with every figure the office tallies count
(the same ``add_case``): by the 领域 and the 类型 it was submitted with, by the district (or the
deepest level above the street) of its region, and for every leader whose region contains the
case's region. Groups under the minimum number of valid follow-ups show counts, not rates; every
figure names the cases behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.accountability import CaseFacts, Params, Tally, add_case, all_case_facts, period_of
from massline.models import Message, Region, User
from massline.services.access import can_see_accountability, require
from massline.services.accountability.figures import platform_params
from massline.services.accountability.history import history_events
from massline.services.intake import deployment_timezone

#: the ways to group, with their Chinese names
GROUPINGS = {"category": "领域", "kind": "类型", "region": "区域", "leader": "领导"}
NO_REGION = "未定区域"
_UPPER_LEVELS = ("province", "city", "district", "county")


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One group's figures (rates None under the minimum count) and the cases behind them."""

    name: str
    cases: int
    followups: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    score: float | None
    on_time_reply: float | None
    reopen: float | None
    followup_cases: list[str] = field(default_factory=list)


@dataclass
class GroupsView:
    """The page: the grouping, the period and its choices, the rows by follow-ups."""

    by: str
    period: str
    periods: list[str]
    rows: list[GroupRow]
    params: Params


def _region_keys(session: Session, leaders: bool) -> Callable[[CaseFacts], list[str]]:
    """Case number -> its district's name (``leaders=False``), or the leaders whose region holds it."""
    regions = {rid: (name, level, parent) for rid, name, level, parent
               in session.execute(select(Region.id, Region.name, Region.level, Region.parent_id))}  # fmt: skip
    of_case = {code: rid for code, rid in session.execute(select(Message.tracking_code, Message.region_id))}

    def chain(rid: int | None) -> list[int]:
        out: list[int] = []
        while rid is not None and rid in regions and len(out) < 20:
            out.append(rid)
            rid = regions[rid][2]
        return out

    if leaders:
        heads: dict[int, list[str]] = defaultdict(list)
        for name, rid in session.execute(select(User.display_name, User.region_id).where(
                User.role == "leader", User.is_active.is_(True), User.region_id.is_not(None))):  # fmt: skip
            if rid is None:
                continue
            heads[rid].append(f"{name}（{regions[rid][0]}）" if rid in regions else name)
        return lambda f: [h for rid in chain(of_case.get(f.case)) for h in heads.get(rid, [])]

    def district(f: CaseFacts) -> list[str]:
        ids = chain(of_case.get(f.case))
        upper = [rid for rid in ids if regions[rid][1] in _UPPER_LEVELS]
        return [regions[upper[0]][0]] if upper else ([regions[ids[-1]][0]] if ids else [NO_REGION])

    return district


def _keys(session: Session, by: str) -> Callable[[CaseFacts], list[str]]:
    if by == "category":
        return lambda f: [f.domain or "未分类"]
    if by == "kind":
        return lambda f: [f.kind or "未知"]
    return _region_keys(session, leaders=by == "leader")


def group_tallies(facts: Iterable[CaseFacts], keys: Callable[[CaseFacts], list[str]], params: Params,
                  as_of: datetime, period: str = "") -> tuple[dict[Hashable, Tally], dict[str, int]]:  # fmt: skip
    """Every group's tally (a case's figures counted in each of its groups; only those of ``period``
    when given) and the number of cases per group."""
    out: dict[Hashable, Tally] = defaultdict(Tally)
    sizes: dict[str, int] = defaultdict(int)
    for f in facts:
        for key in keys(f):
            sizes[key] += 1

            def group(_office: str, at: datetime, key: str = key) -> Hashable:
                return key if not period or period_of(at, params.period_start_day) == period else ""

            add_case(out, f, params, as_of, group)
    out.pop("", None)
    return out, sizes


def group_figures(session: Session, user: User, default_tz: str, now: datetime, by: str,
                  period: str = "") -> GroupsView:  # fmt: skip
    """The figures of every group of ``by`` (category, kind, region or leader) over ``period``
    (YYYY-MM with the deployment's start day; "" = all); Forbidden for citizens."""
    require(can_see_accountability(user))
    return _groups(session, default_tz, now, by if by in GROUPINGS else "category", period)


def public_leader_figures(session: Session, default_tz: str, now: datetime, period: str = "") -> GroupsView:
    """Every leader's three rates for the public (like the People's Daily board's leader pages): the
    same figures as the officials' view by leader, without the case numbers."""
    view = _groups(session, default_tz, now, "leader", period)
    view.rows = [replace(r, followup_cases=[]) for r in view.rows]
    return view


def _groups(session: Session, default_tz: str, now: datetime, by: str, period: str) -> GroupsView:
    tz = deployment_timezone(session, default_tz)
    params = platform_params(session)
    events = history_events(session, tz)
    periods = sorted({period_of(e.at, params.period_start_day) for e in events if e.name == "回访"}, reverse=True)
    chosen = period if period in periods else ""
    as_of = now.astimezone(tz).replace(tzinfo=None)
    tallies, sizes = group_tallies(all_case_facts(events), _keys(session, by), params, as_of, chosen)
    rows = []
    for key, t in tallies.items():
        enough = t.followups >= params.min_followups
        rows.append(GroupRow(
            str(key), sizes.get(str(key), 0), t.followups, t.response_rate if enough else None,
            t.resolution_rate if enough else None, t.satisfaction_rate if enough else None,
            t.score(params) if enough else None, t.on_time_reply, t.reopen_rate,
            sorted(set(t.cases.get("回访", []))),
        ))  # fmt: skip
    rows.sort(key=lambda r: (-r.followups, -r.cases, r.name))
    return GroupsView(by, chosen, periods, rows, params)
