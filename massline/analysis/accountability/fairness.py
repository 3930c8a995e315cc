"""Fair comparison: expected rates by indirect standardisation, funnel limits, ranks with intervals.

* **Expected rate** of an office: the deployment-wide rate of each case-mix cell
  (领域 × 类型) applied to the office's follow-ups (indirect standardisation).
* **Funnel** (Spiegelhalter 2005): the standardised rate (observed / expected × overall)
  against the overall rate, with z-scores winsorised (``winsor``: 10 % at each end) to estimate the
  over-dispersion ``phi``; when ``phi`` exceeds what chance allows, an additive
  random-effects variance ``tau²`` widens every office's limits alike. Offices with
  fewer than ``min_followups`` are 样本不足 and take no part in the estimate.
* **Ranks** by 综合得分 with 95 % intervals from simulated draws: each office's
  follow-ups redrawn (multinomial over its answers) ``rank_draws`` times.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from massline.analysis.accountability.cases import SATISFACTION_SCORE
from massline.analysis.accountability.params import Params
from massline.analysis.accountability.rates import Cell, Tally

ABOVE, NORMAL, BELOW, TOO_FEW = "高于预期", "正常", "低于预期", "样本不足"


@dataclass(slots=True)
class Funnel:
    """One office's place in the funnel of one rate."""

    observed: float
    expected: float
    standardised: float
    lower: float
    upper: float
    position: str


@dataclass(slots=True)
class Rank:
    """An office's rank by 综合得分 (1 = best) and its 95 % interval."""

    rank: int
    low: int
    high: int
    of: int


@dataclass(frozen=True, slots=True)
class Dispersion:
    """The funnel's target and the over-dispersion estimated from the offices."""

    target: float
    phi: float
    tau2: float


def cell_rates(tallies: dict[Hashable, Tally], index: int) -> dict[Cell, float]:
    """The deployment-wide rate of each cell (``index`` 1: 解决率, 2: 满意率)."""
    sums: dict[Cell, list[float]] = {}
    for t in tallies.values():
        for cell, values in t.cells.items():
            s = sums.setdefault(cell, [0.0, 0.0])
            s[0] += values[0]
            s[1] += values[index]
    return {cell: s[1] / s[0] for cell, s in sums.items() if s[0]}


def expected_rate(t: Tally, rates: dict[Cell, float]) -> float | None:
    """The office's expected rate given its case mix (None without follow-ups)."""
    n = sum(v[0] for v in t.cells.values())
    if not n:
        return None
    return sum(v[0] * rates.get(cell, 0.0) for cell, v in t.cells.items()) / n


def _observed(t: Tally, index: int) -> float:
    return (t.solved if index == 1 else t.satisfaction) / t.followups


def _se(target: float, expected: float, n: int) -> float:
    """Standard error of the standardised rate of an office with ``n`` follow-ups."""
    e = min(max(expected, 1e-9), 1 - 1e-9)
    return (target / e) * math.sqrt(e * (1 - e) / n) if 0 < target else 1e-9


def dispersion(tallies: dict[Hashable, Tally], index: int, params: Params) -> Dispersion:
    """The overall rate and the over-dispersion (phi, tau²) from the offices with enough follow-ups."""
    total = sum(t.followups for t in tallies.values())
    target = sum((t.solved if index == 1 else t.satisfaction) for t in tallies.values()) / total if total else 0.0
    rates = cell_rates(tallies, index)
    z, w = [], []
    for t in tallies.values():
        if t.followups < params.min_followups:
            continue
        e = expected_rate(t, rates) or 0.0
        se = max(_se(target, e, t.followups), 1e-9)
        z.append((_observed(t, index) / e * target - target) / se if e else 0.0)
        w.append(1 / se**2)
    k = len(z)
    if k < 3:
        return Dispersion(target, 1.0, 0.0)
    lo, hi = np.quantile(z, [params.winsor, 1 - params.winsor])
    phi = float(np.mean(np.clip(z, lo, hi) ** 2))
    tau2 = 0.0
    if k * phi > k - 1:
        sw = sum(w)
        tau2 = max(0.0, (k * phi - (k - 1)) / (sw - sum(x * x for x in w) / sw))
    return Dispersion(target, phi, tau2)


def funnel(tallies: dict[Hashable, Tally], index: int, params: Params) -> tuple[dict[Hashable, Funnel], Dispersion]:
    """Every office's place in the funnel of 解决率 (``index`` 1) or 满意率 (2)."""
    d = dispersion(tallies, index, params)
    rates = cell_rates(tallies, index)
    out = {}
    for key, t in tallies.items():
        if not t.followups:
            continue
        e = expected_rate(t, rates) or 0.0
        observed = _observed(t, index)
        std = observed / e * d.target if e else d.target
        half = params.funnel_z * math.sqrt(_se(d.target, e, t.followups) ** 2 + d.tau2)
        lower, upper = d.target - half, d.target + half
        if t.followups < params.min_followups:
            position = TOO_FEW
        else:
            position = ABOVE if std > upper else BELOW if std < lower else NORMAL
        out[key] = Funnel(observed, e, std, lower, upper, position)
    return out, d


def ranks(tallies: dict[Hashable, Tally], params: Params, seed: int = 0) -> dict[Hashable, Rank]:
    """Ranks by 综合得分 (1 = best; ties share the better rank) of the offices with enough follow-ups,
    with 95 % intervals from ``params.rank_draws`` simulated redraws of their follow-ups."""
    keys = [k for k, t in tallies.items() if t.followups >= params.min_followups]
    if not keys:
        return {}
    scores = np.array([tallies[k].score(params) for k in keys], dtype=float)
    rng = np.random.default_rng(seed)
    draws = np.empty((len(keys), params.rank_draws))
    for i, k in enumerate(keys):
        t = tallies[k]
        answers = list(t.mix.items())
        w = (params.weight_response, params.weight_resolution, params.weight_satisfaction)
        values = np.array([w[0] * c + w[1] * s + w[2] * SATISFACTION_SCORE[m] for (c, s, m), _ in answers])
        probs = np.array([n for _, n in answers], dtype=float) / t.followups
        draws[i] = rng.multinomial(t.followups, probs, size=params.rank_draws) @ values / t.followups
    # rank of each office in each draw: 1 + the number of offices scoring higher
    order = (-draws).argsort(axis=0).argsort(axis=0) + 1
    low, high = np.percentile(order, [2.5, 97.5], axis=1)
    out = {}
    for i, k in enumerate(keys):
        rank = 1 + int(np.sum(scores > scores[i] + 1e-12))
        out[k] = Rank(rank, int(math.floor(low[i])), int(math.ceil(high[i])), len(keys))
    return out
