"""``massline accountability``: the rates, ranks and anti-gaming flags of an events file (contract).

Input: an events CSV (案件编号, 时间, 事件, 单位, 详情; UTF-8, BOM accepted), such as
``massline export --events`` writes (docs/accountability.md). Output in ``--out``:
``office_rates.csv`` (单位, 回访数, 响应率, 解决率, 满意率, 综合得分, 按时答复率, 重办率,
期望解决率, 漏斗位置, 排名) and ``flags.csv`` (单位, 类型, 案件数, 比率, 全体比率, 案件编号,
说明), both written to temporary files and renamed only when both are complete. Bad
input ends with one ``Error: ...`` line naming the line of the file, and exit status 1.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path

import click

from massline.cli.common import fail

__all__ = ["register"]


def _write(directory: Path, name: str, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return Path(tmp)


@click.command("accountability")
@click.option(
    "--events",
    "events_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The events CSV (案件编号, 时间, 事件, 单位, 详情).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for office_rates.csv and flags.csv (created if missing).",
)
@click.option(
    "--min-followups",
    default=None,
    type=click.IntRange(1),
    help="Rank only offices with this many valid 回访 (default 30).",
)
@click.option(
    "--accept-hours", default=None, type=click.IntRange(1), help="签收 on time within these hours (default 24)."
)
def accountability_cmd(events_path: Path, out: Path, min_followups: int | None, accept_hours: int | None) -> None:
    """Rates (响应率, 解决率, 满意率, 综合得分), fair ranks and anti-gaming flags per office of an events file."""
    from massline.analysis.accountability import (
        FLAG_COLUMNS,
        RATE_COLUMNS,
        HistoryError,
        Params,
        analyse,
        flag_rows,
        office_rate_rows,
        read_events,
    )

    if not events_path.is_file():
        fail(f"file not found: {events_path}")
    overrides = {"min_followups": min_followups, "accept_hours": accept_hours}
    params = Params.from_mapping({k: v for k, v in overrides.items() if v is not None})
    started = time.perf_counter()
    try:
        events = read_events(events_path)
    except HistoryError as exc:
        fail(f"{events_path}: {exc}")
    except UnicodeDecodeError:
        fail(f"{events_path}: not UTF-8 text")
    analysis = analyse(events, params)
    rates, flags = office_rate_rows(analysis), flag_rows(analysis)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp_rates = _write(out, "office_rates.csv", RATE_COLUMNS, rates)
        tmp_flags = _write(out, "flags.csv", FLAG_COLUMNS, flags)
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror}")
    tmp_rates.replace(out / "office_rates.csv")
    tmp_flags.replace(out / "flags.csv")
    ranked = sum(1 for r in rates if r[-1])
    click.echo(
        f"{len(events)} events, {len(rates)} offices ({ranked} ranked), {len(flags)} flags "
        f"in {time.perf_counter() - started:.1f} s: {out / 'office_rates.csv'}, {out / 'flags.csv'}"
    )


def register(main: click.Group) -> None:
    """Add ``accountability`` to the ``massline`` command."""
    main.add_command(accountability_cmd)
