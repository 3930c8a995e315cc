"""Supervision reports (监督举报): sealed misconduct reports, their recipients, conversation and keys.

Nothing here is readable without a key the database does not hold: the report's
content, the reporter's identity and every conversation entry are encrypted with
the report's own key, which is stored only sealed to each recipient's public key
and to the reporter's receipt key. Handlers' private keys are stored wrapped by
a key derived from their password.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.people  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime
from massline.models.offices import Office

REPORT_STATUSES = ("received", "accepted", "concluded")
REPORT_STATUS_LABELS = {"received": "已收到", "accepted": "已受理", "concluded": "已办结"}


class SupervisionKey(Base):
    """A handler's key pair: the public key, and the private key wrapped by their password's key."""

    __tablename__ = "supervision_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    #: the private key in a SecretBox whose key is argon2id(password, salt)
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SupervisionUnlock(Base):
    """A handler's private key for one staff session, wrapped by a key held only in that session's cookie."""

    __tablename__ = "supervision_unlocks"

    #: the staff session's token digest (``services.sessions.token_digest``)
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SupervisionReport(Base):
    """One misconduct report: routing and deadlines in the clear, everything said by people sealed."""

    __tablename__ = "supervision_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 of the receipt code (the code is random; the secret opens the report)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    accused_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: the supervision office (纪检监察) handling it
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: the supervision office one level up, which takes over when the report is overdue
    escalation_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    #: the accused person named is a head of the accused office: routed one level up
    about_head: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="received")
    #: content (body, accused person, reporter's name and phone) in a SecretBox under the report key
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)
    #: the reporter's public key (derived from the receipt secret): the report key is sealed to it
    reporter_public: Mapped[bytes] = mapped_column(LargeBinary)
    reporter_salt: Mapped[bytes] = mapped_column(LargeBinary)
    reporter_sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    accept_due: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome_due: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delete_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    office: Mapped[Office] = relationship(foreign_keys=[office_id])
    accused_office: Mapped[Office] = relationship(foreign_keys=[accused_office_id])
    recipients: Mapped[list[SupervisionRecipient]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )
    files: Mapped[list[SupervisionFile]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, order_by="SupervisionFile.id"
    )
    entries: Mapped[list[SupervisionEntry]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SupervisionEntry.id",
    )

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return REPORT_STATUS_LABELS.get(self.status, self.status)


class SupervisionRecipient(Base):
    """A handler the report key is sealed to; ``escalation`` recipients read only once it is escalated."""

    __tablename__ = "supervision_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("supervision_reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "handler" or "escalation"
    role: Mapped[str] = mapped_column(String(20))
    #: the report key in a SealedBox to the user's public key (empty once stepped aside)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    stepped_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[SupervisionReport] = relationship(back_populates="recipients")


class SupervisionEntry(Base):
    """One step of a report's history: a notice, a conversation message, a step aside, an escalation.

    ``sealed_text`` (under the report key) holds whatever was written; the kind and time are plain.
    """

    __tablename__ = "supervision_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("supervision_reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: the handler who wrote it (None: the reporter or the system)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sealed_text: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    report: Mapped[SupervisionReport] = relationship(back_populates="entries")


class SupervisionFile(Base):
    """A file sent with a report: checked and re-encoded like a message's attachment (photos rebuilt
    without metadata), then sealed under the report key with its name and type — nothing of it is plain."""

    __tablename__ = "supervision_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("supervision_reports.id", ondelete="CASCADE"), index=True)
    #: {name, media_type, extension} in a SecretBox under the report key
    sealed_meta: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    report: Mapped[SupervisionReport] = relationship(back_populates="files")
