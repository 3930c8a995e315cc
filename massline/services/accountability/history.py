"""The platform's case history as the events format (案件编号, 时间, 事件, 单位, 详情).

Which MessageEvent becomes which event (docs/accountability.md):

=====================  =======  ==========================================================
MessageEvent           事件     单位 · 详情
=====================  =======  ==========================================================
submitted              提交     · ``类型=<kind as submitted>;领域=<first-level category, else 未分类>``
routed, dispatched     派单     the office · ``期限=<days>`` (recorded, else the deadline rule's)
accepted               签收     the office
transferred            转办     the new office · ``期限=…``
extension_approved     延期     the office · ``天数=<days>``
replied, issue_replied 答复     the office
closed                 办结     the office
callback               回访     · ``有效=是;联系=<contacted>;解决=<已解决>;满意=<answer>``
callback_unreachable   回访     · ``有效=否;联系=否;解决=否;满意=不满意``
reopened               重办     the office the case returns to
kind_changed           改类     the office · ``类型=<new kind>``
=====================  =======  ==========================================================

案件编号 is the tracking code; 时间 is local to the deployment's time zone. ``history_events`` keeps
the parsed history of a database in memory until an event is added or removed or the configuration
changes, so the accountability pages do not read the whole history on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.accountability import TIME_FORMAT, Event, format_detail, parse_rows
from massline.models import Category, Message, MessageEvent, Office
from massline.services.routing import config_version, routing_table

EVENT_NAMES = {
    "submitted": "提交", "routed": "派单", "dispatched": "派单", "accepted": "签收", "transferred": "转办",
    "extension_approved": "延期", "replied": "答复", "issue_replied": "答复", "closed": "办结", "callback": "回访",
    "callback_unreachable": "回访", "reopened": "重办", "kind_changed": "改类",
}  # fmt: skip
YES = {True: "是", False: "否", None: "否"}
UNREACHED = {"有效": "否", "联系": "否", "解决": "否", "满意": "不满意"}


def _detail(type_: str, data: dict, kind: str, domain: str, days: int) -> dict[str, str]:
    if type_ == "submitted":
        return {"类型": kind, "领域": domain}
    if type_ in ("routed", "dispatched", "transferred"):
        return {"期限": str(data.get("days") or days)}
    if type_ == "extension_approved":
        return {"天数": str(int(data.get("days") or 0))}
    if type_ == "callback":
        return {"有效": "是", "联系": YES[data.get("contacted")], "解决": YES[data.get("resolved") == "已解决"],
                "满意": data.get("satisfied") or "不满意"}  # fmt: skip
    if type_ == "callback_unreachable":
        return dict(UNREACHED)
    if type_ == "kind_changed":
        return {"类型": str(data.get("new", ""))}
    return {}


def history_rows(session: Session, tz: tzinfo, since: datetime | None = None,
                 until: datetime | None = None) -> Iterator[list[str]]:  # fmt: skip
    """Every case's history in the events format, case by case in time order (cases created in
    ``[since, until)`` when given), streamed."""
    offices = {oid: name for oid, name in session.execute(select(Office.id, Office.name))}
    domains = {cid: path.split("/")[0] for cid, path in session.execute(select(Category.id, Category.path))}
    table = routing_table(session)
    first_kind: dict[int, str] = {}  # the kind as submitted, where a 改类 changed it since
    changes = select(MessageEvent.message_id, MessageEvent.data).where(MessageEvent.type == "kind_changed")
    for mid, data in session.execute(changes.order_by(MessageEvent.id.desc())):
        first_kind[mid] = str((data or {}).get("old", ""))
    query = (
        select(Message.tracking_code, Message.kind, Message.category_id, MessageEvent.type, MessageEvent.office_id,
               MessageEvent.data, MessageEvent.created_at, Message.id)
        .join(Message, Message.id == MessageEvent.message_id)
        .where(MessageEvent.type.in_(EVENT_NAMES))
        .order_by(MessageEvent.message_id, MessageEvent.created_at, MessageEvent.id)
    )  # fmt: skip
    if since is not None:
        query = query.where(Message.created_at >= since)
    if until is not None:
        query = query.where(Message.created_at < until)
    for code, kind, category_id, type_, office_id, data, at, mid in session.execute(query).yield_per(5000):
        kind = first_kind.get(mid) or kind
        detail = _detail(type_, data or {}, kind, domains.get(category_id, "未分类"), table.days(category_id, kind))
        office = "" if type_ == "submitted" or type_.startswith("callback") else offices.get(office_id, "")
        yield [code, at.astimezone(tz).strftime(TIME_FORMAT), EVENT_NAMES[type_], office, format_detail(detail)]


_CACHE: OrderedDict[Hashable, list[Event]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4  # databases × time zones kept (a process serves one deployment; tests open many)


def history_events(session: Session, tz: tzinfo) -> list[Event]:
    """Every case's history as parsed events (READ-ONLY: shared between requests), read again only when
    the database's events changed (their count or last id) or its configuration version did (office
    names, the taxonomy, deadline rules)."""
    count, last = session.execute(select(func.count(MessageEvent.id), func.max(MessageEvent.id))).one()
    key = (str(session.get_bind().engine.url), str(tz), count, last, config_version(session))
    with _CACHE_LOCK:
        events = _CACHE.get(key)
        if events is not None:
            _CACHE.move_to_end(key)
            return events
    events = list(parse_rows(history_rows(session, tz)))
    with _CACHE_LOCK:
        _CACHE[key] = events
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return events
