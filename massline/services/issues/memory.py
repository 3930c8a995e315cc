"""The issue index kept in the pipeline's memory between batches, behind a generation token.

What the stored issue index looks up for one message — the place keys compatible with its place
(``issue_place_pieces``/``issue_place_keys``), the issues under a place key, the issues posted under
a term (``issue_postings``), the clusters of the candidates (``issue_clusters``) and the place
aliases — is read once and kept in an :class:`IndexMemory` (one per database per process) instead
of being queried again for every message of every batch.

**Never trusted when stale.** Every writer of the index tables bumps a generation token (a random
value in the ``issue_index_generation`` site setting: :func:`bump_generation`; ``store_cluster``,
``drop_index_rows``, ``save_assignment`` outside the pipeline, the rebuild). A batch reads the token
first (:meth:`IndexMemory.check`): any other token than the one this process last wrote empties
the memory, which then reloads what it needs. The pipeline's own writes are deferred to the end of
its batch (:class:`PendingRows`, written with a few bulk statements) and applied to the memory at
the same time, so memory and database agree; the batch replaces the token only if it is still the
one it read (compare-and-set: a concurrent writer on PostgreSQL empties the memory instead), and a
rolled-back batch leaves the old token in the database, which the memory no longer holds.
"""

from __future__ import annotations

import bisect
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from massline.analysis.issues import Cluster
from massline.analysis.places import compatible
from massline.models import SiteSetting
from massline.services.issues.rows import pieces

GENERATION = "issue_index_generation"
_SETTINGS: Any = SiteSetting.__table__  # (Core statements: their row count is the database's)


def read_generation(session: Session) -> str:
    """The current generation token of the stored issue index ("" before the first write)."""
    return session.scalar(select(SiteSetting.value).where(SiteSetting.key == GENERATION)) or ""


def bump_generation(session: Session) -> str:
    """A new generation token (in ``session``'s transaction): whatever memory holds the old one reloads."""
    token = secrets.token_hex(8)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(_SETTINGS).values(key=GENERATION, value=token)
    session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": token}))
    return token


def _replace_generation(session: Session, expected: str) -> str | None:
    """Replace the token ``expected`` by a new one; None (and a new token anyway) if another writer
    replaced it since it was read."""
    token = secrets.token_hex(8)
    if expected:
        col = _SETTINGS.c
        stmt = update(_SETTINGS).where(col.key == GENERATION, col.value == expected)
        done = session.execute(stmt.values(value=token).returning(col.key)).first()
    else:  # the first writer (no token yet)
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        first = insert(_SETTINGS).values(key=GENERATION, value=token).on_conflict_do_nothing()
        done = session.execute(first.returning(_SETTINGS.c.key)).first()
    if done is not None:
        return token
    bump_generation(session)
    return None


@dataclass
class PendingRows:
    """What a batch's assignments changed in the index, written once at the batch's end."""

    clusters: dict[int, bool] = field(default_factory=dict)  #: issue id -> its cluster is new
    keys: list[dict[str, Any]] = field(default_factory=list)
    pieces: list[dict[str, Any]] = field(default_factory=list)
    postings: list[dict[str, Any]] = field(default_factory=list)
    #: the same rows as look-ups see them until written
    block_of: dict[str, list[int]] = field(default_factory=dict)
    posted_of: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.clusters or self.keys or self.postings)


class IndexMemory:
    """The look-ups of the stored issue index of one database, kept between batches (see the module doc).

    ``places`` maps a place name to the stored keys compatible with it, ``blocks`` a place key to the
    issues filed under it (at most ``max_scan + 1``), ``posted`` a (place key, term) to the issues
    posted under it (newest ``max_scan``); ``clusters`` holds the candidates' clusters as stored.
    """

    MAX_ENTRIES = 400_000  #: emptied beyond this many kept look-ups

    def __init__(self) -> None:
        self.generation: str | None = None
        self.user: int | None = None  #: the thread whose batch uses it (until :meth:`saved`)
        self.clear()

    def clear(self) -> None:
        """Forget everything (reloaded on demand)."""
        self.clusters: dict[int, Cluster] = {}
        self.places: dict[str, set[str]] = {}
        self._containing: dict[str, set[str]] = {}  # a substring of a kept place name -> those names
        self.blocks: dict[str, list[int]] = {}
        self.posted: dict[tuple[str, str], list[int]] = {}
        self.alias_of: dict[str, set[str]] = {}
        self.alias_named: dict[str, set[str]] = {}
        self.aliases_read = False  #: the whole alias table is in ``alias_of``/``alias_named``

    def check(self, session: Session) -> str:
        """Read the generation token; empty the memory unless it is the one this memory holds.

        From now until :meth:`saved` the memory is in use: a batch that fails before it has
        changed the memory and not the database, so the memory holds no token meanwhile.
        """
        token = read_generation(session)
        if token != self.generation or self._size() > self.MAX_ENTRIES:
            self.clear()
        self.generation = None
        return token

    def _size(self) -> int:
        return len(self.clusters) + len(self.places) + len(self.blocks) + len(self.posted) + len(self._containing)

    def remember_places(self, name: str, keys: set[str]) -> None:
        """The stored keys compatible with ``name`` (as read, plus the batch's pending ones)."""
        self.places[name] = keys
        for piece in pieces(name, 2, len(name)):
            self._containing.setdefault(piece, set()).add(name)

    def add_key(self, key: str, issue_id: int, max_scan: int) -> None:
        """A new place key row (``key`` files ``issue_id``): the kept look-ups that it changes."""
        for name in {p for p in pieces(key, 2, len(key)) if p in self.places} | self._containing.get(key, set()):
            if compatible(key, name):
                self.places[name].add(key)
        block = self.blocks.get(key)
        if block is not None and issue_id not in block and len(block) <= max_scan:
            block.append(issue_id)

    def add_posting(self, key: str, term: str, issue_id: int, max_scan: int) -> None:
        """A new posting row: kept in the (newest first) list of its key and term."""
        ids = self.posted.get((key, term))
        if ids is None or issue_id in ids:
            return
        at = bisect.bisect_left([-i for i in ids], -issue_id)
        ids.insert(at, issue_id)
        del ids[max_scan:]

    def saved(self, session: Session, token: str, clusters: Iterable[Cluster]) -> None:
        """The batch (that read generation ``token``) wrote what it changed: keep the ``clusters`` as
        written and a new token, or forget everything when another writer came between."""
        new = _replace_generation(session, token)
        if new is None:
            self.clear()
        else:
            for cluster in clusters:
                self.clusters[cluster.id] = cluster
        self.generation, self.user = new, None


_memories: dict[str, IndexMemory] = {}
_memories_lock = threading.Lock()


def index_memory(session: Session) -> IndexMemory:
    """The process's :class:`IndexMemory` of ``session``'s database (one per database URL), for the
    calling thread's batch; a private, empty one while another thread's batch uses it."""
    url = str(session.get_bind().engine.url)
    me = threading.get_ident()
    with _memories_lock:
        if url not in _memories:
            if len(_memories) >= 8:
                _memories.clear()
            _memories[url] = IndexMemory()
        memory = _memories[url]
        if memory.user is not None and memory.user != me:
            return IndexMemory()
        memory.user = me  # (the same thread again: its previous batch failed; check() empties it)
        return memory
