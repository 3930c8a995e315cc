"""Transfer requests (退单申请): an office asks the dispatch centre to send a case elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.messages import Message
from massline.models.offices import Office
from massline.models.people import User

TRANSFER_REQUEST_STATUSES = ("pending", "approved", "refused")


class TransferRequest(Base):
    """An office's request to give a case up, decided by a dispatcher of the centre.

    The case stays with the office until the decision: approved, it moves (to the
    suggested office or the one the dispatcher chose); refused, the office keeps it
    and reads ``decision_note``.
    """

    __tablename__ = "transfer_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the office the requesting office suggests (None: let the centre choose)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[Message] = relationship()
    office: Mapped[Office | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
