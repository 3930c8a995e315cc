"""Anti-gaming checks: 降级, 未答先结, 推诿, 延期, 重办, 速结.

Each check counts, per office, the cases showing the pattern (numerator, named) and the
cases it could have shown in (denominator). An office is flagged when it has at least
``check_min_cases`` such cases, its rate is at least ``check_ratio`` times the rate of
all offices, and a one-sided binomial test against the rate of the *other* offices
gives a p-value below ``check_alpha``. Each flag explains itself in one sentence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from scipy.stats import binom

from massline.analysis.accountability.cases import LIGHT_KINDS, SERIOUS_KINDS, CaseFacts
from massline.analysis.accountability.params import Params

#: the checks in order: the cases the pattern could be in ({t}) and the cases showing it ({n}, {d} days)
CHECKS = {
    "降级": ("派给本单位的{t}件投诉/求助/举报", "{n}件被本单位改为咨询/建言"),
    "未答先结": ("本单位办结的{t}件案件", "{n}件未公开答复即办结"),
    "推诿": ("派给本单位的{t}件案件", "{n}件经本单位转办、且共转办两次以上"),
    "延期": ("派给本单位的{t}件案件", "{n}件申请了延期"),
    "重办": ("本单位答复的{t}件案件", "{n}件答复后被要求重新办理"),
    "速结": ("本单位答复后办结的{t}件案件", "{n}件在答复后{d}天内未经回访即办结"),
}


@dataclass(slots=True)
class Counts:
    """One check's counts for one office: the cases with the pattern and the number it could be in."""

    cases: list[str] = field(default_factory=list)
    total: int = 0


@dataclass(slots=True)
class Flag:
    """An office flagged by a check (a row of flags.csv)."""

    office: str
    check: str
    count: int
    rate: float
    overall: float
    cases: list[str]
    reason: str
    p_value: float


class CheckCounter:
    """Accumulates every check's counts over the cases (call :meth:`add` per case)."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.counts: dict[str, dict[str, Counts]] = {name: defaultdict(Counts) for name in CHECKS}

    def _mark(self, check: str, offices: set[str], hit: set[str], case: str) -> None:
        for office in offices:
            c = self.counts[check][office]
            c.total += 1
            if office in hit:
                c.cases.append(case)

    def add(self, f: CaseFacts) -> None:  # noqa: C901 - one line per check
        """Count one case."""
        assigned = {a.office for a in f.assignments if a.office}
        downgraded, extended, reopened, shifted = set(), set(), set(), set()
        closed, unanswered, after_reply, quick = set(), set(), set(), set()
        limit = self.params.followup_after_days
        for s in f.steps:
            if s.what == "改类" and _downgrade(s.note):
                downgraded.add(s.office)
            elif s.what == "延期":
                extended.add(s.office)
            elif s.what == "重办":
                reopened.add(s.office)
            elif s.what == "转办" and f.transfers >= 2:
                shifted.add(s.office)
            elif s.what in ("办结", "未答先结"):
                closed.add(s.office)
                if s.what == "未答先结":
                    unanswered.add(s.office)
                else:
                    after_reply.add(s.office)
                    if limit and s.note and float(s.note) < limit:
                        quick.add(s.office)
        if f.kind in SERIOUS_KINDS:
            self._mark("降级", assigned, downgraded, f.case)
        self._mark("未答先结", closed, unanswered, f.case)
        self._mark("推诿", assigned, shifted, f.case)
        self._mark("延期", assigned, extended, f.case)
        self._mark("重办", {office for office, _ in f.replies}, reopened, f.case)
        if limit:
            self._mark("速结", after_reply, quick, f.case)

    def flags(self) -> list[Flag]:
        """The offices flagged by each check, in check order then office name."""
        out: list[Flag] = []
        for check, by_office in self.counts.items():
            out.extend(_flag_check(check, by_office, self.params))
        return out


def _downgrade(note: str) -> bool:
    old, _, new = note.partition("→")
    return old in SERIOUS_KINDS and new in LIGHT_KINDS


def _flag_check(check: str, by_office: dict[str, Counts], params: Params) -> list[Flag]:
    hits = sum(len(c.cases) for c in by_office.values())
    total = sum(c.total for c in by_office.values())
    if not total:
        return []
    overall = hits / total
    out = []
    for office in sorted(by_office):
        c = by_office[office]
        n = len(c.cases)
        if n < params.check_min_cases or not c.total:
            continue
        rate = n / c.total
        if rate < params.check_ratio * overall:
            continue
        rest_total = total - c.total
        rest = (hits - n) / rest_total if rest_total else overall
        p = float(binom.sf(n - 1, c.total, rest)) if rest > 0 else 0.0
        if p >= params.check_alpha:
            continue
        reason = _sentence(check, office, n, c.total, rate, overall, params)
        out.append(Flag(office, check, n, rate, overall, sorted(set(c.cases)), reason, p))
    return out


def _sentence(check: str, office: str, n: int, total: int, rate: float, overall: float, params: Params) -> str:
    """The flag in one Chinese sentence."""
    of, more = CHECKS[check]
    times = f"，是全体的{rate / overall:.1f}倍" if overall else ""
    return (f"{office}：{of.format(t=total)}中，{more.format(n=n, d=params.followup_after_days)}（{rate:.1%}），"
            f"全体单位为{overall:.1%}{times}。")  # fmt: skip
