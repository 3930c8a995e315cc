"""The transactional outbox: case events become notification rows, which are sent and marked.

The case history is the source. ``derive`` reads the public events of the notified types
(``texts.NOTIFIED``) written since the message's contact was given (and within the lookback),
and adds one ``Notification`` per event and notified contact, unless it exists: the pair
(event, channel) is unique, so deriving again adds nothing. ``claim`` takes due rows for a
lease (a sender that dies mid-way leaves them to be tried again after it), ``mark_sent`` and
``mark_failed`` record the outcome: after a failure the row waits ``retry`` seconds, doubled
after each further failure, and is given up (``failed``) after ``max_attempts`` tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from massline.models import Message, MessageContact, MessageEvent, Notification, SiteSetting
from massline.services.crypto import FieldCipher
from massline.services.notify.contacts import unsubscribe_token
from massline.services.notify.texts import NOTIFIED, Text, event_text

DERIVE_BATCH = 500


@dataclass(frozen=True)
class Links:
    """What texts need of the site: its name and the address citizens reach it at."""

    site: str
    base_url: str


def derive(session: Session, cipher: FieldCipher, links: Links, now: datetime, lookback: timedelta) -> int:
    """Add the notifications of new case events (at most ``DERIVE_BATCH``); returns how many were added."""
    sent_already = exists().where(
        Notification.event_id == MessageEvent.id, Notification.channel == MessageContact.channel
    )
    rows = session.execute(
        select(MessageEvent, MessageContact)
        .join(MessageContact, and_(MessageContact.message_id == MessageEvent.message_id,
                                   MessageContact.notify.is_(True)))  # fmt: skip
        .where(
            MessageEvent.created_at >= now - lookback,
            MessageEvent.created_at >= MessageContact.created_at,
            MessageEvent.type.in_(tuple(NOTIFIED)),
            MessageEvent.is_public.is_(True),
            ~sent_already,
        )
        .order_by(MessageEvent.id)
        .limit(DERIVE_BATCH)
    ).all()
    stored = session.get(SiteSetting, "site_name")
    site = stored.value if stored is not None else links.site
    for event, contact in rows:
        message = session.get(Message, event.message_id)
        assert message is not None
        text = event_text(site, message, event, links.base_url, unsubscribe_token(cipher, message.id))
        _add(session, cipher, contact.channel, cipher.decrypt(contact.address_encrypted), text, now,
             purpose=event.type, message_id=message.id, event_id=event.id)  # fmt: skip
    return len(rows)


def enqueue(
    session: Session, cipher: FieldCipher, channel: str, address: str, text: Text, now: datetime,
    *, purpose: str, message_id: int | None = None,
) -> None:
    """Add one notification that is not a case event's (a new secret, a login code) in the caller's transaction."""
    _add(session, cipher, channel, address, text, now, purpose=purpose, message_id=message_id, event_id=None)


def _add(
    session: Session, cipher: FieldCipher, channel: str, address: str, text: Text, now: datetime,
    *, purpose: str, message_id: int | None, event_id: int | None,
) -> None:
    session.add(Notification(
        event_id=event_id, message_id=message_id, channel=channel, purpose=purpose,
        recipient_encrypted=cipher.encrypt(address), subject=text.subject, body_encrypted=cipher.encrypt(text.body),
        status="pending", attempts=0, next_attempt_at=now, created_at=now,
    ))  # fmt: skip


@dataclass(frozen=True)
class Outgoing:
    """A claimed notification, decrypted for sending."""

    id: int
    channel: str
    to: str
    subject: str
    body: str


def claim(session: Session, cipher: FieldCipher, now: datetime, lease: timedelta, limit: int = 50) -> list[Outgoing]:
    """Take up to ``limit`` due notifications for ``lease`` (another sender skips them meanwhile)."""
    due = list(session.scalars(
        select(Notification.id)
        .where(Notification.status == "pending", Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    ))  # fmt: skip
    taken = []
    for nid in due:
        result = session.execute(
            update(Notification)
            .where(Notification.id == nid, Notification.status == "pending", Notification.next_attempt_at <= now)
            .values(next_attempt_at=now + lease)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            row = session.get(Notification, nid)
            assert row is not None
            taken.append(Outgoing(nid, row.channel, cipher.decrypt(row.recipient_encrypted), row.subject,
                                  cipher.decrypt(row.body_encrypted)))  # fmt: skip
    return taken


def mark_sent(session: Session, notification_id: int, now: datetime) -> None:
    """Record that a notification went out."""
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(status="sent", sent_at=now, attempts=Notification.attempts + 1, last_error=None)
    )


def mark_failed(
    session: Session, notification_id: int, error: str, now: datetime, *, retry: timedelta, max_attempts: int
) -> bool:
    """Record a failed try: wait ``retry`` × 2^(tries − 1), or give up after ``max_attempts``; True when given up."""
    row = session.get(Notification, notification_id)
    if row is None:
        return False
    row.attempts += 1
    row.last_error = error[:1000]
    if row.attempts >= max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = now + retry * (2 ** (row.attempts - 1))
    return row.status == "failed"


@dataclass(frozen=True)
class OutboxSummary:
    """The outbox as admins see it: counts by status and the notifications given up, newest first."""

    counts: dict[str, int]
    failed: list[Notification]


def outbox_summary(session: Session, limit: int = 50) -> OutboxSummary:
    """Counts by status and the latest given-up notifications (their text stays encrypted)."""
    counts = {status: n for status, n in session.execute(
        select(Notification.status, func.count()).group_by(Notification.status))}  # fmt: skip
    failed = list(session.scalars(
        select(Notification).where(Notification.status == "failed").order_by(Notification.id.desc()).limit(limit)
    ))  # fmt: skip
    return OutboxSummary({s: counts.get(s, 0) for s in ("pending", "sent", "failed")}, failed)


def retry_failed(session: Session, now: datetime) -> int:
    """Put every given-up notification back in the queue (after a gateway is fixed); returns how many."""
    result = session.execute(
        update(Notification).where(Notification.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now)
    )  # fmt: skip
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
