"""Bulk import, first half: options, the report, and turning source rows into
validated, resolved rows (``PreparedRow``) with the web form's validation
(the second half, writing them, is ``bulk_write``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.io.formats import RowError
from massline.io.importers import ImportMapping, ImportRow, parse_record
from massline.models import (
    KINDS,
    Category,
    Message,
    Office,
    Region,
    SiteSetting,
)
from massline.services.casework import REPLY_MAX, REPLY_MIN
from massline.services.errors import ValidationFailed
from massline.services.intake.submit import MessageInput, OfficeRef, validate_input
from massline.services.routing import deadline_days, route_office

OnError = Literal["stop", "skip"]
DeadlinesFrom = Literal["created", "import"]
Records = Iterable[tuple[int, dict[str, Any] | RowError]]
MAX_KEPT_PROBLEMS = 10_000
FUTURE_SLACK = timedelta(days=1)


class ImportAborted(Exception):
    """The import cannot start (bad option or deployment); nothing was written."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was not imported: its number, the field and a Chinese message."""

    number: int
    field: str
    message: str
    external_id: str | None = None


@dataclass
class ImportOptions:
    """How to import: origin name, defaults and error policy. ``writer_thread``: a writer
    thread writes each batch while the next is read and planned (otherwise one thread).
    ``deadlines_from``: an open (unreplied) row's deadline counts from the row's own time
    (``"created"``, the default: a case older than its deadline arrives overdue) or from the
    import (``"import"``: the office gets the full time to answer history it takes over)."""

    source: str
    on_error: OnError = "stop"
    batch_size: int = 2000
    dry_run: bool = False
    default_region: str | None = None
    reply_office: str | None = None
    writer_thread: bool = False
    deadlines_from: DeadlinesFrom = "created"


@dataclass
class ImportReport:
    """What an import read, wrote and refused."""

    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    routed: int = 0
    queued: int = 0
    replied: int = 0
    batches: int = 0
    bad_rows: int = 0
    overdue: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    written: bool = False

    def add_problems(self, number: int, errors: dict[str, str], external_id: str | None) -> None:
        """Record the errors of one bad row (keeping at most MAX_KEPT_PROBLEMS messages)."""
        self.bad_rows += 1
        for name, message in errors.items():
            if len(self.problems) < MAX_KEPT_PROBLEMS:
                self.problems.append(RowProblem(number, name, message, external_id))


@dataclass
class PreparedRow:
    row: ImportRow
    region_id: int | None
    category_id: int | None
    phone: str


def deployment_timezone(session: Session, default: str) -> tzinfo:
    """The site's ``timezone`` setting (naive times in imports are local to it)."""
    row = session.get(SiteSetting, "timezone")
    name = row.value if row is not None else default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportAborted(f"unknown timezone {name!r}") from exc


class Lookups:
    """Names resolved once per import: regions, categories, dispatch offices;
    plus caches of route results and deadline days filled as rows need them."""

    def __init__(self, session: Session) -> None:
        self.region_by_code: dict[str, int] = {}
        self.region_by_name: dict[str, set[int]] = {}
        self.region_path: dict[int, list[int]] = {}
        for region in session.scalars(select(Region)):
            self.region_by_code[region.code] = region.id
            self.region_path[region.id] = [int(x) for x in region.path.strip("/").split("/") if x]
            for name in {region.name, *(region.aliases or [])}:
                self.region_by_name.setdefault(name.strip(), set()).add(region.id)
        self.category_by_path = {path: cid for cid, path in session.execute(select(Category.id, Category.path))}
        self.dispatch: dict[int, OfficeRef] = {}
        for office in session.scalars(select(Office).where(Office.is_dispatch.is_(True)).order_by(Office.id)):
            self.dispatch.setdefault(office.region_id, OfficeRef(office.id, office.code, office.name))
        self._routes: dict[tuple[int | None, int | None], OfficeRef | None] = {}
        self._days: dict[tuple[int | None, str], int] = {}

    def region(self, text: str) -> int:
        """The region id of a code, name or alias; raises ValueError with a Chinese message."""
        if text in self.region_by_code:
            return self.region_by_code[text]
        ids = self.region_by_name.get(text, set())
        if len(ids) == 1:
            return next(iter(ids))
        if ids:
            raise ValueError(f"区域名称「{text}」对应多个区域，请改用区域代码")
        raise ValueError(f"区域「{text}」不存在（可填区域代码、名称或别名）")

    def category(self, text: str) -> int:
        """The category id of a path (城乡建设/安全生产) or first-level name."""
        path = "/".join(part.strip() for part in text.replace("／", "/").split("/"))
        if path in self.category_by_path:
            return self.category_by_path[path]
        raise ValueError(f"领域「{text}」不存在（请填一级标签名称或完整路径）")

    def office_for(self, session: Session, region_id: int | None, category_id: int | None) -> OfficeRef | None:
        """``routing.route_office`` for a message in this region and category (cached)."""
        key = (region_id, category_id)
        if key not in self._routes:
            probe = Message(region_id=region_id, addressee_office_id=None)
            probe.category = session.get(Category, category_id) if category_id is not None else None
            office = route_office(session, probe)
            self._routes[key] = OfficeRef(office.id, office.code, office.name) if office else None
        return self._routes[key]

    def days_for(self, session: Session, category_id: int | None, kind: str) -> int:
        """``routing.deadline_days`` for this category and kind (cached)."""
        key = (category_id, kind)
        if key not in self._days:
            category = session.get(Category, category_id) if category_id is not None else None
            self._days[key] = deadline_days(session, category, kind)
        return self._days[key]

    def dispatch_office(self, region_id: int | None) -> OfficeRef | None:
        """The dispatch office nearest above ``region_id`` (or the top-most one)."""
        for rid in reversed(self.region_path.get(region_id, []) if region_id is not None else []):
            if rid in self.dispatch:
                return self.dispatch[rid]
        ranked = sorted(self.dispatch.items(), key=lambda kv: len(self.region_path.get(kv[0], [])))
        return ranked[0][1] if ranked else None


def _prepare(
    session: Session, lookups: Lookups, row: ImportRow, options: ImportOptions, now: datetime
) -> PreparedRow | dict[str, str]:
    """Resolve and validate one row; the errors of a bad row as {field: message}."""
    errors = dict(row.errors)
    region_id = category_id = None
    region_text = row.region or options.default_region or ""
    if region_text:
        try:
            region_id = lookups.region(region_text)
        except ValueError as exc:
            errors["region"] = str(exc)
    if row.category:
        try:
            category_id = lookups.category(row.category)
        except ValueError as exc:
            errors["category"] = str(exc)
    data = MessageInput(
        title=row.title,
        body=row.body,
        kind=row.kind,
        author_name=row.author_name,
        contact_phone=row.contact_phone,
        is_public=row.is_public,
        source=options.source,
        external_id=row.external_id,
    )
    phone = ""
    try:
        refs = validate_input(session, data, allowed_kinds=KINDS)
        phone = str(refs["phone"])
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if row.reply and not REPLY_MIN <= len(row.reply) <= REPLY_MAX:
        errors["reply"] = f"答复意见应为 {REPLY_MIN} 到 {REPLY_MAX} 个字（现有 {len(row.reply)} 个）"
    if row.created_at is not None and row.created_at > now + FUTURE_SLACK:
        errors["created_at"] = "留言时间晚于当前时间"
    if row.replied_at is not None and row.created_at is not None and row.replied_at < row.created_at:
        errors["replied_at"] = "答复时间早于留言时间"
    if errors:
        return errors
    return PreparedRow(row, region_id, category_id, phone)


def prepared_rows(
    session: Session,
    lookups: Lookups,
    records: Records,
    mapping: ImportMapping,
    options: ImportOptions,
    tz: tzinfo,
    now: datetime,
    report: ImportReport,
) -> Iterator[PreparedRow]:
    for number, record in records:
        report.rows += 1
        if isinstance(record, RowError):
            report.add_problems(number, {"row": str(record)}, None)
            continue
        row = parse_record(mapping, number, record, tz)
        result = _prepare(session, lookups, row, options, now)
        if isinstance(result, dict):
            report.add_problems(number, result, row.external_id)
            continue
        yield result


def batched_rows(rows: Iterable[PreparedRow], size: int) -> Iterator[list[PreparedRow]]:
    batch: list[PreparedRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
