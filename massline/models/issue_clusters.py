"""The clustering state of issues, needed for incremental assignment (see ``massline.models.issues``).

Each issue's state lives beside it (``IssueCluster``: place key, centroid, keys,
posted terms) with indexed side tables, so a new message finds its candidate
issues by indexed lookups:

* ``issue_place_keys`` — (place key, issue): the block of issues of a place;
* ``issue_place_pieces`` — (piece, place key): every substring of a stored key,
  so compatible keys (``魅力之城`` ~ ``万科魅力之城``) are one lookup;
* ``issue_postings`` — (place key or ``*``, term, issue): the issues posted
  under a top term, inside a large place block or globally;
* ``issue_vocabulary`` — place keys learnt with a suffix, found again in texts
  that omit it; ``issue_term_df`` — document frequencies (term ``""`` holds the
  number of documents).
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

import massline.models.issues  # noqa: F401 - loads the table this module's foreign keys name
from massline.models.base import Base


class IssueCluster(Base):
    """The clustering state of an issue (an ``analysis.concentrate.Cluster``, storable)."""

    __tablename__ = "issue_clusters"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), default="")
    centroid: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    norm2: Mapped[float] = mapped_column(Float, default=0.0)
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    posted: Mapped[list[str]] = mapped_column(JSON, default=list)
    place_names: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    regions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class IssuePlaceKey(Base):
    """An issue is found under this place key (its block)."""

    __tablename__ = "issue_place_keys"

    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)


class IssuePlacePiece(Base):
    """A substring (≥ 2 characters) of a stored place key: compatible keys in one lookup."""

    __tablename__ = "issue_place_pieces"

    piece: Mapped[str] = mapped_column(String(100), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)


class IssuePosting(Base):
    """An issue posted under a top term, inside a place block (or ``*``: globally)."""

    __tablename__ = "issue_postings"
    __table_args__ = (Index("ix_issue_postings_issue_id", "issue_id"),)

    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    term: Mapped[str] = mapped_column(String(50), primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)


class IssueVocabulary(Base):
    """A place key learnt from a name with a suffix (``丽发新城小区`` → ``丽发新城``)."""

    __tablename__ = "issue_vocabulary"

    place_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)


class IssuePlaceAlias(Base):
    """Another name of a place learnt by the batch rebuild (``广铁集团`` for ``伊景园滨河苑``)."""

    __tablename__ = "issue_place_aliases"

    alias_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class IssueTermDf(Base):
    """Document frequency of a problem term; the term ``""`` holds the number of documents."""

    __tablename__ = "issue_term_df"

    term: Mapped[str] = mapped_column(String(50), primary_key=True)
    df: Mapped[int] = mapped_column(Integer, default=0)
