"""The monthly report over a month of a large deployment (issue 15).

    python benchmarks/bench_report.py [--cases 10000] [--offices 60] [--keep DIR]

Builds a SQLite deployment (the demo's deployment file, plus the synthetic offices) and imports a
synthetic month of cases with planted gaming (scripts/accountability/synthetic.py, as
benchmarks/bench_accountability.py uses; ``massline import --events``'s service), then times, in
this process and on the same database:

* baseline: the ranking of the month as the officials' page computes it (``period_ranking``: the
  history read from the database, the SQL rates, funnel, rank intervals and checks) — the figure
  the report cannot do without;
* gathering the whole report (``monthly_report``: the ranking, volumes, hot issues, cadence,
  exemplary replies);
* rendering each format (HTML, XLSX, DOCX, PDF, with the charts);

and prints each time and its ratio to the baseline; the target is gathering plus every format in
under 30 s. Wall and CPU time are both printed (the machine may be shared).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "accountability"))

from synthetic import iter_events  # noqa: E402

from benchmarks.common import machine  # noqa: E402
from massline.config import Settings  # noqa: E402
from massline.io.deployment_yaml import load_deployment  # noqa: E402
from massline.models import Office, Region  # noqa: E402
from massline.platform import Platform  # noqa: E402
from massline.reports import FORMATS, find_cjk_font, render  # noqa: E402
from massline.services.accountability import check_import_history, monthly_report, period_ranking  # noqa: E402
from massline.services.deployment import check_apply_deployment  # noqa: E402
from massline.services.intake import deployment_timezone  # noqa: E402

TARGET_S = 30.0
MONTH = "2026-03"  # synthetic.START is 2026-03-01; the demo's periods are calendar months


def _setup(instance: Path, cases: int, offices: int) -> Platform:
    platform = Platform(Settings(environment="test", instance_dir=instance, argon2_time_cost=1, argon2_memory_kib=64))
    platform.migrate()
    with platform.write() as s:
        check_apply_deployment(s, load_deployment(ROOT / "massline/data/demo/deployment.yaml"),
                               passwords=platform.passwords)  # fmt: skip
        region = s.query(Region).order_by(Region.id).first()
        assert region is not None
        s.add_all(Office(code=f"syn-{i:03d}", name=f"单位{i:02d}", region_id=region.id) for i in range(1, offices + 1))
    events = list(iter_events(cases, offices=offices, seed=7, plant=True))
    started = time.perf_counter()
    with platform.write() as s:
        tz = deployment_timezone(s, platform.settings.timezone)
        done = check_import_history(s, events, tz, platform.now())
    print(f"imported {done.cases:,} cases, {done.events:,} events, {offices} offices "
          f"in {time.perf_counter() - started:.1f} s (setup, not timed)")  # fmt: skip
    return platform


def _time(label: str, baseline: float | None, fn):  # type: ignore[no-untyped-def]
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    ratio = f"  (x{took / baseline:.2f} the baseline)" if baseline else ""
    print(f"{label:<40} {took:6.2f} s, CPU {cpu:6.2f} s{ratio}")
    return result, took


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--offices", type=int, default=60)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the database and the reports in this directory (reused when it is there)")
    args = parser.parse_args()
    print(machine())
    font = find_cjk_font()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        if (where / "instance" / "massline.db").exists():  # kept from an earlier run: the same data
            platform = Platform(Settings(environment="test", instance_dir=where / "instance"))
            print(f"reusing the deployment in {where}")
        else:
            platform = _setup(where / "instance", args.cases, args.offices)
        now = platform.now()
        with platform.read() as s:
            tz = deployment_timezone(s, platform.settings.timezone)
            view, baseline = _time("baseline: the month's ranking (page)", None,
                                   lambda: period_ranking(s, tz, now, MONTH))  # fmt: skip
            report, gathering = _time("gathering the report", baseline,
                                      lambda: monthly_report(s, platform.settings.timezone, now, MONTH))  # fmt: skip
        total = gathering
        for fmt in FORMATS:
            data, took = _time(f"rendering {fmt}", baseline, lambda fmt=fmt: render(report, fmt, font))
            (where / f"report-{MONTH}.{fmt}").write_bytes(data)
            total += took
        platform.dispose()
    verdict = "met" if total < TARGET_S else "NOT met"
    print(f"{len(view.rows)} offices, {len(report.flags)} flags, {report.volumes.messages:,} messages in {MONTH}")
    print(f"total {total:.1f} s (gathering and all four formats); target < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
