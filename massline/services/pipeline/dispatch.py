"""Routing of queued messages with what the analysis found (after each pipeline batch),
and the office the routing table suggests for a message a person must dispatch.

A message without a region gets the region the analysis located (a
``region_located`` event names the words it rests on); the citizen's own
choice is never replaced. A message still in the dispatch queue (received, no
office) is then routed with the predicted category (when confident) and its
region, through the routing table and ``casework.do_route`` — the same rules as
intake. Below the threshold it stays in the queue, where
:func:`suggest_offices` shows the dispatcher the office the table would pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from massline.models import Category, Message, MessageAnalysis, Office, Region
from massline.services.casework import do_route
from massline.services.events import add_event
from massline.services.routing import routing_table


def route_queued(session: Session, rows: dict[int, MessageAnalysis], now: datetime) -> int:
    """Fill located regions and route the messages of ``rows`` still queued; returns how many were routed."""
    queued = and_(Message.status == "received", Message.office_id.is_(None))
    messages = session.scalars(
        select(Message)
        .where(Message.id.in_(list(rows)), or_(queued, Message.region_id.is_(None)))
        .order_by(Message.id)
        .with_for_update()
    ).all()
    routed = 0
    for message in messages:
        if message.status == "received" and message.office_id is None:
            routed += route_by_analysis(session, message, rows[message.id], now)
        else:
            locate_region(session, message, rows[message.id], now)
    return routed


def _place_reason(row: MessageAnalysis) -> tuple[str, dict[str, Any]]:
    """Why the located region: its name and the words of the message it rests on."""
    place = (row.evidence or {}).get("place") or {}
    words = "、".join(place.get("evidence") or [])
    return f"区域“{place.get('name', '')}”据文中“{words}”", {"region": place.get("code"), "words": words}


def locate_region(session: Session, message: Message, row: MessageAnalysis, now: datetime) -> str | None:
    """Give a message without a region the one the analysis located; the reason, or None when unchanged.

    A region the citizen (or a person) chose is never replaced. The change is a
    ``region_located`` event (internal) whose note names the evidence words.
    """
    if message.region_id is not None or row.located_region_id is None:
        return None
    region = session.get(Region, row.located_region_id)
    if region is None:
        return None
    reason, data = _place_reason(row)
    message.region = region
    message.region_id = region.id
    add_event(session, message, "region_located", now, note=f"智能识别区域：{region.name}（{reason}）",
              public=False, by="analysis", **data)  # fmt: skip
    return reason


def route_by_analysis(session: Session, message: Message, row: MessageAnalysis, now: datetime) -> bool:
    """Route a queued message with what the analysis found; True when it was routed.

    The located region is filled in first when the citizen chose none (see
    :func:`locate_region`), whether or not the message can then be routed. The
    predicted category is used only when the citizen (or intake) gave none and
    the model was confident. Routing itself is the routing table's (the same
    rules as intake); below the threshold, or without a unique office, the
    message stays in the dispatch queue for a person.
    """
    located = locate_region(session, message, row, now)
    category_id = message.category_id
    reasons: list[str] = []
    data: dict[str, Any] = {"by": "analysis"}
    if category_id is None and row.category_id is not None and row.needs_review is False:
        category_id = row.category_id
        reasons.append(f"领域“{row.category_label}”由分类模型识别，置信度 {row.category_confidence or 0:.2f}")
        data.update(category=row.category_label, confidence=row.category_confidence)
    if located is not None:
        reasons.append(located)
        data.update(region=_place_reason(row)[1]["region"])
    if not reasons or category_id is None or message.region_id is None:
        return False
    office_id = routing_table(session).route(message.region_id, category_id)
    if office_id is None:
        return False
    office = session.get(Office, office_id)
    assert office is not None
    if message.category_id != category_id:
        message.category = session.get(Category, category_id)
    note = f"智能分派：{office.name}（{'；'.join(reasons)}）"
    do_route(session, message, office, now, note, **data)
    return True


@dataclass(frozen=True)
class Suggestion:
    """The office the routing table picks for a queued message, and why.

    ``confidence`` is the category model's (None when the category was given);
    ``below_threshold`` says the model was not sure enough to route alone.
    """

    office_code: str
    office_name: str
    reason: str
    confidence: float | None
    below_threshold: bool


def suggest_offices(session: Session, messages: Sequence[Message]) -> dict[int, Suggestion]:
    """For each message with a category and a region (given, predicted or located) the table routes
    to one office, that office and the reason; messages without one are left out.

    The prediction is used whatever its confidence: a person decides.
    """
    ids = [m.id for m in messages]
    found = session.scalars(select(MessageAnalysis).where(MessageAnalysis.message_id.in_(ids)))
    rows = {r.message_id: r for r in found}
    table = routing_table(session)
    out: dict[int, Suggestion] = {}
    for message in messages:
        row = rows.get(message.id)
        reasons: list[str] = []
        category_id, region_id = message.category_id, message.region_id
        confidence: float | None = None
        below = False
        if category_id is None and row is not None and row.category_id is not None:
            category_id, confidence = row.category_id, row.category_confidence
            below = row.needs_review is not False
            reasons.append(f"分类模型判断领域为“{row.category_label}”")
        elif message.category is not None:
            reasons.append(f"领域“{message.category.path}”")
        if row is not None and row.located_region_id is not None and region_id in (None, row.located_region_id):
            region_id = row.located_region_id
            reasons.append(_place_reason(row)[0])
        elif message.region is not None:
            reasons.append(f"区域“{message.region.name}”")
        if category_id is None or region_id is None:
            continue
        office_id = table.route(region_id, category_id)
        office = session.get(Office, office_id) if office_id is not None else None
        if office is None:
            continue
        out[message.id] = Suggestion(office.code, office.name, "；".join(reasons), confidence, below)
    return out
