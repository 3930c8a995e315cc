"""Routing of queued messages with what the analysis found (after each pipeline batch).

A message still in the dispatch queue (received, no office) is routed with the
predicted category (when confident) and the located region (when the citizen
gave none), through the routing table and ``casework.do_route`` — the same
rules as intake.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Category, Message, MessageAnalysis, Office, Region
from massline.services.casework import do_route
from massline.services.routing import routing_table


def route_queued(session: Session, rows: dict[int, MessageAnalysis], now: datetime) -> int:
    """Route the messages of ``rows`` that are still queued; returns how many were routed."""
    queued = session.scalars(
        select(Message)
        .where(Message.id.in_(list(rows)), Message.status == "received", Message.office_id.is_(None))
        .order_by(Message.id)
        .with_for_update()
    ).all()
    routed = 0
    for message in queued:
        routed += route_by_analysis(session, message, rows[message.id], now)
    return routed


def route_by_analysis(session: Session, message: Message, row: MessageAnalysis, now: datetime) -> bool:
    """Route a queued message with what the analysis found; True when it was routed.

    The predicted category is used only when the citizen (or intake) gave none
    and the model was confident; the located region only when the citizen
    chose none. Routing itself is the routing table's (the same rules as
    intake); below the threshold, or without a unique office, the message stays
    in the dispatch queue for a person.
    """
    category_id = message.category_id
    region_id = message.region_id
    reasons: list[str] = []
    data: dict[str, Any] = {"by": "analysis"}
    if category_id is None and row.category_id is not None and row.needs_review is False:
        category_id = row.category_id
        reasons.append(f"领域“{row.category_label}”由分类模型识别，置信度 {row.category_confidence or 0:.2f}")
        data.update(category=row.category_label, confidence=row.category_confidence)
    if region_id is None and row.located_region_id is not None:
        region_id = row.located_region_id
        place = (row.evidence or {}).get("place") or {}
        words = "、".join(place.get("evidence") or [])
        reasons.append(f"区域“{place.get('name', '')}”据文中“{words}”")
        data.update(region=place.get("code"))
    if not reasons or category_id is None or region_id is None:
        return False
    office_id = routing_table(session).route(region_id, category_id)
    if office_id is None:
        return False
    office = session.get(Office, office_id)
    assert office is not None
    if message.category_id != category_id:
        message.category = session.get(Category, category_id)
    if message.region_id != region_id:
        message.region = session.get(Region, region_id)
    note = f"智能分派：{office.name}（{'；'.join(reasons)}）"
    do_route(session, message, office, now, note, **data)
    return True
