"""Server-side browser sessions and rate-limit counters (shared by every worker process)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime
from massline.models.messages import Message
from massline.models.people import User


class WebSession(Base):
    """One browser session: a staff login (``user_id``) or a citizen following a case (``message_id``).

    The cookie holds a random token; only its SHA-256 is stored. A session ends
    when revoked (logout, 退出查询, password reset), idle too long, or at ``expires_at``.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    #: a citizen's account (我的留言): the blind index of the contact they proved by a one-time code
    contact_lookup: Mapped[str | None] = mapped_column(String(64))
    #: the user's ``token_version`` at login: a password reset ends the session like an API token
    token_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    message: Mapped[Message | None] = relationship()


class RateLimitHit(Base):
    """How many events one (hashed) key had in one fixed window; pruned once ``expires_at`` passes."""

    __tablename__ = "rate_limit_hits"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the window's start, in seconds since the epoch
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
