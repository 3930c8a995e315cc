"""Full-text search over messages, for Chinese words of two characters and up.

Terms come from ``analysis.search_terms`` (CJK bigrams). SQLite answers with
the FTS5 table ``message_fts``; PostgreSQL with a GIN-indexed tsvector. A
single Chinese character falls back to a substring match.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, func, or_, select, text
from sqlalchemy.orm import Session

from massline.analysis.search_terms import query_terms
from massline.models import Message, MessageSearch

MAX_TERMS = 16


def search_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    """SQL condition for messages matching every term of ``query``; None for an empty query."""
    terms = query_terms(query)[:MAX_TERMS]
    if not terms:
        return None
    if len(terms) == 1 and len(terms[0]) == 1 and not terms[0].isascii():
        like = f"%{terms[0]}%"
        return or_(Message.title.like(like), Message.body.like(like))
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        ids = text("SELECT rowid FROM message_fts WHERE message_fts MATCH :match").bindparams(match=match)
        return Message.id.in_(ids.columns(rowid=Integer))
    tsquery = " & ".join(f"'{t}'" for t in terms)
    ids_pg = select(MessageSearch.message_id).where(
        func.to_tsvector("simple", MessageSearch.terms).op("@@")(func.to_tsquery("simple", tsquery))
    )
    return Message.id.in_(ids_pg)
