"""Stored results of the analysis pipeline: one row per message, and MinHash band keys.

The worker (``services/pipeline``) writes these; the web tier only reads them.
Each step's result is stamped in ``versions`` ({step: version}); ``pipeline_version``
is a digest of all of them, so "which messages need work" is one indexed
comparison. What is queried or sorted has a typed column; the evidence shown
to officials (words that fired, place spans ...) is JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.regions  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.taxonomy  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow


class MessageAnalysis(Base):
    """What the analysis pipeline found in one message, with each step's version."""

    __tablename__ = "message_analysis"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    pipeline_version: Mapped[str] = mapped_column(String(40), index=True, default="")
    versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # classify
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    category_label: Mapped[str | None] = mapped_column(String(100))
    category_confidence: Mapped[float | None] = mapped_column(Float)
    needs_review: Mapped[bool | None] = mapped_column(Boolean)
    # kind, urgency, sentiment
    kind_guess: Mapped[str | None] = mapped_column(String(10))
    kind_confidence: Mapped[float | None] = mapped_column(Float)
    urgency_level: Mapped[str | None] = mapped_column(String(10), index=True)
    urgency_score: Mapped[float | None] = mapped_column(Float)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    # place and duplicates
    located_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageBandKey(Base):
    """One LSH band key of a message's MinHash signature (16 per message).

    Messages sharing a band key are near-duplicate candidates: a new message's
    candidates are one indexed lookup, so finding duplicates stays linear overall.
    """

    __tablename__ = "message_band_keys"
    __table_args__ = (Index("ix_message_band_keys_band_key", "band_key"),)

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    band_key: Mapped[str] = mapped_column(String(24), primary_key=True)
