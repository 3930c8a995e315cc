"""``massline hot``: the hot-issue list of a message file (contract, other tools rely on it).

Input: a UTF-8 CSV (BOM accepted, RFC 4180 multiline fields) with a column
for each of the fields id, author, title, time, body, supports and
oppositions.  Their names come from a column mapping (``--mapping``, else
the ``--profile``'s mapping, else the generic 外部编号, 称呼, 标题, 留言时间,
内容, 点赞数, 反对数); ``--profile tipdm2020c`` reads the contest files
(留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 点赞数, 反对数) with the
contest's place codes.  Output in ``--out``: ``hot_issues.csv`` (热度排名,
问题ID, 热度指数, 时间范围, 地点/人群, 问题描述) and ``hot_issue_messages.csv``
(问题ID + the input columns), both written to temporary files and renamed
only when both are complete.  Bad input ends with one ``Error: ...`` line
and exit status 1.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from massline.analysis.issues import IssueDoc
    from massline.analysis.places import Language
    from massline.io.importers import ImportMapping

__all__ = ["HOT_FIELDS", "hot_columns", "parse_time", "register"]

#: The fields the hot list reads, in the order of the input columns in ``hot_issue_messages.csv``.
HOT_FIELDS = ("external_id", "author_name", "title", "created_at", "body", "supports", "opposes")
ISSUE_COLUMNS = ("热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述")
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
_TIME = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*$"
)


def parse_time(text: str) -> datetime:
    """Parse ``2019/2/28 11:25:05``, ``2017-06-08 17:31:20``, ``2019-12-11`` (Beijing time)."""
    match = _TIME.match(text)
    if not match:
        raise ValueError(text)
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return datetime(y, mo, d, h, mi, s, tzinfo=CHINA)


def hot_columns(mapping: ImportMapping | None) -> tuple[str, ...]:
    """The input columns of :data:`HOT_FIELDS` under ``mapping`` (None: the generic column names)."""
    from massline.io.importers import FIELD_LABELS

    if mapping is None:
        return tuple(FIELD_LABELS[f] for f in HOT_FIELDS)
    columns = []
    for name in HOT_FIELDS:
        source = mapping.fields.get(name)
        if source is None or source.column is None:
            raise click.ClickException(f"mapping {mapping.name}: no column for {name}")
        columns.append(source.column)
    return tuple(columns)


def _settings(profile: str | None, mapping: str | None) -> tuple[Language, tuple[str, ...]]:
    """The language and input columns of ``--profile`` and ``--mapping``."""
    from massline.io.importers import MappingError, load_mapping
    from massline.io.profiles import ProfileError, load_profile

    try:
        chosen = load_profile(profile)
        name = mapping or chosen.mapping
        return chosen.language, hot_columns(load_mapping(name) if name else None)
    except (ProfileError, MappingError) as exc:
        raise click.ClickException(str(exc)) from None


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            if not header:
                raise click.ClickException(f"{path}: empty file (no header row)")
            missing = [c for c in columns if c not in header]
            if missing:
                raise click.ClickException(f"{path}: missing column(s) {', '.join(missing)}")
            rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise click.ClickException(f"{path}: malformed CSV ({exc})") from exc
    if not rows:
        raise click.ClickException(f"{path}: no data rows")
    return rows


def _docs(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> list[IssueDoc]:
    from massline.analysis.issues import IssueDoc

    key, author, title, created, body, supports, opposes = columns
    docs = []
    for i, row in enumerate(rows):
        where = f"{path}: row {i + 2} ({key} {row[key]!r})"
        try:
            time = parse_time(row[created])
        except ValueError:
            raise click.ClickException(f"{where}: cannot parse {created} {row[created]!r}") from None
        counts = []
        for column in (supports, opposes):
            value = row[column].strip() or "0"
            if not value.isdigit():
                raise click.ClickException(f"{where}: {column} is not a non-negative integer: {row[column]!r}")
            counts.append(int(value))
        docs.append(IssueDoc(i, row[title], row[body], time, row[author].strip(), *counts))
    return docs


def _write_atomically(out: Path, files: dict[str, tuple[tuple[str, ...], list[list[str]]]]) -> None:
    from massline.io.exporters import neutralise

    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for name, (header, rows) in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            temps.append((name, Path(tmp_name)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([neutralise(h) for h in header])
                writer.writerows([neutralise(v) for v in row] for row in rows)
        for name, done in temps:
            os.replace(done, out / name)
    finally:
        for _, left in temps:
            left.unlink(missing_ok=True)


def register(main: click.Group) -> None:
    """Add the ``hot`` command to ``main``."""
    main.add_command(hot)


@click.command("hot")
@click.option("--data", "data", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Message CSV.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="Number of issues.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--reference-time", default=None, help="Heat reference time (default: the latest message).")
@click.option("--min-messages", default=2, show_default=True, type=click.IntRange(min=1), help="Messages per issue.")
@click.option(
    "--profile",
    default=None,
    help="How the messages name places: zh (default, real names), tipdm2020c (the contest's codes) or a YAML file; "
    "its column mapping is used unless --mapping is given.",
)
@click.option("--mapping", default=None, help="Column mapping: a shipped name (tipdm2020c) or a YAML file.")
def hot(
    data: Path,
    top: int,
    out: Path,
    reference_time: str | None,
    min_messages: int,
    profile: str | None,
    mapping: str | None,
) -> None:
    """Find the hottest issues (same problem, same place) in a message CSV."""
    from massline.analysis.issues import hot_issues

    reference = None
    if reference_time is not None:
        try:
            reference = parse_time(reference_time)
        except ValueError:
            raise click.ClickException(f"--reference-time: cannot parse {reference_time!r}") from None
    language, columns = _settings(profile, mapping)
    rows = _read(data, columns)
    docs = _docs(data, rows, columns)
    ranked = hot_issues(docs, reference, top=top, min_messages=min_messages, language=language)
    issue_rows: list[list[str]] = []
    message_rows: list[list[str]] = []
    for rank, item in enumerate(ranked, start=1):
        issue = item.issue
        span = f"{issue.first:%Y/%m/%d} 至 {issue.last:%Y/%m/%d}" if issue.first and issue.last else ""
        issue_rows.append([str(rank), str(rank), f"{item.heat.score:.2f}", span, issue.place, issue.problem])
        for doc in sorted(item.docs, key=lambda d: (d.time, d.key)):
            row = rows[int(str(doc.key))]
            message_rows.append([str(rank), *(row[c] for c in columns)])
    _write_atomically(
        out,
        {
            "hot_issues.csv": (ISSUE_COLUMNS, issue_rows),
            "hot_issue_messages.csv": (("问题ID", *columns), message_rows),
        },
    )
    click.echo(f"{len(issue_rows)} issues, {len(message_rows)} messages → {out}")
