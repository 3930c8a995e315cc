"""Photos and documents attached to a message (the files live outside the web root)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.messages import Message
from massline.models.people import User

#: an attachment's review state: only "shown" ones are public (on a public message)
ATTACHMENT_STATES = ("pending", "shown", "hidden")
ATTACHMENT_STATE_LABELS = {"pending": "待审核", "shown": "已公开", "hidden": "不公开"}


class Attachment(Base):
    """One file of a message: stored under a random name, shown under the citizen's name for it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    #: the file's name in the attachments folder (random hex and the type's extension), never the uploaded name
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    #: the name the citizen's device gave the file (shown, never used as a path)
    original_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    review_state: Mapped[str] = mapped_column(String(10), default="pending")
    #: why a reviewer hid the file (shown to the citizen on their case page)
    review_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[Message] = relationship()
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        """True for a (re-encoded) photo, shown inline; documents are downloads."""
        return self.media_type.startswith("image/")

    @property
    def review_label(self) -> str:
        """The review state in Chinese."""
        return ATTACHMENT_STATE_LABELS.get(self.review_state, self.review_state)
