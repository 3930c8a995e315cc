"""The figures on synthetic histories with known rates and planted gaming (scripts/accountability/synthetic.py)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from massline.analysis.accountability import BELOW, NORMAL, TOO_FEW, Analysis, Params, analyse

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts" / "accountability"))
from synthetic import PLANTED, generate  # noqa: E402

CASES = 12000


@pytest.fixture(scope="module")
def planted() -> tuple[Analysis, object]:
    events, truth = generate(CASES, seed=11, plant=True)
    return analyse(events, Params()), truth


def test_rates_equal_the_generators_own_counts(planted: tuple[Analysis, object]) -> None:
    a, truth = planted
    for office, t in a.tallies.items():
        assert t.followups == truth.followups[office]
        assert t.contacted == truth.contacted[office]
        assert t.solved == truth.solved[office]
        assert t.satisfaction == pytest.approx(truth.satisfaction[office])


def test_every_planted_pattern_is_found_with_its_cases(planted: tuple[Analysis, object]) -> None:
    a, truth = planted
    found = {(f.check, f.office): f for f in a.flags}
    for check, office in PLANTED.items():
        flag = found.get((check, office))
        assert flag is not None, check
        assert truth.planted[check] <= set(flag.cases), check
        assert flag.reason.startswith(f"{office}：") and flag.reason.endswith("。")
        assert flag.rate > 2 * flag.overall
    assert {(f.check, f.office) for f in a.flags} == set(PLANTED.items())  # and nothing else


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_no_flags_where_nothing_was_planted(seed: int) -> None:
    events, _ = generate(CASES, seed=seed, plant=False)
    assert analyse(events, Params()).flags == []


def test_thresholds_are_the_deployments(planted: tuple[Analysis, object]) -> None:
    events, _ = generate(3000, seed=11, plant=True)
    strict = analyse(events, Params(check_ratio=50.0))
    assert strict.flags == []
    assert "速结" not in {f.check for f in analyse(events, Params(followup_after_days=0)).flags}


def test_offices_under_the_minimum_are_not_ranked() -> None:
    events, _ = generate(3000, seed=2)
    a = analyse(events, Params(min_followups=60))
    for office, t in a.tallies.items():
        if t.followups < 60:
            assert office not in a.ranks and a.resolution[office].position == TOO_FEW
        else:
            r = a.ranks[office]
            assert r.low <= r.rank <= r.high and r.of == sum(1 for x in a.tallies.values() if x.followups >= 60)


def test_a_few_extreme_offices_do_not_widen_everyones_limits(planted: tuple[Analysis, object]) -> None:
    events, _ = generate(CASES, seed=11)
    base = analyse(events, Params())
    # two offices whose every follow-up says 未解决: far below the funnel
    bad = {"单位01", "单位02"}
    theirs = set(base.cases_behind("单位01", "回访")) | set(base.cases_behind("单位02", "回访"))
    worse = [replace(e, detail={**e.detail, "解决": "否"}) if e.name == "回访" and e.case in theirs else e
             for e in events]  # fmt: skip
    a = analyse(worse, Params())
    plain = analyse(worse, Params(winsor=0.0))
    assert {o for o, f in a.resolution.items() if f.position == BELOW} >= bad
    others = [o for o in a.resolution if o not in bad]

    def width(x: Analysis) -> float:
        return sum(x.resolution[o].upper - x.resolution[o].lower for o in others)

    assert a.dispersion.phi < plain.dispersion.phi / 2
    assert width(a) < 0.75 * width(plain)  # winsorised: the two outliers do not widen everyone's limits
    assert sum(1 for o in others if a.resolution[o].position != NORMAL) <= 2


def test_expected_rates_follow_the_case_mix() -> None:
    events, _ = generate(6000, seed=3)
    a = analyse(events, Params())
    expected = [f.expected for f in a.resolution.values()]
    assert max(expected) - min(expected) > 0.01  # offices get different mixes
    # the expected counts add up to the observed total (indirect standardisation)
    total_expected = sum(a.resolution[o].expected * t.followups for o, t in a.tallies.items())
    assert total_expected == pytest.approx(sum(t.solved for t in a.tallies.values()))
