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

:func:`search_matches` gives the same matches in three forms: the condition a page
of results is selected with, the same test made row by row (for a page walked
newest first that stops after a few rows), and the ids of the matches by source
(the index, the pending messages), from which the board counts without visiting
every public message (``services/casework/board``).

The test row by row looks the row's search terms up by id: on SQLite each term
as a whole word of ``message_search.terms`` (the words FTS5 indexes, space
separated: ``instr``), on PostgreSQL the stored ``tsvector`` column
(``message_search.tsv``, migration 0025; lexemes without positions since 0026) against the query; the index's matches
come from the GIN index over ``to_tsvector('simple', terms)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, Select, and_, false, func, literal_column, or_, select, text
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
#: PostgreSQL's text search configuration, written into the statement: the GIN index is on
#: ``to_tsvector('simple', terms)``, and a configuration sent as a parameter matches it only in a plan made for
#: that value; psycopg prepares a statement run five times, and PostgreSQL's generic plan for it then computed
#: ``to_tsvector`` of every search row (a parallel scan of ``message_search``: many seconds per search)
_SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")


@dataclass(frozen=True)
class SearchMatch:
    """The messages matching a query, in two equivalent forms.

    ``condition`` selects them (``Message.id IN …``): the database first collects
    every match. ``walked`` selects the same messages by a test of each row (its
    search terms looked up by id): the cheaper of the two for a page walked newest
    first when the matches are common, since the walk stops after a few rows.
    ``sources`` are selects of one column of message ids, disjoint, whose union is
    the same set: the index's matches first, then the pending messages that match
    by substring and not by the index. Counting from ``sources`` costs as many
    lookups as there are matches (or fewer with a ``LIMIT``), not one per stored message.
    """

    condition: ColumnElement[bool]
    sources: tuple[Select[int], ...]
    walked: ColumnElement[bool]


def search_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    """SQL condition for messages matching every term of ``query``; None for an empty query
    (and a condition matching nothing for a query made only of personal data)."""
    match = search_matches(session, query)
    return None if match is None else match.condition


def search_matches(session: Session, query: str) -> SearchMatch | None:
    """The messages matching every term of ``query`` (:class:`SearchMatch`); None for an empty query
    (and no match for a query made only of personal data)."""
    query = clean_text(query)
    terms = query_terms(query)[:MAX_TERMS]
    if not terms:
        if remove_pii(query) == query:
            return None
        return SearchMatch(false(), (select(Message.id).where(false()),), false())
    if len(terms) == 1 and len(terms[0]) == 1 and not terms[0].isascii():
        like = f"%{terms[0]}%"
        substring = or_(_TITLE.like(like), _BODY.like(like))
        single = select(Message.id).where(substring)
        return SearchMatch(Message.id.in_(single), (single,), substring)
    indexed = _indexed_ids(session, terms)
    source = _fenced(indexed)
    row = _indexed_row(session, terms)
    pending = _pending_match(remove_pii(query))
    if pending is None:
        return SearchMatch(Message.id.in_(indexed), (source,), row)
    # the sources: the pending matches read through the partial index of pending ids (a message marked
    # pending again keeps its search row until indexed anew: counted once, by a look-up of that row; an
    # ``id NOT IN`` the index's matches made PostgreSQL collect every match of the index first, 58,017 for
    # 州市 at 100,000 messages, in each search); the condition tests each row it is asked about, so that
    # a page walked newest first stops at its last row instead of scanning every pending message's text first
    pending_only = select(Message.id).where(pending, ~row)
    return SearchMatch(or_(Message.id.in_(indexed), pending), (source, pending_only), or_(row, pending))


def _fenced(ids: Select[int]) -> Select[int]:
    """``ids`` computed on their own before anything is looked up from them, on PostgreSQL.

    Counting from the matches with a ``LIMIT``, PostgreSQL's planner would
    otherwise walk ``message_search`` by key and compute each row's tsvector
    (1,360 ms for a word in 40 % of 100,000 messages, against 90 ms through the
    GIN index): a ``MATERIALIZED`` common table expression keeps the index.
    SQLite's FTS5 table is always read through its index, in the order of the ids.
    """
    hits = ids.cte("index_hits").prefix_with("MATERIALIZED", dialect="postgresql")
    return select(hits.c[0])


def _indexed_ids(session: Session, terms: list[str]) -> Select[int]:
    """Ids of the indexed messages holding every term: SQLite's FTS5 table, PostgreSQL's tsvector."""
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)
        fts = text("SELECT rowid AS id FROM message_fts WHERE message_fts MATCH :match").bindparams(match=match)
        hits = fts.columns(id=Integer).subquery("fts_hits")
        return select(hits.c.id)
    return select(MessageSearch.message_id).where(_tsv_match(func.to_tsvector(_SIMPLE, MessageSearch.terms), terms))


def _tsv_match(tsv: ColumnElement[str], terms: list[str]) -> ColumnElement[bool]:
    """PostgreSQL: ``tsv`` holds every term.

    The matches of the index are ``to_tsvector`` of the terms (the GIN index's
    expression); a row at hand is tested on its stored column ``message_search.tsv``.
    A GIN index on the column instead made the planner read a common word's matches
    by scanning the table (it does not count the stored vectors' out-of-line reads:
    11 -> 80 ms for a word in 60 % of 100,000 messages).
    """
    tsquery = " & ".join(f"'{t}'" for t in terms)
    return tsv.op("@@")(func.to_tsquery(_SIMPLE, tsquery))


def _indexed_row(session: Session, terms: list[str]) -> ColumnElement[bool]:
    """The message of the row at hand has a search row holding every term (its search row looked up by id).

    A correlated scalar sub-select, which databases run once per row asked about
    (PostgreSQL would make an ``EXISTS`` in an ``OR`` a hashed set of every match).
    SQLite: each term a whole word of the space-separated terms, as FTS5 reads
    them (its ``unicode61`` tokens: the terms hold only letters, digits and CJK).
    """
    if session.get_bind().dialect.name == "sqlite":
        words = " " + MessageSearch.terms + " "
        holds: ColumnElement[bool] = and_(*(func.instr(words, f" {t} ") > 0 for t in terms))
    else:
        holds = _tsv_match(literal_column("message_search.tsv"), terms)
    found = select(holds).where(MessageSearch.message_id == Message.id).correlate(Message).scalar_subquery()
    return found.is_(True)


def _pending_match(query: str) -> ColumnElement[bool] | None:
    """A message not yet indexed holding every Chinese word of ``query`` (None: no such query)."""
    if _NOT_CHINESE.search(query):
        return None
    words = _CHINESE_WORD.findall(query)[:MAX_TERMS]
    if not words:
        return None
    likes = (or_(_TITLE.like(f"%{w}%"), _BODY.like(f"%{w}%")) for w in words)
    return and_(Message.search_pending, *likes)
