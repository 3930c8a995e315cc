"""``massline hot``: the hot-issue list of a message file (contract, other tools rely on it).

Input: a CSV (UTF-8, BOM accepted, RFC 4180 multiline fields; else GB18030),
XLSX or JSONL file of messages: the contest files, a file ``massline export``
wrote, or any file with the generic column names.  Its columns are recognised
from its header (:mod:`massline.io.message_files`): it needs a title or body
column and a time column; the id, author, supports and oppositions columns
are read when present.  ``--mapping`` names the columns of any other file;
``--profile`` says how the messages name places (``tipdm2020c``: the
contest's place codes) and its mapping is tried first.  Output in ``--out``:
``hot_issues.csv`` (热度排名, 问题ID, 热度指数, 时间范围, 地点/人群, 问题描述) and
``hot_issue_messages.csv`` (问题ID + the input columns read, in the order id,
author, title, time, body, supports, oppositions), both written to temporary
files and renamed only when both are complete.  Bad input ends with one
``Error: ...`` line and exit status 1.
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
    from massline.io.message_files import MessageTable

__all__ = ["HOT_FIELDS", "parse_time", "register"]

#: The fields the hot list reads, in the order of the input columns in ``hot_issue_messages.csv``.
HOT_FIELDS = ("external_id", "author_name", "title", "created_at", "body", "supports", "opposes")
#: A file needs a title or a body, and a time; the other fields are read when the file has them.
HOT_NEEDS = (("title", "body"), "created_at")
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


def _profile(profile: str | None) -> tuple[Language, str | None]:
    """The language of ``--profile`` and the name of its column mapping."""
    from massline.io.profiles import ProfileError, load_profile

    try:
        chosen = load_profile(profile)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None
    return chosen.language, chosen.mapping


def _read(path: Path, mapping: str | None, preferred: str | None) -> MessageTable:
    from massline.io.message_files import MessageFileError, read_message_file

    try:
        return read_message_file(path, needs=HOT_NEEDS, wants=HOT_FIELDS, mapping=mapping, preferred=preferred)
    except MessageFileError as exc:
        raise click.ClickException(str(exc)) from None


def _count(where: str, column: str | None, value: str) -> int:
    text = value.strip() or "0"
    if not text.isdigit():
        raise click.ClickException(f"{where}: {column} is not a non-negative integer: {value!r}")
    return int(text)


def _docs(table: MessageTable) -> list[IssueDoc]:
    from massline.analysis.issues import IssueDoc

    col = {f: table.fields.get(f) for f in HOT_FIELDS}
    key, created = col["external_id"], table.fields["created_at"]
    docs = []
    for i, (number, row) in enumerate(zip(table.numbers, table.rows, strict=True)):
        cell = {f: row.get(c, "") if c else "" for f, c in col.items()}
        where = f"{table.path}: row {number}" + (f" ({key} {cell['external_id']!r})" if key else "")
        try:
            time = parse_time(cell["created_at"])
        except ValueError:
            raise click.ClickException(f"{where}: cannot parse {created} {cell['created_at']!r}") from None
        supports = _count(where, col["supports"], cell["supports"])
        opposes = _count(where, col["opposes"], cell["opposes"])
        docs.append(IssueDoc(i, cell["title"], cell["body"], time, cell["author_name"].strip(), supports, opposes))
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
@click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Message file: CSV, XLSX or JSONL (the contest's, an export's or generic columns).",
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="Number of issues.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--reference-time", default=None, help="Heat reference time (default: the latest message).")
@click.option("--min-messages", default=2, show_default=True, type=click.IntRange(min=1), help="Messages per issue.")
@click.option(
    "--profile",
    default=None,
    help="How the messages name places: zh (default, real names), tipdm2020c (the contest's codes) or a YAML file; "
    "its column mapping is tried first.",
)
@click.option(
    "--mapping",
    default=None,
    help="Column mapping naming the file's columns: a shipped name (massline-export, tipdm2020c) or a "
    "YAML file (default: recognised from the header).",
)
def hot(
    data: Path,
    top: int,
    out: Path,
    reference_time: str | None,
    min_messages: int,
    profile: str | None,
    mapping: str | None,
) -> None:
    """Find the hottest issues (same problem, same place) in a message file.

    The file's columns are recognised from its header: the contest files,
    files `massline export` wrote (CSV, XLSX) and files with the generic
    column names (标题, 内容, 留言时间 ...); --mapping names any others.
    """
    from massline.analysis.issues import hot_issues

    reference = None
    if reference_time is not None:
        try:
            reference = parse_time(reference_time)
        except ValueError:
            raise click.ClickException(f"--reference-time: cannot parse {reference_time!r}") from None
    language, preferred = _profile(profile)
    table = _read(data, mapping, preferred)
    docs = _docs(table)
    columns = tuple(table.fields[f] for f in HOT_FIELDS if f in table.fields)
    ranked = hot_issues(docs, reference, top=top, min_messages=min_messages, language=language)
    issue_rows: list[list[str]] = []
    message_rows: list[list[str]] = []
    for rank, item in enumerate(ranked, start=1):
        issue = item.issue
        span = f"{issue.first:%Y/%m/%d} 至 {issue.last:%Y/%m/%d}" if issue.first and issue.last else ""
        issue_rows.append([str(rank), str(rank), f"{item.heat.score:.2f}", span, issue.place, issue.problem])
        for doc in sorted(item.docs, key=lambda d: (d.time, d.key)):
            row = table.rows[int(str(doc.key))]
            message_rows.append([str(rank), *(row.get(c, "") for c in columns)])
    _write_atomically(
        out,
        {
            "hot_issues.csv": (ISSUE_COLUMNS, issue_rows),
            "hot_issue_messages.csv": (("问题ID", *columns), message_rows),
        },
    )
    click.echo(f"{len(issue_rows)} issues, {len(message_rows)} messages → {out}")
