"""Column mappings and row parsing for bulk import.

A *mapping* says where each platform field comes from in a source file::

    source: hotline            # stored as Message.source (re-imports are matched on it)
    fields:
      title: 标题              # a column
      body: 内容
      kind: "=投诉"            # "=..." is a constant for every row
      category: "一级标签?"    # "...?" is an optional column (ignored when the file lacks it)
      # kind: "~auto"          # guess the kind from the text (analysis.kind)

This module is pure: it reads mappings and turns one raw record into an
:class:`ImportRow` of typed values plus per-field errors (Chinese messages a
person can act on). Looking names up in the database, validating against the
web form's rules and writing happen in ``services.bulk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from massline.analysis.classify import guess_kind

__all__ = [
    "FIELDS",
    "FieldSource",
    "ImportMapping",
    "ImportRow",
    "MappingError",
    "derive_title",
    "load_mapping",
    "parse_datetime",
    "parse_record",
    "shipped_mappings",
]

FIELDS = (
    "title", "body", "kind", "region", "category", "author_name", "contact_phone",
    "created_at", "external_id", "supports", "opposes", "reply", "replied_at", "is_public",
)
FIELD_LABELS = {
    "title": "标题", "body": "内容", "kind": "类型", "region": "区域", "category": "领域",
    "author_name": "称呼", "contact_phone": "联系电话", "created_at": "留言时间",
    "external_id": "外部编号", "supports": "点赞数", "opposes": "反对数", "reply": "答复意见", "replied_at": "答复时间",
    "is_public": "是否公开",
}
AUTO = "~auto"
TITLE_MAX = 60
_TRUE = {"1", "true", "yes", "y", "是", "公开", "t"}
_FALSE = {"0", "false", "no", "n", "否", "不公开", "f"}
_SENTENCE_END = re.compile(r"[。！？!?；;\n\r]")
_DATETIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.(\d{1,6})\d*)?秒?|分)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


class MappingError(Exception):
    """A mapping is malformed or does not fit the file's columns."""


@dataclass(frozen=True)
class FieldSource:
    """Where one platform field comes from: a column, a constant, or ``~auto``."""

    column: str | None = None
    constant: str | None = None
    optional: bool = False
    auto: bool = False

    @classmethod
    def parse(cls, name: str, spec: object) -> FieldSource:
        """Read ``"column"``, ``"column?"``, ``"=constant"`` or ``"~auto"`` (kind only)."""
        if not isinstance(spec, str | int | float | bool) or isinstance(spec, bool) and name != "is_public":
            raise MappingError(f"field {name}: expected a column name or \"=constant\", got {spec!r}")
        text = str(spec).strip()
        if text == AUTO:
            if name != "kind":
                raise MappingError(f"field {name}: {AUTO} is only available for kind")
            return cls(auto=True)
        if text.startswith("="):
            return cls(constant=text[1:])
        if not text:
            raise MappingError(f"field {name}: empty column name")
        if text.endswith("?"):
            return cls(column=text[:-1].strip(), optional=True)
        return cls(column=text)

    def describe(self) -> str:
        """How the source reads in a mapping file."""
        if self.auto:
            return AUTO
        if self.column is None:
            return f"={self.constant}"
        return self.column + ("?" if self.optional else "")


@dataclass
class ImportMapping:
    """Platform field -> source; ``source`` names the origin stored on every message."""

    fields: dict[str, FieldSource]
    source: str | None = None
    format: str | None = None
    name: str = "mapping"

    def with_overrides(self, pairs: Iterable[str]) -> ImportMapping:
        """A copy with ``field=column`` pairs (from ``--map``) added or replaced."""
        fields = dict(self.fields)
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key = key.strip()
            if not sep or not key:
                raise MappingError(f"--map {pair!r}: expected field=column (or field==constant)")
            fields[_check_field(key)] = FieldSource.parse(key, value)
        return ImportMapping(fields, self.source, self.format, self.name)

    def bind(self, columns: list[str] | None) -> list[str]:
        """Check the mapping against a file's header; drop absent optional columns.

        Returns notes about dropped optional fields. ``columns`` is None for
        JSONL, whose keys are checked row by row (a missing key is empty).
        """
        if "body" not in self.fields and "title" not in self.fields:
            raise MappingError("the mapping needs at least a body (or title) field")
        if columns is None:
            return []
        notes: list[str] = []
        missing: list[str] = []
        for name, src in list(self.fields.items()):
            if src.column is None or src.column in columns:
                continue
            if src.optional:
                del self.fields[name]
                notes.append(f"{name}: column {src.column!r} not in the file, left empty")
            else:
                missing.append(f"{name} <- {src.column!r}")
        if missing:
            raise MappingError(
                "columns not found in the file: " + "; ".join(missing) + f" (the file has: {', '.join(columns)})"
            )
        return notes


def _check_field(name: str) -> str:
    if name not in FIELDS:
        raise MappingError(f"unknown field {name!r}; fields are: {', '.join(FIELDS)}")
    return name


def _shipped(name: str) -> Path | None:
    base = resources.files("massline") / "data" / "mappings"
    for ext in (".yaml", ".yml"):
        candidate = base / f"{name}{ext}"
        if candidate.is_file():
            return Path(str(candidate))
    return None


def shipped_mappings() -> list[str]:
    """Names of the column mappings shipped with Massline (``massline-export``, ``tipdm2020c``)."""
    base = Path(str(resources.files("massline") / "data" / "mappings"))
    return sorted({p.stem for ext in ("*.yaml", "*.yml") for p in base.glob(ext)})


def load_mapping(spec: str | Path) -> ImportMapping:
    """Read a mapping from a YAML file, or a shipped mapping by name (``tipdm2020c``)."""
    path = Path(spec)
    if not path.is_file():
        shipped = _shipped(str(spec))
        if shipped is None:
            raise MappingError(f"mapping not found: {spec} (neither a file nor a shipped mapping)")
        path = shipped
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise MappingError(f"{path.name}: expected a mapping with a 'fields:' section")
    unknown = set(data) - {"name", "description", "source", "format", "fields"}
    if unknown:
        raise MappingError(f"{path.name}: unknown keys {', '.join(sorted(unknown))}")
    fields = {_check_field(str(k)): FieldSource.parse(str(k), v) for k, v in data["fields"].items()}
    source = data.get("source")
    fmt = data.get("format")
    return ImportMapping(
        fields,
        source=str(source) if source else None,
        format=str(fmt) if fmt else None,
        name=str(data.get("name") or path.stem),
    )


def mapping_from_pairs(pairs: Iterable[str]) -> ImportMapping:
    """A mapping made only of ``--map field=column`` pairs."""
    return ImportMapping({}, name="--map").with_overrides(pairs)


@dataclass
class ImportRow:
    """One source row with typed values; ``errors`` maps a field to a Chinese message."""

    number: int
    title: str = ""
    body: str = ""
    kind: str = ""
    region: str = ""
    category: str = ""
    author_name: str = ""
    contact_phone: str = ""
    external_id: str | None = None
    created_at: datetime | None = None
    supports: int = 0
    opposes: int = 0
    reply: str = ""
    replied_at: datetime | None = None
    is_public: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()


def parse_datetime(value: Any, tz: tzinfo) -> datetime | None:
    """A UTC-aware time from a cell: ``2020/1/6 12:09:38``, ``2017-06-08 17:31:20``,
    ``2020-01-06``, ``2020年1月6日``, ISO with offset, or an XLSX date cell.

    Naive values are local times in ``tz``. Empty gives None; anything else raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = str(value).strip()
        if not text:
            return None
        match = _DATETIME.match(text)
        if match is None:
            raise ValueError(text)
        y, mo, d, h, mi, s, frac, offset = match.groups()
        moment = datetime(  # noqa: DTZ001 - the zone is attached just below
            int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), int((frac or "0").ljust(6, "0"))
        )
        if offset == "Z":
            moment = moment.replace(tzinfo=UTC)
        elif offset:
            digits = offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            moment = moment.replace(tzinfo=timezone(delta if offset[0] == "+" else -delta))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def derive_title(body: str) -> str:
    """A title from the body's first sentence, at most 60 characters."""
    text = body.strip()
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip() or text
    first = re.sub(r"\s+", " ", first)
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1] + "…"


def _raw(mapping: ImportMapping, record: Mapping[str, Any], name: str) -> Any:
    src = mapping.fields.get(name)
    if src is None or src.auto:
        return None
    if src.column is None:
        return src.constant
    return record.get(src.column)


def parse_record(mapping: ImportMapping, number: int, record: Mapping[str, Any], tz: tzinfo) -> ImportRow:
    """Turn a raw record into an :class:`ImportRow`; value errors go to ``row.errors``."""
    row = ImportRow(number=number)
    for name in ("title", "body", "kind", "region", "category", "author_name", "contact_phone", "reply"):
        setattr(row, name, _text(_raw(mapping, record, name)))
    ext = _text(_raw(mapping, record, "external_id"))
    row.external_id = ext or None
    if not row.title and row.body:
        row.title = derive_title(row.body)
    kind_src = mapping.fields.get("kind")
    if kind_src is not None and kind_src.auto:
        row.kind = guess_kind(row.body, title=row.title).kind
    for name in ("created_at", "replied_at"):
        raw = _raw(mapping, record, name)
        try:
            setattr(row, name, parse_datetime(raw, tz))
        except (ValueError, OverflowError):
            row.errors[name] = (
                f"{FIELD_LABELS[name]}「{_text(raw)}」无法识别，请用 2020-01-06 12:09:38 或 2020/1/6 这样的格式"
            )
    for name in ("supports", "opposes"):
        raw_count = _text(_raw(mapping, record, name))
        if raw_count:
            try:
                setattr(row, name, int(float(raw_count)))
                if getattr(row, name) < 0:
                    raise ValueError(raw_count)
            except ValueError:
                row.errors[name] = f"{FIELD_LABELS[name]}「{raw_count}」应是非负整数"
    raw_public = _text(_raw(mapping, record, "is_public")).lower()
    if raw_public in _FALSE:
        row.is_public = False
    elif raw_public and raw_public not in _TRUE:
        row.errors["is_public"] = f"是否公开「{raw_public}」应为 是/否"
    if row.external_id is not None and len(row.external_id) > 100:
        row.errors["external_id"] = "外部编号不能超过 100 个字符"
    if row.replied_at is not None and not row.reply:
        row.errors["reply"] = "有答复时间但没有答复意见"
    return row
