"""The parameters of the accountability figures: weights, limits, the minimum count and the checks' thresholds.

A deployment sets them in its ``accountability:`` section (``io.deployment_spec.AccountabilitySpec``
has the same fields); the pure functions take a :class:`Params`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Params:
    """What the definitions leave to the deployment (docs/accountability.md)."""

    #: 综合得分 = weight_response × 响应率 + weight_resolution × 解决率 + weight_satisfaction × 满意率
    weight_response: float = 0.1
    weight_resolution: float = 0.5
    weight_satisfaction: float = 0.4
    #: a 签收 counts as on time within this many hours of the 派单 or 转办
    accept_hours: int = 24
    #: offices with fewer valid follow-ups are not ranked (样本不足)
    min_followups: int = 30
    #: periods run from this day of a month to the day before it in the next month (1: calendar months)
    period_start_day: int = 1
    #: funnel control limits at this many standard errors (3.09: 99.8 %, 1.96: 95 %)
    funnel_z: float = 3.09
    #: share of z-scores winsorised at each end when estimating over-dispersion (Spiegelhalter: 0.1)
    winsor: float = 0.1
    #: simulated draws for the rank intervals
    rank_draws: int = 1000
    #: a check flags an office with at least this many cases of the pattern ...
    check_min_cases: int = 3
    #: ... at least this many times the rate of all offices ...
    check_ratio: float = 2.0
    #: ... and a one-sided binomial p-value against the other offices' rate below this
    check_alpha: float = 0.001
    #: 速结: a 办结 within this many days of the 答复 with no 回访 in between (0: no 速结 check)
    followup_after_days: int = 3

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Params:
        """Params from a mapping (unknown keys ignored: a deployment section may hold more)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})
