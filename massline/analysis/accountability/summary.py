"""Everything about a set of case histories in one pass: rates, funnels, ranks and flags,
and the rows of the CLI contract (office_rates.csv, flags.csv)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from massline.analysis.accountability.cases import CaseFacts, all_case_facts
from massline.analysis.accountability.checks import CheckCounter, Flag
from massline.analysis.accountability.fairness import TOO_FEW, Dispersion, Funnel, Rank, funnel, ranks
from massline.analysis.accountability.history import Event, paused_gc
from massline.analysis.accountability.params import Params
from massline.analysis.accountability.rates import Grouper, Tally, add_case, by_office

RATE_COLUMNS = ("单位", "回访数", "响应率", "解决率", "满意率", "综合得分", "按时答复率", "重办率",
                "期望解决率", "漏斗位置", "排名")  # fmt: skip
FLAG_COLUMNS = ("单位", "类型", "案件数", "比率", "全体比率", "案件编号", "说明")


@dataclass
class Analysis:
    """The figures of every office (``tallies`` keyed as the grouper keys them)."""

    params: Params
    tallies: dict[Hashable, Tally]
    resolution: dict[Hashable, Funnel]
    satisfaction: dict[Hashable, Funnel]
    dispersion: Dispersion
    ranks: dict[Hashable, Rank]
    flags: list[Flag]

    def cases_behind(self, key: Hashable, figure: str) -> list[str]:
        """The case numbers behind one figure of one office: 回访, 联系, 解决, 满意, 基本满意,
        按时签收, 签收超时, 按时答复, 答复超时, 答复, 重办, or a check's name (its flagged cases)."""
        for flag in self.flags:
            if flag.office == key and flag.check == figure:
                return flag.cases
        t = self.tallies.get(key)
        return sorted(set(t.cases.get(figure, []))) if t else []


def analyse_facts(facts: Iterable[CaseFacts], params: Params, as_of: datetime, group: Grouper = by_office,
                  check_case: Callable[[CaseFacts], bool] | None = None) -> Analysis:  # fmt: skip
    """Rates, funnels, ranks (of the groups; a group keyed ``""`` is left out) and checks (per office,
    over the cases ``check_case`` accepts, else all) over the cases' facts."""
    out: dict[Hashable, Tally] = defaultdict(Tally)
    counter = CheckCounter(params)
    for f in facts:
        add_case(out, f, params, as_of, group)
        if check_case is None or check_case(f):
            counter.add(f)
    out.pop("", None)
    tallies = dict(out)
    resolution, d = funnel(tallies, 1, params)
    satisfaction, _ = funnel(tallies, 2, params)
    flags = [f for f in counter.flags() if f.office]
    return Analysis(params, tallies, resolution, satisfaction, d, ranks(tallies, params), flags)


def analyse(events: Sequence[Event], params: Params, as_of: datetime | None = None) -> Analysis:
    """:func:`analyse_facts` over events; ``as_of`` defaults to the time of the last event."""
    end = as_of or max((e.at for e in events), default=datetime(1970, 1, 1))  # noqa: DTZ001 - local time
    with paused_gc():
        return analyse_facts(all_case_facts(events), params, end)


def _r(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def office_rate_rows(a: Analysis) -> list[list[str]]:
    """The rows of office_rates.csv (``RATE_COLUMNS``), by rank then office name."""
    rows = []
    for key, t in a.tallies.items():
        f = a.resolution.get(key)
        rank = a.ranks.get(key)
        rows.append([
            str(key), str(t.followups), _r(t.response_rate), _r(t.resolution_rate), _r(t.satisfaction_rate),
            _r(t.score(a.params)), _r(t.on_time_reply), _r(t.reopen_rate), _r(f.expected if f else None),
            f.position if f else TOO_FEW, str(rank.rank) if rank else "",
        ])  # fmt: skip
    rows.sort(key=lambda r: (int(r[10]) if r[10] else 10**9, r[0]))
    return rows


def flag_rows(a: Analysis) -> list[list[str]]:
    """The rows of flags.csv (``FLAG_COLUMNS``)."""
    return [[f.office, f.check, str(f.count), _r(f.rate), _r(f.overall), " ".join(f.cases), f.reason]
            for f in a.flags]  # fmt: skip
