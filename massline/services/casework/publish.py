"""What the public may see of a message: PII redacted, author masked.

Every public page and public API response is built from these views, so the
redaction (``analysis.pii``) happens in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from massline.analysis.text import mask_name, redact
from massline.models import ANONYMOUS_AUTHOR, OPEN_STATUSES, REVIEW_VISIBLE, Message
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


def public_author(name: str) -> str:
    """An author's name as public pages and the public API show it (``analysis.text.mask_name``):
    the one masking, also used for the examples the submission form gives. A message sent without a
    name shows 匿名网友 as it is."""
    return name if name == ANONYMOUS_AUTHOR else mask_name(name)


def public_message(message: Message, *, with_history: bool = False, owner: bool = False) -> PublicMessage:
    """The public view of ``message``; ``owner`` (tracking code + secret) also sees the code."""
    reply = message.published_reply
    addressee = None
    if message.addressee_leader is not None:
        addressee = f"{message.addressee_leader.office.name}{message.addressee_leader.title}"
    elif message.addressee_office is not None:
        addressee = message.addressee_office.name
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
        title=redact(title),
        body=redact(body),
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
        reply=PublicReply(reply.office.name, redact(reply.body), reply.published_at) if reply else None,
        history=history,
        rating=ratings[-1].score if ratings else None,
        reject_reason=redact(message.reject_reason) if message.reject_reason else None,
        reopen_count=message.reopen_count,
        review_label=_review_label(message) if owner else None,
        review_reason=message.review_reason if owner and message.review_state == "withheld" else None,
        due_at=message.due_at if message.status in OPEN_STATUSES and message.office_id is not None else None,
    )


def _review_label(message: Message) -> str | None:
    """What the citizen is told of review before publishing: only a message they made public that is not
    public (yet): 待审核（审核通过后公开） or 审核后不公开."""
    if not message.is_public or message.review_state in REVIEW_VISIBLE:
        return None
    return "待审核（审核通过后公开）" if message.review_state == "pending" else "审核后不公开"
