"""Full-text search over messages, for Chinese words of two characters and up.

Terms come from ``analysis.search_terms`` (CJK bigrams). SQLite answers with
the FTS5 table ``message_fts``; PostgreSQL with a GIN-indexed tsvector. A
single Chinese character falls back to a substring match.

Messages not yet indexed (``search_pending``, see ``services/search_backlog``:
normally a few seconds' worth) are matched by substring instead, word by word,
through the partial index of pending ids. Only Chinese words do that: a query
with digits or letters could otherwise find a phone or ID number in a text
whose index terms are redacted.

A query is cleaned like stored text (``analysis.text.clean_text``), and the
personal data in it (a phone or ID number, however written) gives no term
(``query_terms``): a query made only of such data matches nothing, so the
board cannot be asked whether some message contains a given number.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, false, func, or_, select, text
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text, query_terms, remove_pii
from massline.models import Message, MessageSearch

MAX_TERMS = 16
#: the text searched is the public one: a moderator's edits when there are any (review before publishing), so
#: that no search finds a message by the words a moderator took out (the index holds the same, ``backlog``)
_TITLE = func.coalesce(Message.public_title, Message.title)
_BODY = func.coalesce(Message.public_body, Message.body)
_CHINESE_WORD = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_CHINESE = re.compile("[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a@]")


def search_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    """SQL condition for messages matching every term of ``query``; None for an empty query
    (and a condition matching nothing for a query made only of personal data)."""
    query = clean_text(query)
    terms = query_terms(query)[:MAX_TERMS]
    if not terms:
        return None if remove_pii(query) == query else false()
    if len(terms) == 1 and len(terms[0]) == 1 and not terms[0].isascii():
        like = f"%{terms[0]}%"
        return or_(_TITLE.like(like), _BODY.like(like))
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        ids = text("SELECT rowid FROM message_fts WHERE message_fts MATCH :match").bindparams(match=match)
        indexed = Message.id.in_(ids.columns(rowid=Integer))
    else:
        tsquery = " & ".join(f"'{t}'" for t in terms)
        ids_pg = select(MessageSearch.message_id).where(
            func.to_tsvector("simple", MessageSearch.terms).op("@@")(func.to_tsquery("simple", tsquery))
        )
        indexed = Message.id.in_(ids_pg)
    pending = _pending_condition(remove_pii(query))
    return indexed if pending is None else or_(indexed, pending)


def _pending_condition(query: str) -> ColumnElement[bool] | None:
    """Substring match of every Chinese word of ``query`` in messages not yet indexed (None: no such query)."""
    if _NOT_CHINESE.search(query):
        return None
    words = _CHINESE_WORD.findall(query)[:MAX_TERMS]
    if not words:
        return None
    likes = (or_(_TITLE.like(f"%{w}%"), _BODY.like(f"%{w}%")) for w in words)
    # a subquery of its own, so that it is answered from the partial index of pending ids
    return Message.id.in_(select(Message.id).where(Message.search_pending, *likes))
