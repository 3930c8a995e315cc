"""``massline import --events``: case histories from a hotline system become cases of the platform.

Each case (案件编号) becomes a message of source ``events`` (external id = the 案件编号, not
public: the history carries no text) with its events, replies and 回访 records, so the
platform's figures count it like its own cases. Every row is checked first (offices exist,
a case starts with one 提交, the case was not imported before); any problem names its line
and nothing is written.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.accountability import Event, HistoryError
from massline.models import Callback, Category, Message, MessageEvent, Office, Reply
from massline.services.access import secret_digest
from massline.services.errors import ValidationFailed
from massline.services.intake import new_tracking_code

SOURCE = "events"
TITLE = "热线案件 {case}"
BODY = "（由热线系统的办理记录导入，无留言正文）"
REPLY_BODY = "（热线系统记录的答复，正文未导入）"
TYPES = {"提交": "submitted", "派单": "dispatched", "签收": "accepted", "转办": "transferred",
         "延期": "extension_approved", "答复": "replied", "办结": "closed", "重办": "reopened",
         "改类": "kind_changed"}  # fmt: skip
STATUS = {"提交": "received", "派单": "assigned", "签收": "accepted", "转办": "assigned", "答复": "replied",
          "办结": "closed", "重办": "reopened"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryImport:
    """What an events import wrote."""

    cases: int
    events: int


def _cases(events: Sequence[Event]) -> dict[str, list[Event]]:
    by_case: dict[str, list[Event]] = {}
    for e in events:
        by_case.setdefault(e.case, []).append(e)
    for rows in by_case.values():
        rows.sort(key=lambda e: e.at)
    return by_case


def _check(session: Session, by_case: dict[str, list[Event]]) -> dict[str, Office]:
    """The offices named, by name; HistoryError naming the first bad line."""
    offices = {o.name: o for o in session.scalars(select(Office))}
    imported = select(Message.external_id).where(Message.source == SOURCE, Message.external_id.in_(list(by_case)))
    known = set(session.scalars(imported))
    for case, rows in by_case.items():
        first = rows[0]
        if case in known:
            raise HistoryError(first.line, f"案件“{case}”已导入过")
        if first.name != "提交":
            raise HistoryError(first.line, f"案件“{case}”的第一个事件应为提交，而不是{first.name}")
        extra = next((e for e in rows[1:] if e.name == "提交"), None)
        if extra is not None:
            raise HistoryError(extra.line, f"案件“{case}”有两个提交事件")
        for e in rows:
            if e.office and e.office not in offices:
                raise HistoryError(e.line, f"单位“{e.office}”不存在（请先在部署配置中建立该单位）")
    return offices


def check_import_history(session: Session, events: Sequence[Event], tz: tzinfo, now: datetime) -> HistoryImport:
    """Create the cases of ``events`` (all or nothing, in the caller's transaction); ``tz`` is the
    deployment's time zone (the file's times are local). :class:`HistoryError` names a bad line."""
    by_case = _cases(events)
    offices = _check(session, by_case)
    domains = {c.path: c.id for c in session.scalars(select(Category).where(Category.parent_id.is_(None)))}
    written = 0
    for case, rows in by_case.items():
        written += _write_case(session, case, rows, offices, domains, tz)
    if not by_case:
        raise ValidationFailed({"events": "文件中没有事件"})
    return HistoryImport(len(by_case), written)


def _write_case(session: Session, case: str, rows: list[Event], offices: dict[str, Office],
                domains: dict[str, int], tz: tzinfo) -> int:  # fmt: skip
    def at(e: Event) -> datetime:
        return e.at.replace(tzinfo=tz)

    first = rows[0]
    message = Message(
        tracking_code=new_tracking_code(), secret_hash=secret_digest(secrets.token_urlsafe(16)),
        title=TITLE.format(case=case), body=BODY, kind=first.detail["类型"], is_public=False, source=SOURCE,
        external_id=case, category_id=domains.get(first.detail["领域"]), created_at=at(first), updated_at=at(first),
        status="received",
    )  # fmt: skip
    session.add(message)
    holder: Office | None = None
    reply: Reply | None = None
    days = 0
    for e in rows:
        office = offices.get(e.office) if e.office else holder
        data: dict[str, object] = {"source": SOURCE}
        if e.name in ("派单", "转办", "重办") and office is not None:
            holder = office
            days = int(e.detail.get("期限", days))
            data["days"] = days
            message.office = holder
            message.due_at = at(e) + timedelta(days=days)
        if e.name == "答复" and office is not None:
            reply = Reply(message=message, office=office, body=REPLY_BODY, status="published", created_at=at(e),
                          published_at=at(e))  # fmt: skip
            session.add(reply)
            session.flush()
            data["reply_id"] = reply.id
            message.replied_at = at(e)
        elif e.name == "延期":
            data["days"] = int(e.detail["天数"])
            if message.due_at is not None:
                message.due_at += timedelta(days=int(e.detail["天数"]))
        elif e.name == "改类":
            data.update(old=message.kind, new=e.detail["类型"])
            message.kind = e.detail["类型"]
        elif e.name == "办结":
            message.closed_at = at(e)
        elif e.name == "回访":
            _callback(session, message, reply, e, at(e))
            continue
        _event(session, message, e, office, at(e), data)
    return len(rows)


def _event(session: Session, message: Message, e: Event, office: Office | None, when: datetime,
           data: dict[str, object]) -> None:  # fmt: skip
    status = STATUS.get(e.name)
    if e.name == "转办":
        data["to_office"] = office.name if office else ""
    session.add(MessageEvent(message=message, type=TYPES[e.name], from_status=message.status if status else None,
                             to_status=status, office=office, data=data, is_public=e.name != "改类",
                             created_at=when))  # fmt: skip
    if status:
        message.status = status
    message.updated_at = when


def _callback(session: Session, message: Message, reply: Reply | None, e: Event, when: datetime) -> None:
    d = e.detail
    reached = d["有效"] == "是"
    row = Callback(message=message, reply_id=reply.id if reply else None, reached=reached,
                   resolved=("已解决" if d["解决"] == "是" else "未解决") if reached else None,
                   satisfied=d["满意"] if reached else None, contacted=(d["联系"] == "是") if reached else None,
                   note="", created_at=when)  # fmt: skip
    session.add(row)
    data = {"source": SOURCE, **({"resolved": row.resolved, "satisfied": row.satisfied, "contacted": row.contacted}
                                 if reached else {"tries": 1})}  # fmt: skip
    type_ = "callback" if reached else "callback_unreachable"
    session.add(MessageEvent(message=message, type=type_, office=message.office, data=data, is_public=False,
                             created_at=when))  # fmt: skip
