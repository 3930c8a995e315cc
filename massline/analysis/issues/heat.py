"""Heat index (热度指数) of an issue: an explainable sum of weighted components.

``heat = Σ weight_i × value_i`` over six components, each computed from the
issue's messages and a reference time (now, or the data's last message):

=========== ============================================ ===========================
component   value                                        default weight
=========== ============================================ ===========================
volume      log2(1 + messages)                           1.0
people      log2(1 + distinct authors)                   1.5
support     log2(1 + Σ 点赞数)                             0.6
opposition  −log2(1 + Σ 反对数)                            0.3
recency     2^(−days since last message / half-life)     3.0 (half-life 30 days)
growth      log2((recent + 1) / (previous + 1)), clipped  0.5 (windows of 14 days)
=========== ============================================ ===========================

Logarithms make the tenth message matter less than the second, so a few
hundred likes cannot drown a hundred neighbours; distinct people weigh more
than messages so one person reposting is not a crowd.  Recency is a bonus of
at most ``recency`` weight, so an old issue with many people still ranks,
but among equals the live one wins.  Growth compares the last
``growth_window_days`` with the window before it.  Every component is returned
with its raw input, value, weight and contribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["HeatComponent", "HeatParams", "HeatResult", "heat_index"]


@dataclass(frozen=True)
class HeatParams:
    """Weights and time constants of the heat index (documented defaults)."""

    volume: float = 1.0
    people: float = 1.5
    support: float = 0.6
    opposition: float = 0.3
    recency: float = 3.0
    growth: float = 0.5
    half_life_days: float = 30.0
    growth_window_days: float = 14.0
    growth_clip: float = 3.0


@dataclass(frozen=True)
class HeatComponent:
    """One term of the heat sum."""

    name: str
    label: str
    raw: float
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        """``weight × value``."""
        return self.weight * self.value


@dataclass(frozen=True)
class HeatResult:
    """A heat score and its components."""

    score: float
    components: list[HeatComponent] = field(default_factory=list)

    def explain(self) -> str:
        """One line per component, in Chinese, for an official."""
        return "；".join(f"{c.label} {c.raw:g} → {c.contribution:+.2f}" for c in self.components)


@dataclass(frozen=True)
class HeatMessage:
    """What the heat index needs of a message."""

    time: datetime | None
    author: str = ""
    support: int = 0
    opposition: int = 0


def heat_index(messages: Sequence[HeatMessage], reference: datetime, params: HeatParams | None = None) -> HeatResult:
    """Heat of an issue with these ``messages`` at ``reference`` time (deterministic)."""
    p = params or HeatParams()
    n = len(messages)
    people = len({m.author for m in messages if m.author} or ({""} if n else set()))
    likes = sum(max(0, m.support) for m in messages)
    dislikes = sum(max(0, m.opposition) for m in messages)
    times = [m.time for m in messages if m.time is not None]
    age = max(0.0, (reference - max(times)).total_seconds() / 86400) if times else math.inf
    recency = 2 ** (-age / p.half_life_days) if times else 0.0
    window = p.growth_window_days * 86400
    recent = sum(1 for t in times if 0 <= (reference - t).total_seconds() < window)
    previous = sum(1 for t in times if window <= (reference - t).total_seconds() < 2 * window)
    growth = max(-p.growth_clip, min(p.growth_clip, math.log2((recent + 1) / (previous + 1))))
    components = [
        HeatComponent("volume", "留言数", n, math.log2(1 + n), p.volume),
        HeatComponent("people", "涉及人数", people, math.log2(1 + people), p.people),
        HeatComponent("support", "点赞数", likes, math.log2(1 + likes), p.support),
        HeatComponent("opposition", "反对数", dislikes, -math.log2(1 + dislikes), p.opposition),
        HeatComponent("recency", "距今天数", round(age, 1) if times else -1, recency, p.recency),
        HeatComponent("growth", f"近{p.growth_window_days:g}天/前{p.growth_window_days:g}天", recent - previous,
                      growth, p.growth),
    ]  # fmt: skip
    return HeatResult(round(sum(c.contribution for c in components), 4), components)
