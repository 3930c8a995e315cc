"""Export: stream messages as rows for CSV/XLSX, PII redacted by default."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from massline.analysis.text import redact
from massline.models import STATUS_LABELS, Category, Message, Office, Rating, Region, Reply

EXPORT_COLUMNS = (
    "追踪码",
    "留言时间",
    "标题",
    "内容",
    "类型",
    "状态",
    "区域",
    "领域",
    "承办单位",
    "办理期限",
    "答复时间",
    "答复意见",
    "满意度",
    "点赞数",
    "重新办理次数",
)


@dataclass
class ExportFilter:
    """Which messages to export; dates are inclusive local days."""

    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    office: str | None = None


def _local(value: datetime | None, tz: tzinfo) -> datetime | None:
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def export_rows(
    session: Session, filters: ExportFilter, *, redact_pii: bool, tz: tzinfo, chunk: int = 1000
) -> Iterator[tuple[Any, ...]]:
    """Stream one tuple per message (columns as ``EXPORT_COLUMNS``), oldest first.

    Times are naive local times in ``tz``. Text is redacted with
    ``analysis.pii.redact`` unless ``redact_pii`` is False; the contact phone
    is never exported.
    """
    clean: Callable[[str | None], str | None] = (lambda t: redact(t) if t else t) if redact_pii else (lambda t: t)
    for r in session.execute(_export_query(filters).execution_options(yield_per=chunk)):
        yield (
            r[0],
            _local(r[1], tz),
            clean(r[2]),
            clean(r[3]),
            r[4],
            STATUS_LABELS.get(r[5], r[5]),
            r[6],
            r[7],
            r[8],
            _local(r[9], tz),
            _local(r[10], tz),
            clean(r[11]),
            r[12],
            r[13],
            r[14],
        )


def _export_query(filters: ExportFilter) -> Executable:
    reply = (
        select(Reply.body)
        .where(Reply.message_id == Message.id, Reply.status == "published")
        .order_by(Reply.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rating = select(Rating.score).where(Rating.message_id == Message.id).order_by(Rating.id.desc()).limit(1)
    stmt = (
        select(
            Message.tracking_code,
            Message.created_at,
            Message.title,
            Message.body,
            Message.kind,
            Message.status,
            Region.name,
            Category.path,
            Office.name,
            Message.due_at,
            Message.replied_at,
            reply,
            rating.scalar_subquery(),
            Message.support_count,
            Message.reopen_count,
        )
        .outerjoin(Region, Message.region_id == Region.id)
        .outerjoin(Category, Message.category_id == Category.id)
        .outerjoin(Office, Message.office_id == Office.id)
        .order_by(Message.id)
    )
    if filters.status:
        stmt = stmt.where(Message.status == filters.status)
    if filters.since:
        stmt = stmt.where(Message.created_at >= filters.since)
    if filters.until:
        stmt = stmt.where(Message.created_at < filters.until)
    if filters.office:
        stmt = stmt.where(Office.code == filters.office)
    return stmt
