from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from massline.analysis.issues.heat import HeatMessage, HeatParams, heat_index

TZ = timezone(timedelta(hours=8))
REF = datetime(2024, 6, 1, tzinfo=TZ)


def _msgs(n: int, authors: int, days_ago: float, likes: int = 0, dislikes: int = 0) -> list[HeatMessage]:
    return [
        HeatMessage(
            REF - timedelta(days=days_ago), f"a{i % authors}", likes if i == 0 else 0, dislikes if i == 0 else 0
        )
        for i in range(n)
    ]


def test_components_sum_to_score_and_are_explained() -> None:
    heat = heat_index(_msgs(7, 3, 2, likes=15, dislikes=1), REF)
    names = [c.name for c in heat.components]
    assert names == ["volume", "people", "support", "opposition", "recency", "growth"]
    assert math.isclose(heat.score, sum(c.contribution for c in heat.components), abs_tol=1e-3)
    by = {c.name: c for c in heat.components}
    assert by["volume"].raw == 7 and math.isclose(by["volume"].value, 3.0)
    assert by["people"].raw == 3 and by["support"].raw == 15 and by["opposition"].contribution < 0
    assert math.isclose(by["recency"].value, 2 ** (-2 / 30), rel_tol=1e-6)
    assert "点赞数 15" in heat.explain()


def test_more_people_beat_one_person_reposting() -> None:
    crowd = heat_index(_msgs(10, 10, 5), REF)
    reposter = heat_index(_msgs(10, 1, 5), REF)
    assert crowd.score > reposter.score


def test_recency_decays_with_half_life() -> None:
    p = HeatParams(half_life_days=10)
    fresh = heat_index(_msgs(5, 5, 0), REF, p)
    old = heat_index(_msgs(5, 5, 10), REF, p)
    rec = {h: {c.name: c for c in r.components}["recency"].value for h, r in (("f", fresh), ("o", old))}
    assert math.isclose(rec["f"], 1.0) and math.isclose(rec["o"], 0.5)
    assert fresh.score > old.score


def test_growth_recent_window_against_previous() -> None:
    growing = [HeatMessage(REF - timedelta(days=d), f"u{d}") for d in (1, 2, 3, 4, 20)]
    shrinking = [HeatMessage(REF - timedelta(days=d), f"u{d}") for d in (1, 16, 17, 18, 20)]
    g = {c.name: c for c in heat_index(growing, REF).components}["growth"]
    s = {c.name: c for c in heat_index(shrinking, REF).components}["growth"]
    assert g.raw == 4 - 1 and g.value > 0
    assert s.value < 0


def test_deterministic() -> None:
    msgs = _msgs(4, 2, 3, likes=2)
    assert heat_index(msgs, REF) == heat_index(list(msgs), REF)
