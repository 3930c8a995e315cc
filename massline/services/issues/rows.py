"""The rows of the stored issue index: a cluster's ``issue_clusters`` row, its place-key, piece and
posting rows, the idempotent bulk insert that writes them, and the look-ups of many terms' postings and
of many place names' stored keys."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from massline.analysis.issues import Cluster
from massline.models import IssuePlaceKey, IssuePlacePiece, IssuePosting, IssueTermDf

MAX_CENTROID_TERMS = 300  # stored centroids keep their heaviest terms (bounded rows)
GLOBAL = "*"
_CHUNK = 900
#: a pipeline's index reads the whole ``issue_term_df`` table at once when it holds at most this many terms
WHOLE_DF = 200_000


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """``values`` in slices small enough for one statement's parameters."""
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def pieces(text: str, lo: int, hi: int) -> set[str]:
    """Every substring of ``text`` of ``lo`` to ``hi`` characters."""
    return {text[i : i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)}


def upsert(session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str], add: str | None = None) -> None:
    """Insert ``rows``; on a key conflict add the row's ``add`` column to the stored one (or do nothing)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    if add is None:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    else:
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_={add: table.c[add] + stmt.excluded[add]})
    for chunk in chunks(rows):
        session.execute(stmt, list(chunk))


def cluster_rows(issue_id: int, cluster: Cluster) -> dict[str, Any]:
    """The ``issue_clusters`` row of a cluster (centroid cut to its heaviest terms)."""
    top = sorted(cluster.centroid.items(), key=lambda tw: -tw[1])[:MAX_CENTROID_TERMS]
    centroid = {t: round(w, 5) for t, w in top}
    return {
        "issue_id": issue_id,
        "place_key": cluster.place,
        "centroid": centroid,
        "norm2": sum(w * w for w in centroid.values()),
        "keys": sorted(cluster.keys),
        "posted": sorted(cluster.posted),
        "place_names": dict(cluster.place_names),
        "regions": dict(cluster.regions),
    }


def index_rows(
    issue_id: int, place: str, keys: Iterable[str], posted: Iterable[str]
) -> tuple[list[dict[str, Any]], ...]:
    """Rows of the place-key, piece and posting tables for these keys and posted terms of an issue."""
    key_rows = [{"place_key": k, "issue_id": issue_id} for k in keys if k]
    piece_rows = [{"piece": p, "place_key": k} for k in keys if k for p in pieces(k, 2, len(k))]
    posting_rows = []
    for t in posted:
        posting_rows.append({"place_key": place, "term": t[:50], "issue_id": issue_id})
        posting_rows.append({"place_key": GLOBAL, "term": t[:50], "issue_id": issue_id})
    return key_rows, piece_rows, posting_rows


def write_index_rows(session: Session, issue_id: int, place: str, keys: Iterable[str], posted: Iterable[str]) -> None:
    """Insert (idempotently) the index rows of an issue's new keys and posted terms."""
    key_rows, piece_rows, posting_rows = index_rows(issue_id, place, keys, posted)
    upsert(session, IssuePlaceKey.__table__, key_rows, ["place_key", "issue_id"])
    upsert(session, IssuePlacePiece.__table__, piece_rows, ["piece", "place_key"])
    upsert(session, IssuePosting.__table__, posting_rows, ["place_key", "term", "issue_id"])


@functools.lru_cache(maxsize=64)
def postings_of_term(limit: int) -> Select[Any]:
    """The issues posted under the term ``term`` with the place key ``key`` (bound parameters), the newest
    ``limit`` (built once per ``limit``)."""
    c = IssuePosting.__table__.c
    where = (c.place_key == bindparam("key"), c.term == bindparam("term"))
    return select(c.term, c.issue_id).where(*where).order_by(c.issue_id.desc()).limit(limit)


@functools.lru_cache(maxsize=64)
def block_of_key(limit: int) -> Select[Any]:
    """At most ``limit`` of the issues filed under the place key ``key`` (a bound parameter; built once per
    ``limit``)."""
    return select(IssuePlaceKey.issue_id).where(IssuePlaceKey.place_key == bindparam("key")).limit(limit)


@functools.lru_cache(maxsize=64)
def postings_of_terms(n: int, limit: int) -> CompoundSelect:
    """The issues posted under the terms ``t0``… ``t{n-1}`` with the place key ``key`` (bound parameters),
    the newest ``limit`` of each: the per-term look-ups in one statement (built once per ``n``)."""
    c = IssuePosting.__table__.c
    parts = []
    for i in range(n):
        one = select(c.term, c.issue_id).where(c.place_key == bindparam("key"), c.term == bindparam(f"t{i}"))
        parts.append(select(*one.order_by(c.issue_id.desc()).limit(limit).subquery().c))
    return union_all(*parts)


def stored_keys_of(session: Session, names: Iterable[str]) -> dict[str, set[str]]:
    """The stored place keys that contain each of ``names`` or that it contains (two characters or more),
    for many names in a few statements (a piece look-up, and the keys among the names' pieces)."""
    out: dict[str, set[str]] = {n: set() for n in names if n}
    for chunk in chunks(sorted(out)):
        stmt = select(IssuePlacePiece.piece, IssuePlacePiece.place_key).where(IssuePlacePiece.piece.in_(chunk))
        for piece, key in session.execute(stmt):
            out[piece].add(key)
    subs = {n: pieces(n, 2, len(n)) for n in out}
    stored: set[str] = set()
    for chunk in chunks(sorted(set().union(*subs.values()))):
        stmt2 = select(IssuePlaceKey.place_key).where(IssuePlaceKey.place_key.in_(chunk)).distinct()
        stored.update(session.scalars(stmt2))
    for name, own in subs.items():
        out[name] |= own & stored
    return out


def term_frequencies(session: Session, terms: Sequence[str]) -> dict[str, int]:
    """The stored document frequencies of those of ``terms`` that are stored (a statement per 900)."""
    found: dict[str, int] = {}
    for chunk in chunks(terms):
        stmt = select(IssueTermDf.term, IssueTermDf.df).where(IssueTermDf.term.in_(chunk))
        found.update((term, df) for term, df in session.execute(stmt))
    return found


def all_term_frequencies(session: Session, most: int) -> dict[str, int] | None:
    """Every stored document frequency (the term ``""``: the number of documents), or None when more than
    ``most`` terms are stored."""
    if (session.scalar(select(func.count()).select_from(IssueTermDf)) or 0) > most:
        return None
    return {term: df for term, df in session.execute(select(IssueTermDf.term, IssueTermDf.df))}
