"""What the public may see of a message: PII redacted, author masked.

Every public page and public API response is built from these views, so the
redaction (``analysis.pii``) happens in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from massline.analysis.text import mask_name, redact
from massline.models import (
    ANONYMOUS_AUTHOR,
    OPEN_STATUSES,
    REVIEW_VISIBLE,
    STATUS_LABELS,
    Category,
    Leader,
    Message,
    Office,
    Rating,
    Region,
    Reply,
)
from massline.services.events import EVENT_LABELS

#: public events only the citizen who owns the message reads (a moderator's reason to withhold it, shown on the
#: tracking page; the message may be published later, and its public page does not repeat why it once was not)
OWNER_ONLY_EVENTS = ("review_withheld",)


@dataclass
class PublicEvent:
    """One public step of the case history."""

    type: str
    label: str
    at: datetime
    note: str | None


@dataclass
class PublicReply:
    """A published reply as the public sees it."""

    office: str
    body: str
    published_at: datetime | None


@dataclass
class PublicMessage:
    """A message as shown on public pages and in the public API."""

    id: int
    tracking_code: str | None
    title: str
    body: str
    kind: str
    status: str
    status_label: str
    author: str
    region: str | None
    category: str | None
    office: str | None
    addressee: str | None
    support_count: int
    created_at: datetime
    reply: PublicReply | None
    history: list[PublicEvent] = field(default_factory=list)
    rating: int | None = None
    reject_reason: str | None = None
    reopen_count: int = 0
    oppose_count: int = 0
    #: review before publishing, for the citizen who owns the message: 待审核 / 审核后不公开 and the moderator's reason
    review_label: str | None = None
    review_reason: str | None = None
    #: the deadline the handling office works to, while the case is open (办理期限, shown to the public)
    due_at: datetime | None = None


#: how many texts :func:`shown` remembers: a board page holds 20 titles and bodies, and the same newest
#: messages come back on many pages and searches (about 1 MB of text per 1,000 entries)
SHOWN_CACHE = 4096


@lru_cache(maxsize=SHOWN_CACHE)
def shown(text: str) -> str:
    """``redact(text)`` (``analysis.pii``), remembered by text: the same output, computed once for a text
    shown again. Keyed by the text itself, so a moderator's edit or a new reply is a new key."""
    return redact(text)


def public_author(name: str) -> str:
    """An author's name as public pages and the public API show it (``analysis.text.mask_name``):
    the one masking, also used for the examples the submission form gives. A message sent without a
    name shows 匿名网友 as it is."""
    return name if name == ANONYMOUS_AUTHOR else mask_name(name)


def public_message(message: Message, *, with_history: bool = False, owner: bool = False) -> PublicMessage:
    """The public view of ``message``; ``owner`` (tracking code + secret) also sees the code."""
    reply = message.published_reply
    leader = message.addressee_leader
    addressee = _addressee(leader.office.name + leader.title if leader else None, message.addressee_office)
    history = []
    if with_history:
        history = [
            PublicEvent(e.type, EVENT_LABELS.get(e.type, e.type), e.created_at, redact(e.note) if e.note else None)
            for e in message.events
            if e.is_public and (owner or e.type not in OWNER_ONLY_EVENTS)
        ]
    ratings = message.ratings
    title, body = (message.title, message.body) if owner else message.public_text  # (the owner reads their own)
    return PublicMessage(
        id=message.id,
        tracking_code=message.tracking_code if owner else None,
        title=shown(title),
        body=shown(body),
        kind=message.kind,
        status=message.status,
        status_label=message.status_label,
        author=public_author(message.author_name),
        region=message.region.name if message.region else None,
        category=message.category.path if message.category else None,
        office=message.office.name if message.office else None,
        addressee=addressee,
        support_count=message.support_count,
        oppose_count=message.oppose_count,
        created_at=message.created_at,
        reply=PublicReply(reply.office.name, shown(reply.body), reply.published_at) if reply else None,
        history=history,
        rating=ratings[-1].score if ratings else None,
        reject_reason=redact(message.reject_reason) if message.reject_reason else None,
        reopen_count=message.reopen_count,
        review_label=_review_label(message) if owner else None,
        review_reason=message.review_reason if owner and message.review_state == "withheld" else None,
        due_at=_due_at(message.status, message.office_id, message.due_at),
    )


def _addressee(leader: str | None, office: Office | str | None) -> str | None:
    """Whom the message was addressed to: a leader (their office's name and their title), else an office."""
    if leader is not None:
        return leader
    return office.name if isinstance(office, Office) else office


def _due_at(status: str, office_id: int | None, due_at: datetime | None) -> datetime | None:
    """The deadline the public is shown: while the case is open and an office handles it."""
    return due_at if status in OPEN_STATUSES and office_id is not None else None


def public_listing(session: Session, ids: list[int]) -> list[PublicMessage]:
    """:func:`public_message` of each of these messages (no history), in the order of ``ids``, read with one
    statement of the columns it shows (the names of its region, category, offices and addressee; its latest
    published reply and latest rating) instead of whole objects and their relationships one by one.

    The caller has already checked that the public may see them (``access.public_condition``).
    """
    if not ids:
        return []
    rows = {row.id: row for row in session.execute(_listing_statement(), {"ids": ids})}
    return [_listed(rows[i]) for i in ids if i in rows]


@cache
def _listing_statement() -> Any:
    """The statement of :func:`public_listing`, built once (its aliases cost more to build than it costs to run)."""
    office, addressed, leader_office, reply_office = (aliased(Office) for _ in range(4))
    published, rated = aliased(Reply), aliased(Rating)
    latest_reply = (
        select(func.max(published.id)).where(published.message_id == Message.id, published.status == "published")
    ).correlate(Message).scalar_subquery()
    latest_rating = select(func.max(rated.id)).where(rated.message_id == Message.id).correlate(Message)
    rating = select(Rating.score).where(Rating.id == latest_rating.scalar_subquery()).correlate(Message)
    return (
        select(
            Message.id, Message.title, Message.body, Message.public_title, Message.public_body, Message.kind,
            Message.status, Message.author_name, Message.support_count, Message.oppose_count, Message.created_at,
            Message.reject_reason, Message.reopen_count, Message.due_at, Message.office_id,
            Region.name.label("region"), Category.path.label("category"), office.name.label("office"),
            addressed.name.label("addressed"), (leader_office.name + Leader.title).label("leader"),
            Reply.id.label("reply_id"), Reply.body.label("reply_body"), Reply.published_at.label("reply_at"),
            reply_office.name.label("reply_office"),
            rating.scalar_subquery().label("rating"),
        )  # fmt: skip
        .outerjoin(Region, Region.id == Message.region_id)
        .outerjoin(Category, Category.id == Message.category_id)
        .outerjoin(office, office.id == Message.office_id)
        .outerjoin(addressed, addressed.id == Message.addressee_office_id)
        .outerjoin(Leader, Leader.id == Message.addressee_leader_id)
        .outerjoin(leader_office, leader_office.id == Leader.office_id)
        .outerjoin(Reply, Reply.id == latest_reply)
        .outerjoin(reply_office, reply_office.id == Reply.office_id)
        .where(Message.id.in_(bindparam("ids", expanding=True)))
    )


def _listed(row: Any) -> PublicMessage:
    """The public view of one row of :func:`_listing_statement` (as :func:`public_message` makes it)."""
    title = row.public_title if row.public_title is not None else row.title
    body = row.public_body if row.public_body is not None else row.body
    reply = PublicReply(row.reply_office, shown(row.reply_body), row.reply_at) if row.reply_id is not None else None
    return PublicMessage(
        id=row.id,
        tracking_code=None,
        title=shown(title),
        body=shown(body),
        kind=row.kind,
        status=row.status,
        status_label=STATUS_LABELS.get(row.status, row.status),
        author=public_author(row.author_name),
        region=row.region,
        category=row.category,
        office=row.office,
        addressee=_addressee(row.leader, row.addressed),
        support_count=row.support_count,
        oppose_count=row.oppose_count,
        created_at=row.created_at,
        reply=reply,
        rating=row.rating,
        reject_reason=redact(row.reject_reason) if row.reject_reason else None,
        reopen_count=row.reopen_count,
        due_at=_due_at(row.status, row.office_id, row.due_at),
    )


def _review_label(message: Message) -> str | None:
    """What the citizen is told of review before publishing: only a message they made public that is not
    public (yet): 待审核（审核通过后公开） or 审核后不公开."""
    if not message.is_public or message.review_state in REVIEW_VISIBLE:
        return None
    return "待审核（审核通过后公开）" if message.review_state == "pending" else "审核后不公开"
