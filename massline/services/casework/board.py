"""Lists of messages: the public board and the officials' inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session, selectinload

from massline.analysis.text import clean_text
from massline.models import OPEN_STATUSES, STATUSES, Category, Message, Region, User
from massline.services.access import can_see_dispatch_queue, message_scope, public_condition, require
from massline.services.casework.paging import MAX_PAGE, Page
from massline.services.casework.publish import PublicMessage, public_listing
from massline.services.errors import ValidationFailed
from massline.services.routing import due_soon_days
from massline.services.search import SearchMatch, search_matches

#: the board counts its messages exactly up to this many (or to the end of the page asked for), then says "1,000+"
COUNT_CAP = 1000
#: a message walked newest first and tested row by row costs about this many times what collecting one match
#: of the index into a set does, by database: on SQLite the ratio that made the 148 searches of bench_search.py
#: beyond the cap cheapest at 100,000 messages. PostgreSQL always walks (0): its count's matches come in no
#: order that tells how common they are, and its stored tsvector tests a row fast while collecting every match
#: of a common word costs 50-140 ms
ROW_TEST_COST = {"sqlite": 20, "postgresql": 0}


#: the covering index of what :func:`first_matches` tests of a match (``models.messages``, migration 0027)
BOARD_LOOKUP_INDEX = "ix_messages_board_lookup"
#: PostgreSQL: a region's messages with what :func:`first_matches` tests of them (migration 0028)
BOARD_REGION_INDEX = "ix_messages_board_region"


@dataclass
class Filters:
    """Filters shared by the board and the inbox; empty strings mean "any"."""

    q: str = ""
    category: str = ""
    region: str = ""
    kind: str = ""
    status: str = ""
    page: int = 1


def _apply_filters(session: Session, stmt: Select[Any], f: Filters) -> Select[Any]:
    match = _search(session, f)
    stmt = _filter(session, stmt, f)
    return stmt if match is None else stmt.where(match.condition)


def _search(session: Session, f: Filters) -> SearchMatch | None:
    if f.page < 1 or f.page > MAX_PAGE:
        raise ValidationFailed({"page": f"页码须在 1 到 {MAX_PAGE} 之间"})
    if len(f.q) > 100:
        raise ValidationFailed({"q": "搜索词不能超过 100 个字"})
    return search_matches(session, f.q)


def _filter(session: Session, stmt: Select[Any], f: Filters) -> Select[Any]:
    """``stmt`` narrowed by every filter but the search words."""
    # (cleaned: PostgreSQL refuses a NUL byte in a parameter)
    category, region, kind, status = (clean_text(v) if v else v for v in (f.category, f.region, f.kind, f.status))
    if category:
        stmt = stmt.where(
            Message.category_id.in_(
                select(Category.id).where((Category.path == category) | Category.path.like(f"{category}/%"))
            )
        )
    if region:
        stmt = stmt.where(Message.region_id.in_(_region_ids(session, region)))
    if kind:
        stmt = stmt.where(Message.kind == kind)
    if status:
        stmt = stmt.where(Message.status == status)
    return stmt


def _region_ids(session: Session, code: str) -> list[int]:
    """The ids of region ``code`` and of every region under it (ValidationFailed: no such region).

    A list of ids rather than a sub-select: PostgreSQL then estimates how many
    messages the regions hold and reads them through the index on
    ``messages.region_id`` instead of scanning every public message (the board's
    count at 100,000 messages: 62 -> 26 ms for a common word in a county).
    """
    top = select(Region.path).where(Region.code == code).scalar_subquery()
    ids = list(session.scalars(select(Region.id).where(Region.path.like(top.concat("%")))))
    if not ids:
        raise ValidationFailed({"region": "所选区域不存在"})
    return ids


def _page(session: Session, stmt: Select[Any], f: Filters, page_size: int, order: list[Any]) -> Page[Message]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return Page(_rows(session, stmt, f, page_size, order), total, f.page, page_size)


_LISTED = (selectinload(Message.region), selectinload(Message.category), selectinload(Message.office))


def _rows(session: Session, stmt: Select[Any], f: Filters, page_size: int, order: list[Any]) -> list[Message]:
    page = stmt.order_by(*order).limit(page_size).offset((f.page - 1) * page_size)
    return list(session.scalars(page.options(*_LISTED)).all())


def first_matches(
    session: Session, stmt: Select[Any], match: SearchMatch | None, limit: int, regional: bool = False
) -> list[int]:
    """The ids of up to ``limit`` + 1 messages that ``stmt`` selects and ``match`` finds (None: any), in no
    particular order: all of them when there are at most ``limit``.

    With a search they are collected from the matches (``match.sources``), each
    looked up by id until ``limit`` + 1 pass the filters: the cost grows with the
    matches, capped, not with the messages stored. ``regional``: ``stmt`` filters
    by region; PostgreSQL may then hash the region's messages from
    :data:`BOARD_REGION_INDEX` instead of looking every match up.
    """
    if match is None:
        return list(session.scalars(stmt.with_only_columns(Message.id).order_by(None).limit(limit + 1)))
    found: list[int] = []
    # SQLite: the look-up reads the covering index by id (its planner would read the row, whose tested
    # columns follow a long body on overflow pages: 2.1 -> 1.25 ms per count statement at 100,000)
    stmt = stmt.with_hint(Message, f"INDEXED BY {BOARD_LOOKUP_INDEX}", dialect_name="sqlite")
    # PostgreSQL: OFFSET 0 keeps the test a look-up by id per match (else a semi-join may read every
    # public message of the filters to hash them; with the region's ids: 56 -> 51, 82 -> 55, 22 -> 18 ms);
    # with a region, its messages come from the index alone and the planner chooses (a common word of which
    # few matches lie in the region: 62 -> 27 ms, each of its 15,353 matches no longer looked up)
    fence = session.get_bind().dialect.name != "sqlite" and not regional
    for source in match.sources:
        ids = source.subquery()
        test = stmt.with_only_columns(literal(1)).where(Message.id == ids.c[0])
        passes = (test.offset(0) if fence else test).exists()
        found += session.scalars(select(ids.c[0]).where(passes).limit(limit + 1 - len(found)))
        if len(found) > limit:
            break
    return found


def public_board(session: Session, f: Filters, page_size: int = 20) -> Page[PublicMessage]:
    """Public messages matching the filters, newest first, as the public sees them; counted exactly up to
    :data:`COUNT_CAP` (or to the end of the page asked for) — beyond, ``Page.exact`` is False.

    When there are that few, the page is sorted from their ids; otherwise the
    newest are found by walking the messages by date, which then meets matches early.
    The page's ids are selected first, then what the public view shows of them
    (``casework.publish.public_listing``: one statement of columns).
    """
    match = _search(session, f)
    stmt = _filter(session, select(Message).where(public_condition()), f)
    limit = max(COUNT_CAP, f.page * page_size)
    ids = first_matches(session, stmt, match, limit, regional=bool(f.region))
    if len(ids) > limit:
        page_stmt = stmt if match is None else stmt.where(_page_condition(session, match, ids, f.page * page_size))
    else:
        page_stmt = stmt.where(Message.id.in_(ids))
    newest: list[Any] = [Message.created_at.desc(), Message.id.desc()]
    page = page_stmt.with_only_columns(Message.id).order_by(*newest).limit(page_size).offset((f.page - 1) * page_size)
    rows = public_listing(session, list(session.scalars(page))) if ids else []
    return Page(rows, min(len(ids), limit), f.page, page_size, exact=len(ids) <= limit)


def _page_condition(session: Session, match: SearchMatch, ids: list[int], page_end: int) -> Any:
    """The cheaper form of ``match`` for a page walked newest first (more than :data:`COUNT_CAP` matches).

    ``ids`` are the first matches in the order of the index (by id on SQLite): the highest
    of them tells how common the matches are. Walking to the end of the page tests about
    ``page_end`` × highest / len(ids) messages one by one (``match.walked``); the
    other form first collects every match, about len(ids) × newest id / highest.
    Either gives the same messages: a common word walks, a rarer one is collected.
    """
    highest = max(ids)
    newest = session.scalar(select(func.max(Message.id))) or highest
    walked = page_end * highest / len(ids)
    collected = len(ids) * newest / highest
    cost = ROW_TEST_COST.get(session.get_bind().dialect.name, 20)
    return match.walked if walked * cost < collected else match.condition


#: the inbox's orders: "" puts the cases needing attention first (reopened or escalated, then new),
#: then by deadline; the others sort by one column
INBOX_SORTS = {"": "待处理优先", "due": "办理期限", "received": "收到时间（最新在前）", "status": "状态"}
#: not yet signed for: the office has not looked at it yet
NEW_STATUSES = ("received", "assigned")


def attention(message: Message) -> str:
    """Why a case needs attention first: "escalated" (overdue, gone up to the office head or the
    centre: ``deadlines``), "reopened" (reopened or escalated), "new" (not signed for) or ""."""
    if message.status in OPEN_STATUSES and message.escalation_level:
        return "escalated"
    if message.status in OPEN_STATUSES and (message.status == "reopened" or message.escalated):
        return "reopened"
    if message.status in NEW_STATUSES:
        return "new"
    return ""


def _inbox_order(sort: str) -> list[Any]:
    by_due = [Message.due_at.is_(None), Message.due_at, Message.id]
    if sort == "due":
        return by_due
    if sort == "received":
        return [Message.created_at.desc(), Message.id.desc()]
    if sort == "status":
        return [case({s: i for i, s in enumerate(STATUSES)}, value=Message.status, else_=len(STATUSES)), *by_due]
    first = case(
        ((Message.status == "reopened") | (Message.escalated.is_(True) & Message.status.in_(OPEN_STATUSES)), 0),
        (Message.status.in_(NEW_STATUSES), 1),
        else_=2,
    )
    return [first, *by_due]


@dataclass
class InboxFilters(Filters):
    """Inbox filters: ``due`` is "" / "overdue" / "soon"; ``mine`` only the user's cases;
    ``sort`` one of :data:`INBOX_SORTS`."""

    due: str = ""
    mine: bool = False
    open_only: bool = True
    sort: str = ""


def _inbox_scope(session: Session, user: User, f: InboxFilters) -> Select[Any]:
    stmt = select(Message).where(message_scope(session, user))
    if f.open_only and not f.status:
        stmt = stmt.where(Message.status.in_(OPEN_STATUSES))
    return _apply_filters(session, stmt, f)


def inbox(session: Session, user: User, f: InboxFilters, now: datetime, page_size: int = 20) -> Page[Message]:
    """The messages ``user`` may see: by default reopened/escalated cases first, then new ones
    (not signed for), each group by soonest deadline; ``f.sort`` picks another order."""
    if f.sort not in INBOX_SORTS:
        raise ValidationFailed({"sort": "排序方式只能是：" + "、".join(v for k, v in INBOX_SORTS.items())})
    stmt = _inbox_scope(session, user, f)
    if f.mine:
        stmt = stmt.where(Message.assignee_id == user.id)
    if f.due == "overdue":
        stmt = stmt.where(Message.due_at < now, Message.status.in_(OPEN_STATUSES))
    elif f.due == "soon":
        soon = now + timedelta(days=due_soon_days(session))
        stmt = stmt.where(Message.due_at >= now, Message.due_at < soon, Message.status.in_(OPEN_STATUSES))
    return _page(session, stmt, f, page_size, _inbox_order(f.sort))


@dataclass
class InboxCounts:
    """The figures on top of the inbox: the user's open cases that are new, reopened (or escalated), overdue."""

    new: int
    reopened: int
    overdue: int


def inbox_counts(session: Session, user: User, now: datetime) -> InboxCounts:
    """How many open cases ``user`` may see are new (not signed for), reopened or escalated, and overdue."""
    reopened = (Message.status == "reopened") | Message.escalated.is_(True)
    row = session.execute(
        select(
            func.count().filter(Message.status.in_(NEW_STATUSES) & ~reopened),
            func.count().filter(reopened),
            func.count().filter(Message.due_at < now),
        ).where(message_scope(session, user), Message.status.in_(OPEN_STATUSES))
    ).one()
    return InboxCounts(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def dispatch_queue(session: Session, user: User, page: int = 1, page_size: int = 50) -> Page[Message]:
    """Messages no rule could route, oldest first (派单), for those who may see the queue (else Forbidden)."""
    require(can_see_dispatch_queue(user))
    stmt = select(Message).where(Message.status == "received", Message.office_id.is_(None))
    return _page(session, stmt, Filters(page=page), page_size, [Message.created_at, Message.id])


@dataclass
class PublicStats:
    """Headline figures of the public board."""

    total: int
    answered: int

    @property
    def answer_rate(self) -> int:
        """Answered share of public messages, in whole percent."""
        return round(100 * self.answered / self.total) if self.total else 0


def public_stats(session: Session) -> PublicStats:
    """How many public messages there are and how many have a published answer."""
    answered = Message.status.in_(("replied", "closed"))
    total, done = session.execute(
        select(func.count(), func.count().filter(answered)).select_from(Message).where(public_condition())
    ).one()
    return PublicStats(int(total), int(done or 0))


def due_state(message: Message, now: datetime, soon_days: int) -> str:
    """ "overdue", "soon" or "" for an open message's deadline."""
    if message.due_at is None or message.status not in OPEN_STATUSES:
        return ""
    if message.due_at < now:
        return "overdue"
    if message.due_at < now + timedelta(days=soon_days):
        return "soon"
    return ""
