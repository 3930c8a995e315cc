"""Early warning: bursts of messages, and new issues with urgent risk signals.

:func:`detect_burst` compares the count of the current window (the last
``window`` periods of a day or hour series) with the key's own history (the
``history`` periods before it):

* baseline λ = mean count per window in the history (at least ``min_rate``,
  so a quiet key does not alarm on its second message);
* p-value = Poisson tail P(X ≥ current | λ), z = (current − λ) / √λ;
* a burst needs ``current ≥ min_count`` **and** ``current / λ ≥ min_ratio``
  **and** ``p ≤ max_p``.  All of these come back as evidence.

:func:`urgent_issue_alert` decides the immediate alert for a *new* issue: one
message assessed ``urgent`` (see :mod:`massline.analysis.classify.urgency`), or at
least ``min_elevated`` messages ``elevated`` with the same risk signal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from massline.analysis.classify import Urgency

__all__ = ["AlertDecision", "BurstParams", "BurstResult", "bin_counts", "detect_burst", "urgent_issue_alert"]


@dataclass(frozen=True)
class BurstParams:
    """Thresholds of burst detection (periods are the series' unit: days or hours)."""

    window: int = 1
    history: int = 28
    min_count: int = 5
    min_ratio: float = 3.0
    max_p: float = 0.001
    min_rate: float = 0.5


@dataclass(frozen=True)
class BurstResult:
    """Whether the current window is a burst, with the evidence."""

    is_burst: bool
    current: int
    baseline: float
    ratio: float
    p_value: float
    z_score: float
    params: BurstParams
    reasons: list[str] = field(default_factory=list)


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for i in range(1, k):
        term *= lam / i
        below += term
    return max(0.0, 1.0 - below)


def detect_burst(counts: Sequence[int], params: BurstParams | None = None) -> BurstResult:
    """Is the last ``window`` of ``counts`` (oldest first) a burst against the history before it?"""
    p = params or BurstParams()
    current = int(sum(counts[-p.window :])) if counts else 0
    past = list(counts[: max(0, len(counts) - p.window)])[-p.history :]
    per_period = sum(past) / len(past) if past else 0.0
    baseline = max(p.min_rate, per_period * p.window)
    ratio = current / baseline
    p_value = poisson_tail(current, baseline)
    z = (current - baseline) / math.sqrt(baseline)
    reasons = []
    if current < p.min_count:
        reasons.append(f"current {current} < min_count {p.min_count}")
    if ratio < p.min_ratio:
        reasons.append(f"ratio {ratio:.2f} < min_ratio {p.min_ratio}")
    if p_value > p.max_p:
        reasons.append(f"p {p_value:.2g} > max_p {p.max_p}")
    return BurstResult(not reasons, current, round(baseline, 4), round(ratio, 4), p_value, round(z, 4), p, reasons)


def bin_counts(
    times: Iterable[datetime], end: datetime, periods: int, unit: timedelta = timedelta(days=1)
) -> list[int]:
    """Counts of ``times`` in ``periods`` consecutive bins of ``unit`` ending at ``end`` (oldest first)."""
    out = [0] * periods
    for t in times:
        back = int((end - t) / unit)
        if 0 <= back < periods and t <= end:
            out[periods - 1 - back] += 1
    return out


@dataclass(frozen=True)
class AlertDecision:
    """Whether to raise an immediate alert for an issue, and why."""

    raise_alert: bool
    reason: str
    evidence: list[dict[str, object]] = field(default_factory=list)


def urgent_issue_alert(
    urgencies: Sequence[Urgency],
    first_seen: datetime,
    reference: datetime,
    new_within: timedelta = timedelta(days=7),
    min_elevated: int = 3,
) -> AlertDecision:
    """Immediate alert for a new issue whose messages carry urgent risk signals.

    The issue is new when its first message is within ``new_within`` of
    ``reference``.  Alert when a message is ``urgent``, or when at least
    ``min_elevated`` messages are ``elevated`` with the same signal.
    """
    if reference - first_seen > new_within:
        return AlertDecision(False, f"not new: first message {first_seen:%Y-%m-%d}")
    evidence = [
        {"message": i, "level": u.level, "score": u.score, "signal": s.code, "label": s.label, "words": s.words}
        for i, u in enumerate(urgencies)
        if u.level in ("urgent", "elevated")
        for s in u.signals[:1]
    ]
    urgent = [e for e in evidence if e["level"] == "urgent"]
    if urgent:
        return AlertDecision(True, f"{len(urgent)} urgent message(s): {urgent[0]['label']}", urgent)
    by_signal: dict[str, list[dict[str, object]]] = {}
    for e in evidence:
        by_signal.setdefault(str(e["signal"]), []).append(e)
    for code, items in sorted(by_signal.items(), key=lambda kv: -len(kv[1])):
        if len(items) >= min_elevated:
            return AlertDecision(True, f"{len(items)} elevated messages with signal {code}", items)
    return AlertDecision(False, "no urgent signal", evidence)
