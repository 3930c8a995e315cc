"""Issue discovery on real place names: the contest's hot messages read as written and with real names.

Run: ``python benchmarks/eval_real_names.py [--data hot_messages.csv]``

Reads ``hot_messages.csv`` of /work/shared/data/tipdm2020c (or
$MASSLINE_BENCH_DATA; skips when absent) twice: as written, with the
``tipdm2020c`` profile (codes A市, A5区, 西地省, the fraud-platform
suffixes), and with the codes replaced by real names
(``tests/analysis/real_names.py``: A市 → 长沙市, A5区 → 岳麓区...) with
the general language knowing those names as its regions — once with the
platform suffixes configured, once without.  Prints, for each real-name
reading: messages with the same place key, the agreement on pairs of
messages (same issue or not), the pairs found together in both, the
adjusted Rand index and the number of issues.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from massline.analysis.issues import IssueClusterer, IssueDoc  # noqa: E402
from massline.analysis.places import Language  # noqa: E402
from massline.cli.hot_cmd import parse_time  # noqa: E402
from massline.io.profiles import load_profile  # noqa: E402
from tests.analysis.real_names import REAL_NAMES, to_real_names  # noqa: E402

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", "/work/shared/data/tipdm2020c"))


def _docs(rows: list[dict[str, str]], real: bool) -> list[IssueDoc]:
    convert = to_real_names if real else str
    return [
        IssueDoc(i, convert(r["留言主题"]), convert(r["留言详情"]), parse_time(r["留言时间"]), r["留言用户"],
                 int(r["点赞数"] or 0), int(r["反对数"] or 0))
        for i, r in enumerate(rows)
    ]  # fmt: skip


def _together(labels: list[int]) -> set[tuple[int, int]]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    return {(a, b) for members in groups.values() for k, a in enumerate(members) for b in members[k + 1 :]}


def _ari(a: list[int], b: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA / "hot_messages.csv")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"skipped: {args.data} not found")
        return
    with args.data.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    contest = load_profile("tipdm2020c").language
    t = time.perf_counter()
    coded = IssueClusterer(language=contest).fit(_docs(rows, real=False))
    print(f"{len(rows)} messages; coded, tipdm2020c profile: {len(set(coded.labels_.tolist()))} issues "
          f"({time.perf_counter() - t:.1f} s)")  # fmt: skip
    keys = [f.place.key if f.place else "" for f in coded.features_]
    pairs = _together(coded.labels_.tolist())
    n_pairs = len(rows) * (len(rows) - 1) // 2
    regions = tuple(REAL_NAMES.values())
    readings = {
        "real names, general language + platform suffixes": Language(
            region_names=regions, case_suffixes=contest.case_suffixes, coded_case_suffixes=contest.coded_case_suffixes
        ),
        "real names, general language": Language(region_names=regions),
    }
    for name, language in readings.items():
        t = time.perf_counter()
        real = IssueClusterer(language=language).fit(_docs(rows, real=True))
        labels = real.labels_.tolist()
        same_key = sum(1 for k, f in zip(keys, real.features_, strict=True) if k == (f.place.key if f.place else ""))
        found = _together(labels)
        agree = 1 - len(pairs ^ found) / n_pairs
        print(f"{name}: {time.perf_counter() - t:.1f} s")
        print(f"  same place key      {same_key}/{len(rows)} ({same_key / len(rows):.1%})")
        print(f"  pairs together      coded {len(pairs)}, real {len(found)}, both {len(pairs & found)}")
        print(f"  pair agreement      {agree:.6f}   adjusted Rand index {_ari(coded.labels_.tolist(), labels):.4f}")
        print(f"  issues              {len(set(labels))}")


if __name__ == "__main__":
    main()
