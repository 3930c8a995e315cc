"""Synthetic case histories with known rates and planted gaming, for testing the accountability figures.

    python scripts/accountability/synthetic.py --cases 20000 --out events.csv [--plant] [--seed 1]

Each office has its own true response, resolution and satisfaction probabilities and the
resolution depends on the case-mix cell (领域 × 类型), so a plain ranking is unfair to the
offices given the hard cells. With ``plant`` one office per check games the figures
(``PLANTED``); the generator counts, independently of the library, the exact figures the
definitions give (``Truth``), so tests can compare them with what the library computes.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from massline.analysis.accountability import Event, write_events  # noqa: E402

DOMAINS = {"城乡建设": 0.55, "交通运输": 0.65, "环境保护": 0.6, "教育文体": 0.8, "劳动社保": 0.7}
KINDS = {"投诉": 0.35, "求助": 0.25, "咨询": 0.2, "建言": 0.1, "举报": 0.1}
KIND_EFFECT = {"投诉": -0.1, "求助": 0.0, "咨询": 0.2, "建言": 0.05, "举报": -0.15}
#: which office games which check when ``plant`` is on
PLANTED = {"降级": "单位03", "未答先结": "单位05", "推诿": "单位07", "延期": "单位09", "重办": "单位11",
           "速结": "单位13"}  # fmt: skip
BASE = {"降级": 0.01, "未答先结": 0.005, "推诿": 0.01, "延期": 0.05, "重办": 0.04, "速结": 0.01}
GAMED = {"降级": 0.2, "未答先结": 0.12, "推诿": 0.15, "延期": 0.35, "重办": 0.25, "速结": 0.3}


@dataclass
class Truth:
    """The exact counts per office, kept by the generator as it writes each event."""

    followups: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    contacted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    solved: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    satisfaction: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    planted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class Generator:
    """Writes cases one by one (see the module docstring)."""

    def __init__(self, offices: int, seed: int, plant: bool, start: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.offices = [f"单位{i:02d}" for i in range(1, offices + 1)]
        self.skill = {o: self.rng.uniform(-0.08, 0.08) for o in self.offices}
        self.response = {o: self.rng.uniform(0.85, 0.98) for o in self.offices}
        self.plant = plant
        self.start = start
        self.truth = Truth()

    def _p(self, office: str, check: str) -> float:
        return GAMED[check] if self.plant and PLANTED.get(check) == office else BASE[check]

    def _hit(self, office: str, check: str) -> bool:
        return self.rng.random() < self._p(office, check)

    def case(self, number: int) -> Iterator[Event]:  # noqa: C901 - one story per case
        """The events of one case."""
        rng, case = self.rng, f"C{number:07d}"
        t = self.start + timedelta(minutes=rng.randrange(27 * 24 * 60))
        domain, kind = _pick(rng, DOMAINS), _pick(rng, KINDS)
        yield Event(case, t, "提交", "", {"类型": kind, "领域": domain})
        office = rng.choice(self.offices)
        t += timedelta(hours=1)
        yield Event(case, t, "派单", office, {"期限": "10"})
        transfers = 2 if self._hit(office, "推诿") else 1 if rng.random() < 0.06 else 0
        for _ in range(transfers):
            t += timedelta(hours=rng.uniform(1, 20))
            yield Event(case, t, "签收", office)
            if transfers == 2:
                self.truth.planted["推诿"].add(case) if PLANTED["推诿"] == office else None
            office = rng.choice([o for o in self.offices if o != office])
            t += timedelta(hours=2)
            yield Event(case, t, "转办", office)
        t += timedelta(hours=rng.uniform(1, 30) if rng.random() < 0.1 else rng.uniform(0.5, 20))
        yield Event(case, t, "签收", office)
        if kind in ("投诉", "求助", "举报") and self._hit(office, "降级"):
            t += timedelta(hours=1)
            yield Event(case, t, "改类", office, {"类型": "咨询"})
            self.truth.planted["降级"].add(case) if PLANTED["降级"] == office else None
        if self._hit(office, "延期"):
            t += timedelta(days=2)
            yield Event(case, t, "延期", office, {"天数": "5"})
            self.truth.planted["延期"].add(case) if PLANTED["延期"] == office else None
        if self._hit(office, "未答先结"):
            yield Event(case, t + timedelta(days=3), "办结", office)
            self.truth.planted["未答先结"].add(case) if PLANTED["未答先结"] == office else None
            return
        yield from self._reply_and_followup(case, t, office, domain, kind)

    def _reply_and_followup(self, case: str, t: datetime, office: str, domain: str, kind: str) -> Iterator[Event]:
        rng = self.rng
        for round_ in range(2):
            t += timedelta(days=rng.uniform(0.5, 11))
            yield Event(case, t, "答复", office)
            if self._hit(office, "速结") and round_ == 0:
                yield Event(case, t + timedelta(days=1), "办结", office)
                self.truth.planted["速结"].add(case) if PLANTED["速结"] == office else None
                return
            t += timedelta(days=rng.uniform(3, 6))
            yield self._followup(case, t, office, domain, kind)
            if round_ == 0 and self._hit(office, "重办"):
                t += timedelta(hours=2)
                yield Event(case, t, "重办", office)
                self.truth.planted["重办"].add(case) if PLANTED["重办"] == office else None
                continue
            yield Event(case, t + timedelta(hours=1), "办结", office)
            return

    def _followup(self, case: str, t: datetime, office: str, domain: str, kind: str) -> Event:
        rng, truth = self.rng, self.truth
        valid = rng.random() < 0.9
        contacted = rng.random() < self.response[office]
        p = min(max(DOMAINS[domain] + KIND_EFFECT[kind] + self.skill[office], 0.02), 0.98)
        solved = rng.random() < p
        sat = rng.choices(["满意", "基本满意", "不满意"], [0.7, 0.25, 0.05] if solved else [0.1, 0.3, 0.6])[0]
        if valid:
            truth.followups[office] += 1
            truth.contacted[office] += contacted
            truth.solved[office] += solved
            truth.satisfaction[office] += {"满意": 1.0, "基本满意": 0.9, "不满意": 0.0}[sat]
        yes = {True: "是", False: "否"}
        return Event(case, t, "回访", "", {"有效": yes[valid], "联系": yes[contacted], "解决": yes[solved],
                                          "满意": sat})  # fmt: skip


START = datetime(2026, 3, 1)  # noqa: DTZ001 - histories are in local time


def generate(
    cases: int, *, offices: int = 30, seed: int = 1, plant: bool = False, start: datetime = START
) -> tuple[list[Event], Truth]:
    """``cases`` synthetic cases' events (in case order) and the generator's own exact counts."""
    gen = Generator(offices, seed, plant, start)
    events = [e for n in range(1, cases + 1) for e in gen.case(n)]
    return events, gen.truth


def iter_events(cases: int, *, offices: int = 30, seed: int = 1, plant: bool = False) -> Iterator[Event]:
    """The events of :func:`generate`, streamed (for files of millions of cases)."""
    gen = Generator(offices, seed, plant, START)
    for n in range(1, cases + 1):
        yield from gen.case(n)


def main() -> None:
    """Write a synthetic events CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--offices", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plant", action="store_true", help="plant one gaming office per check")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    count = write_events(args.out, iter_events(args.cases, offices=args.offices, seed=args.seed, plant=args.plant))
    print(f"wrote {count} events of {args.cases} cases to {args.out}")


if __name__ == "__main__":
    main()
