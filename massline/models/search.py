"""Search index rows: one per message, the text's terms (CJK bigrams ...).

On SQLite a contentless FTS5 table ``message_fts`` (created by the migration)
indexes these terms; on PostgreSQL a GIN index over ``to_tsvector('simple', terms)``.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base


class MessageSearch(Base):
    """The searchable terms of a message's public text (PII already redacted)."""

    __tablename__ = "message_search"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    terms: Mapped[str] = mapped_column(Text)
