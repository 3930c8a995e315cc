"""The exact rates per office (and period): 响应率, 解决率, 满意率, 综合得分 and the process figures.

:func:`tally` reads :class:`~massline.analysis.accountability.cases.CaseFacts` once and
counts, per group (office, or office and period), every figure's numerator and
denominator together with the case numbers behind them (``Tally.cases``), so each
figure can name its cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from massline.analysis.accountability.cases import SATISFACTION_SCORE, CaseFacts
from massline.analysis.accountability.params import Params

Cell = tuple[str, str]


def period_of(at: datetime | date, start_day: int = 1) -> str:
    """The period of ``at``: ``YYYY-MM`` of the month in which its period starts (day ``start_day``).

    With ``start_day`` 19, 2026-03-18 belongs to ``2026-02`` (19 Feb – 18 Mar) and 2026-03-19 to ``2026-03``.
    """
    year, month = at.year, at.month
    if at.day < start_day:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{year:04d}-{month:02d}"


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(slots=True)
class Tally:
    """The counts of one group (an office, or an office in a period) and the cases behind each."""

    followups: int = 0
    contacted: int = 0
    solved: int = 0
    satisfaction: float = 0.0
    accept_due: int = 0
    accept_on_time: int = 0
    reply_due: int = 0
    reply_on_time: int = 0
    replied_cases: int = 0
    reopened_cases: int = 0
    assigned_cases: int = 0
    transfers_out: int = 0
    reply_days: list[float] = field(default_factory=list)
    #: per case-mix cell (领域, 类型): [valid follow-ups, 解决=是, satisfaction sum]
    cells: dict[Cell, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0.0]))
    #: valid follow-ups per answer (联系, 解决, 满意): the simulation of rank intervals draws from it
    mix: dict[tuple[bool, bool, str], int] = field(default_factory=lambda: defaultdict(int))
    cases: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def response_rate(self) -> float | None:
        """响应率: valid follow-ups with 联系=是 / valid follow-ups."""
        return _ratio(self.contacted, self.followups)

    @property
    def resolution_rate(self) -> float | None:
        """解决率: 解决=是 / valid follow-ups."""
        return _ratio(self.solved, self.followups)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: (满意 + 0.9 × 基本满意) / valid follow-ups."""
        return _ratio(self.satisfaction, self.followups)

    def score(self, params: Params) -> float | None:
        """综合得分 with the deployment's weights (None without follow-ups)."""
        if not self.followups:
            return None
        return (params.weight_response * self.contacted + params.weight_resolution * self.solved
                + params.weight_satisfaction * self.satisfaction) / self.followups  # fmt: skip

    @property
    def on_time_acceptance(self) -> float | None:
        """按时签收率: 签收 within the acceptance limit of the 派单/转办 / such assignments due."""
        return _ratio(self.accept_on_time, self.accept_due)

    @property
    def on_time_reply(self) -> float | None:
        """按时答复率: 答复 by the deadline / assignments replied or open past their deadline."""
        return _ratio(self.reply_on_time, self.reply_due)

    @property
    def reopen_rate(self) -> float | None:
        """重办率: cases returned to the office by a 重办 / cases it replied."""
        return _ratio(self.reopened_cases, self.replied_cases)

    @property
    def median_reply_days(self) -> float | None:
        """Median days from the 派单/转办 to the office's first 答复."""
        return median(self.reply_days) if self.reply_days else None

    @property
    def transfers_per_case(self) -> float | None:
        """转办 away from the office / cases assigned to it."""
        return _ratio(self.transfers_out, self.assigned_cases)


Grouper = Callable[[str, datetime], Hashable]


def by_office(office: str, at: datetime) -> Hashable:
    """Group by office only."""
    return office


def by_office_period(start_day: int) -> Grouper:
    """Group by (office, period) with periods starting on ``start_day``."""
    return lambda office, at: (office, period_of(at, start_day))


def _count_followups(facts: CaseFacts, group: Grouper, out: dict[Hashable, Tally]) -> None:
    case, mix_cell = facts.case, facts.cell
    for f in facts.followups:
        if not f.valid:
            continue
        t = out[group(f.office, f.at)]
        cases = t.cases
        score = SATISFACTION_SCORE[f.satisfaction]
        t.followups += 1
        cases["回访"].append(case)
        cell = t.cells[mix_cell]
        cell[0] += 1
        cell[1] += f.solved
        cell[2] += score
        t.mix[(f.contacted, f.solved, f.satisfaction)] += 1
        if f.contacted:
            t.contacted += 1
            cases["联系"].append(case)
        if f.solved:
            t.solved += 1
            cases["解决"].append(case)
        t.satisfaction += score
        if score:
            cases[f.satisfaction].append(case)


def _count_assignments(facts: CaseFacts, group: Grouper, params: Params, as_of: datetime,
                       out: dict[Hashable, Tally]) -> None:  # fmt: skip
    limit = timedelta(hours=params.accept_hours)
    seen: set[Hashable] = set()
    for a in facts.assignments:
        key = group(a.office, a.at)
        t = out[key]
        if key not in seen:
            seen.add(key)
            t.assigned_cases += 1
        if a.how == "重办":  # timeliness runs from the 派单 or 转办 that gave the office the case
            continue
        if a.accepted is not None or (a.ended or as_of) - a.at > limit:
            t.accept_due += 1
            ok = a.accepted is not None and a.accepted - a.at <= limit
            t.accept_on_time += ok
            t.cases["按时签收" if ok else "签收超时"].append(facts.case)
        due = a.due
        if a.replied is not None:
            t.reply_days.append((a.replied - a.at).total_seconds() / 86400)
        if due is None:
            continue
        if a.replied is not None or (a.ended is None and as_of > due):
            t.reply_due += 1
            ok = a.replied is not None and a.replied <= due
            t.reply_on_time += ok
            t.cases["按时答复" if ok else "答复超时"].append(facts.case)


def _count_steps(facts: CaseFacts, group: Grouper, out: dict[Hashable, Tally]) -> None:
    replied: set[Hashable] = set()
    for office, at in facts.replies:
        key = group(office, at)
        if key not in replied:
            replied.add(key)
            out[key].replied_cases += 1
            out[key].cases["答复"].append(facts.case)
    reopened: set[Hashable] = set()
    for s in facts.steps:
        if s.what == "转办":
            out[group(s.office, s.at)].transfers_out += 1
        elif s.what == "重办":
            key = group(s.office, s.at)
            if key not in reopened:
                reopened.add(key)
                out[key].reopened_cases += 1
                out[key].cases["重办"].append(facts.case)


def tally(facts: Iterable[CaseFacts], params: Params, as_of: datetime,
          group: Grouper = by_office) -> dict[Hashable, Tally]:  # fmt: skip
    """Every group's counts; ``as_of`` is the end of the data (open cases past a deadline count as late)."""
    out: dict[Hashable, Tally] = defaultdict(Tally)
    for f in facts:
        add_case(out, f, params, as_of, group)
    out.pop("", None)
    return dict(out)


def add_case(out: dict[Hashable, Tally], f: CaseFacts, params: Params, as_of: datetime,
             group: Grouper = by_office) -> None:  # fmt: skip
    """Count one case into ``out`` (a ``defaultdict(Tally)``)."""
    _count_followups(f, group, out)
    _count_assignments(f, group, params, as_of, out)
    _count_steps(f, group, out)
