"""The case history as data: the events format (案件编号, 时间, 事件, 单位, 详情), read and checked.

One row per event. 时间 is local time ``YYYY-MM-DD HH:MM:SS``; 详情 is ``key=value``
pairs joined by ``;``. The events and their 详情 (docs/accountability.md):

提交 ``类型=…;领域=…`` · 派单 (单位 = office) ``期限=days`` · 签收 · 转办 (单位 = the new
office, optional ``期限=days``) · 延期 ``天数=n`` · 答复 · 办结 ·
回访 ``有效=是|否;联系=是|否;解决=是|否;满意=满意|基本满意|不满意`` ·
重办 (单位 = the office it returns to) · 改类 ``类型=…`` (单位 = the office changing the kind).
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from sys import intern

COLUMNS = ("案件编号", "时间", "事件", "单位", "详情")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
KINDS = ("投诉", "求助", "咨询", "建言", "表扬", "举报")
YES_NO = ("是", "否")
SATISFACTION = ("满意", "基本满意", "不满意")
#: each event's required 详情 keys and the values they allow (None: any text; "int": a whole number)
DETAILS: dict[str, dict[str, tuple[str, ...] | str | None]] = {
    "提交": {"类型": KINDS, "领域": None},
    "派单": {"期限": "int"},
    "签收": {},
    "转办": {},
    "延期": {"天数": "int"},
    "答复": {},
    "办结": {},
    "回访": {"有效": YES_NO, "联系": YES_NO, "解决": YES_NO, "满意": SATISFACTION},
    "重办": {},
    "改类": {"类型": KINDS},
}
#: events that must name their office (单位)
NEEDS_OFFICE = frozenset({"派单", "转办", "重办"})
OPTIONAL = {"转办": {"期限": "int"}}


class HistoryError(ValueError):
    """A row of an events file that cannot be read; ``line`` is its line number in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"第 {line} 行：{message}")
        self.line = line


@dataclass(slots=True)
class Event:
    """One row of a case history (``at`` is local time, naive)."""

    case: str
    at: datetime
    name: str
    office: str = ""
    detail: dict[str, str] = field(default_factory=dict)
    #: the line of the file it was read from (0: not read from a file)
    line: int = field(default=0, compare=False)

    def row(self) -> list[str]:
        """The event as a CSV row in ``COLUMNS`` order."""
        return [self.case, self.at.strftime(TIME_FORMAT), self.name, self.office, format_detail(self.detail)]


def format_detail(detail: dict[str, str]) -> str:
    """``{"类型": "投诉", "领域": "城建"}`` → ``类型=投诉;领域=城建``."""
    return ";".join(f"{k}={v}" for k, v in detail.items())


def parse_detail(text: str) -> dict[str, str]:
    """``类型=投诉;领域=城建`` → a dict (ValueError on a part without ``=``)."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"详情“{part}”不是“键=值”的形式")
        out[key.strip()] = value.strip()
    return out


def _check_detail(name: str, detail: dict[str, str]) -> None:
    allowed = {**DETAILS[name], **OPTIONAL.get(name, {})}
    for key, rule in allowed.items():
        value = detail.get(key)
        if value is None:
            if key in DETAILS[name]:
                raise ValueError(f"{name}的详情缺少“{key}”")
            continue
        if rule == "int":
            if not value.isdigit():
                raise ValueError(f"{name}的“{key}”应为天数（整数），而不是“{value}”")
        elif isinstance(rule, tuple) and value not in rule:
            raise ValueError(f"{name}的“{key}”应为{'、'.join(rule)}之一，而不是“{value}”")
        elif rule is None and not value:
            raise ValueError(f"{name}的“{key}”不能为空")


def _time(when: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` exactly (ValueError otherwise); fromisoformat is fast, the shape is checked first."""
    if len(when) != 19 or when[10] != " " or when[4] != "-" or when[7] != "-" or when[13] != ":" or when[16] != ":":
        raise ValueError(when)
    return datetime.fromisoformat(when)


#: parsed and checked 详情 by (事件, text): histories repeat a few dozen texts millions of times
_DETAIL_CACHE: dict[tuple[str, str], dict[str, str]] = {}


def _detail(name: str, text: str) -> dict[str, str]:
    key = (name, text)
    detail = _DETAIL_CACHE.get(key)
    if detail is None:
        detail = parse_detail(text)
        _check_detail(name, detail)
        if len(_DETAIL_CACHE) < 100_000:
            _DETAIL_CACHE[key] = detail
    return detail


def parse_row(values: list[str], line: int) -> Event:
    """One CSV row (five values) as an :class:`Event`, or :class:`HistoryError` naming the line.

    The event's ``detail`` may be shared with other events of the same text: treat it as read-only.
    """
    if len(values) != len(COLUMNS):
        raise HistoryError(line, f"应有 {len(COLUMNS)} 列（{'、'.join(COLUMNS)}），实有 {len(values)} 列")
    case, when, name, office, text = values
    case, office = case.strip(), office.strip()
    if not case:
        raise HistoryError(line, "案件编号为空")
    if name not in DETAILS:
        name = name.strip()
        if name not in DETAILS:
            raise HistoryError(line, f"未知的事件“{name}”（应为{'、'.join(DETAILS)}之一）")
    try:
        at = _time(when.strip())
    except ValueError:
        raise HistoryError(line, f"时间“{when.strip()}”应为 YYYY-MM-DD HH:MM:SS") from None
    if not office and name in NEEDS_OFFICE:
        raise HistoryError(line, f"{name}须填写单位")
    try:
        detail = _detail(name, text.strip())
    except ValueError as exc:
        raise HistoryError(line, str(exc)) from None
    return Event(intern(case), at, intern(name), intern(office), detail, line)


def parse_rows(rows: Iterable[list[str]], first_line: int = 2) -> Iterator[Event]:
    """Events of CSV rows after the header (line numbers from ``first_line``); blank rows skipped."""
    for line, values in enumerate(rows, start=first_line):
        if not values or not any(v.strip() for v in values):
            continue
        yield parse_row(values, line)


def read_events(path: Path) -> list[Event]:
    """Every event of the events CSV at ``path`` (UTF-8, with or without BOM), checked row by row.

    Raises :class:`HistoryError` naming the first bad line (the header is line 1).
    """
    with path.open(encoding="utf-8-sig", newline="") as f, paused_gc():
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(COLUMNS):
            raise HistoryError(1, f"表头应为 {','.join(COLUMNS)}")
        return list(parse_rows(reader))


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: millions of small acyclic objects would trigger it again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def write_events(path: Path, events: Iterable[Event | list[str]]) -> int:
    """Write events (or ready rows) as an events CSV (UTF-8 with BOM, for spreadsheets); returns the count."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for event in events:
            writer.writerow(event.row() if isinstance(event, Event) else event)
            count += 1
    return count
