"""``massline replies review --data CSV --out CSV``: review every reply of a file of answered messages;
``massline replies train-splitter`` and ``evaluate-splitter``: the learned demand splitter.

The contract other tools rely on: ``--data`` is a CSV file (UTF-8 with or without BOM, or
GB18030/GBK) with the columns 留言编号, 留言主题, 留言时间, 留言详情, 答复意见, 答复时间 (留言用户
and other columns are ignored); ``--out`` gets one row per input row, in the file's order, with the
columns 留言编号, 相关性, 完整性, 可解释性, 及时性, 具体性, 平实度, 总分, 问题 as UTF-8 with a BOM.
Scores are in [0, 1] (higher is better); 问题 holds the findings in Chinese with the quoted evidence.
A missing column ends with an error naming it and nothing is written; a row whose time cannot be
read gets the finding (timeliness 0.5: unknown) and the file goes on. The review is
:func:`massline.analysis.replies.review_reply` (see docs/replies.md).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click

from massline.cli.csv_out import write_csv

__all__ = ["COLUMNS", "DEFAULT_LABELS", "INPUT_COLUMNS", "PARALLEL_ROWS", "register"]

#: The input columns the review needs.
INPUT_COLUMNS = ("留言编号", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间")
#: The output columns, in order.
COLUMNS = ("留言编号", "相关性", "完整性", "可解释性", "及时性", "具体性", "平实度", "总分", "问题")


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of ``path`` (UTF-8, else GB18030) as dicts; an error naming the missing columns."""
    if not path.is_file():
        raise click.ClickException(f"{path}: 文件不存在 / no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    if missing:
        found = ", ".join(header)
        raise click.ClickException(f"{path}: 缺少列 {'、'.join(missing)} / missing columns (有 / has: {found})")
    reader.fieldnames = header
    return [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]


def _time(value: str, label: str, problems: list[str]) -> datetime | None:
    from datetime import UTC

    from massline.io.importers import parse_datetime

    try:
        moment = parse_datetime(value, UTC)
    except ValueError:
        moment = None
    if moment is None:
        problems.append(f"{label}「{value.strip()}」无法识别，及时性无法判断")
    return moment


def review_row(row: dict[str, str], deadline_days: float) -> list[str]:
    """The output row of one input row: its reply's scores and findings."""
    from massline.analysis.replies import CaseText, findings, review_reply

    problems: list[str] = []
    submitted = _time(row["留言时间"], "留言时间", problems)
    replied = _time(row["答复时间"], "答复时间", problems)
    case = CaseText(row["留言主题"], row["留言详情"], submitted, deadline_days)
    try:
        review = review_reply(case, row["答复意见"], replied_at=replied)
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the file
        return [row["留言编号"], "", "", "", "", "", "", "", f"无法评审：{exc}"]
    found = findings(review)
    if not row["答复意见"].strip():
        problems.insert(0, "没有答复意见")
    text = "\n".join([*problems, found] if found else problems)
    return [row["留言编号"], *(f"{c.score:.3f}" for c in review.criteria), f"{review.total:.3f}", text]


#: From this many rows on, the review runs on every core (``--jobs`` by default).
PARALLEL_ROWS = 400


def default_jobs(rows: int) -> int:
    """How many processes review ``rows`` rows (``cli.parallel.free_cores`` from ``PARALLEL_ROWS`` rows on)."""
    from massline.cli.parallel import free_cores

    return free_cores(rows, PARALLEL_ROWS)


def review_rows(rows: list[dict[str, str]], deadline_days: float, jobs: int = 1) -> Iterator[list[str]]:
    """One output row per input row, in order: the scores and findings of its reply. With
    ``jobs`` > 1, forked processes review chunks of rows (the model and the phrase book are
    loaded first, so that they share them); the rows are the same as with one."""
    import functools

    one = functools.partial(review_row, deadline_days=deadline_days)
    if jobs <= 1 or len(rows) < 2:
        yield from map(one, rows)
        return
    import gc
    import multiprocessing

    one({"留言编号": "", "留言主题": "预热", "留言时间": "", "留言详情": "预热", "答复意见": "预热。", "答复时间": ""})
    chunk = max(1, min(64, len(rows) // (jobs * 8)))
    gc.freeze()  # what is loaded stays shared with the children (the collector would touch it, copying it)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(one, rows, chunksize=chunk)


@click.group("replies")
def replies_group() -> None:
    """Replies to messages: review their quality (docs/replies.md)."""


@replies_group.command("review")
@click.option("--data", required=True, type=click.Path(path_type=Path),
              help="CSV of answered messages: 留言编号, 留言主题, 留言时间, 留言详情, 答复意见, 答复时间.")  # fmt: skip
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Output CSV (UTF-8 with BOM): 留言编号, the six scores, 总分, 问题 (findings).")  # fmt: skip
@click.option("--deadline-days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Days a reply was due in (default: the default_deadline_days setting, 15).")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help=f"Processes (default: the free cores, at most 4, from {PARALLEL_ROWS} rows on).")  # fmt: skip
def review_cmd(data: Path, out: Path, deadline_days: float | None, jobs: int | None) -> None:
    """Score every reply of --data on relevance, completeness, interpretability,
    timeliness, specificity and plain language, with the overall score and the
    findings, one row per input row in --out.

    A missing column ends with an error and --out is not written; a row with an
    unreadable time gets a finding and the file goes on. A large file is reviewed
    on the free cores (--jobs); the output is the same.
    """
    started = time.perf_counter()
    if deadline_days is None:
        from massline.config import Settings

        deadline_days = float(Settings().default_deadline_days)
    rows = read_rows(data)
    jobs = default_jobs(len(rows)) if jobs is None else jobs
    count = write_csv(out, COLUMNS, review_rows(rows, deadline_days, jobs))
    seconds = time.perf_counter() - started
    click.echo(f"reviewed {count} replies in {seconds:.1f} s; wrote {out}", err=True)


#: The hand labels the splitter learns from (tests/data/replies/RULES.md).
DEFAULT_LABELS = Path("tests/data/replies/demands.jsonl")
_labels_option = click.option(
    "--labels", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_LABELS, show_default=True,
    help="Hand-labelled demands (JSON lines: title, body, demands with kind, start, end).",
)  # fmt: skip


def _labelled(labels: Path):  # type: ignore[no-untyped-def]
    from massline.analysis.replies import load_demand_labels

    if not labels.is_file():
        raise click.ClickException(f"{labels}: 文件不存在 / no such file")
    return load_demand_labels(labels)


@replies_group.command("train-splitter")
@_labels_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Model file to write (default: the one shipped with the package).")  # fmt: skip
def train_splitter_cmd(labels: Path, out: Path | None) -> None:
    """Train the demand splitter (a CRF over clauses) on every labelled message and write its model."""
    from massline.analysis.replies import DEMAND_MODEL, train_splitter

    data = _labelled(labels)
    path = train_splitter(data, out or DEMAND_MODEL)
    click.echo(f"trained on {len(data)} messages: {path} ({path.stat().st_size // 1024} KiB)")


@replies_group.command("evaluate-splitter")
@_labels_option
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Cross-validation folds.")
@click.option("--seed", default=14, show_default=True, help="Seed of the split into folds (by message).")
@click.option("--nested/--fixed-thresholds", default=True, show_default=True,
              help="Choose the decoding thresholds inside each fold's training folds (nested; ~5 min) "
                   "or keep the shipped ones (~1 min).")  # fmt: skip
def evaluate_splitter_cmd(labels: Path, folds: int, seed: int, nested: bool) -> None:
    """Cross-validated precision, recall and F1 of demand boundaries, per kind, of the learned
    splitter and of the rules on the same messages (docs/replies.md). With --nested (the
    default) the thresholds are chosen by an inner cross-validation of each training part, so
    the held-out messages play no part in any choice."""
    from massline.analysis.replies import boundary_rows, cross_validate_splitter, nested_cross_validate_splitter

    data = _labelled(labels)
    started = time.perf_counter()
    echo = lambda m: click.echo(m, err=True)  # noqa: E731
    fixed, rules = cross_validate_splitter(data, folds=folds, seed=seed, progress=echo)
    click.echo(f"{len(data)} messages, {folds}-fold cross-validation (seed {seed}), overlap/union >= 0.5")
    if nested:
        model, chosen = nested_cross_validate_splitter(data, folds=folds, seed=seed, progress=echo)
        pairs = ", ".join(f"{b}/{o}" for b, o in chosen)
        click.echo(f"learned splitter, thresholds chosen inside each fold's training part (begin/outside: {pairs}):")
        click.echo("\n".join("  " + line for line in boundary_rows(model)))
    click.echo("learned splitter (CRF), the shipped thresholds" + (" (chosen on these folds):" if nested else ":"))
    click.echo("\n".join("  " + line for line in boundary_rows(fixed)))
    click.echo("rules (baseline):")
    click.echo("\n".join("  " + line for line in boundary_rows(rules)))
    click.echo(f"took {time.perf_counter() - started:.0f} s", err=True)


def register(main: click.Group) -> None:
    """Add ``replies`` to the ``massline`` command."""
    main.add_command(replies_group)
