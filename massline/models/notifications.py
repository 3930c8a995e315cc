"""Citizens' contacts, the notification outbox and one-time login codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from massline.models.base import Base, UTCDateTime
from massline.models.messages import MessageEvent

CHANNELS = ("email", "sms")
CHANNEL_LABELS = {"email": "电子邮件", "sms": "短信"}
OUTBOX_STATUSES = ("pending", "sent", "failed")


class MessageContact(Base):
    """A contact a citizen gave with a message: encrypted, with a keyed blind index for lookup.

    ``lookup`` is an HMAC of the normalised address with a key derived from the platform's
    secret (``services.notify.contacts``), never a plain hash. ``notify`` is the citizen's
    choice to be told of the case's steps (opt-out at submission or by the unsubscribe link).
    """

    __tablename__ = "message_contacts"
    __table_args__ = (UniqueConstraint("message_id", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    address_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    lookup: Mapped[str] = mapped_column(String(64), index=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """One message to send (the transactional outbox): pending until sent, failed after the last try.

    A case notification names its event (unique per event and channel, so deriving them again
    adds nothing); a recovery or login code names none. Recipient and text are stored encrypted.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "channel"),
        Index("ix_notifications_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("message_events.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    #: what it tells: an event's type, "secret_reset" or "login_code"
    purpose: Mapped[str] = mapped_column(String(30))
    recipient_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    subject: Mapped[str] = mapped_column(String(200))
    body_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginCode(Base):
    """A one-time code sent to a contact for the citizen's account (stored as a keyed hash)."""

    __tablename__ = "login_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lookup: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


#: the notifier reads recent events by time (``services.notify.outbox``)
Index("ix_message_events_created_at", MessageEvent.created_at)
