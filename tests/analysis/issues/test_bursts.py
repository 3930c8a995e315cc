from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from massline.analysis.classify.urgency import assess_urgency
from massline.analysis.issues.bursts import BurstParams, bin_counts, detect_burst, poisson_tail, urgent_issue_alert

TZ = timezone(timedelta(hours=8))
REF = datetime(2024, 6, 1, 12, tzinfo=TZ)


def test_spike_fires_with_evidence() -> None:
    series = [1, 0, 2, 1, 1, 0, 1, 2, 1, 0, 1, 1, 0, 2] + [12]
    result = detect_burst(series)
    assert result.is_burst and result.current == 12
    assert 0.5 <= result.baseline < 1.5 and result.ratio > 8 and result.p_value < 1e-6 and result.z_score > 5
    assert result.reasons == []


def test_steady_noise_does_not_fire() -> None:
    rng = random.Random(3)
    for _ in range(50):
        series = [rng.choice([3, 4, 5, 6, 7]) for _ in range(29)]
        assert not detect_burst(series).is_burst


def test_minimum_count_respected() -> None:
    # from nothing to 3 is a huge ratio but below the minimum count
    result = detect_burst([0] * 28 + [3])
    assert not result.is_burst and any("min_count" in r for r in result.reasons)
    assert detect_burst([0] * 28 + [3], BurstParams(min_count=3, max_p=0.05)).is_burst


def test_window_and_history() -> None:
    series = [2] * 20 + [9, 9, 9]
    assert detect_burst(series, BurstParams(window=3, min_ratio=2, max_p=0.01)).is_burst
    assert not detect_burst(series, BurstParams(window=3, min_ratio=5)).is_burst


def test_poisson_tail() -> None:
    assert poisson_tail(0, 2.0) == 1.0
    assert abs(poisson_tail(1, 2.0) - (1 - 0.1353352832)) < 1e-9


def test_bin_counts() -> None:
    times = [REF - timedelta(hours=h) for h in (1, 2, 30, 50, 24 * 9)]
    assert bin_counts(times, REF, 3) == [1, 1, 2]


def test_urgent_new_issue_alert() -> None:
    urgent = assess_urgency("楼道里有很浓的煤气味，请马上派人来")
    calm = assess_urgency("建议增加公交线路")
    decision = urgent_issue_alert([calm, urgent], REF - timedelta(days=1), REF)
    assert urgent.level == "urgent" and decision.raise_alert
    assert decision.evidence and decision.evidence[0]["message"] == 1
    assert not urgent_issue_alert([calm, calm], REF - timedelta(days=1), REF).raise_alert
    assert not urgent_issue_alert([urgent], REF - timedelta(days=30), REF).raise_alert  # not new
