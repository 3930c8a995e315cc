"""What the issue index knows of places, kept in the database: the place vocabulary (the whole of
it in memory per process, :class:`StoredVocabulary`) and the aliases learnt by the batch rebuild
(:class:`StoredAliases`, read key by key)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.issues import DocFeatures, PlaceAliases, PlaceVocabulary
from massline.models import IssuePlaceAlias, IssueTermDf, IssueVocabulary

if TYPE_CHECKING:
    from massline.services.issues.memory import IndexMemory

#: Document frequencies as kept between batches: the counts, the terms read (None: every stored term), the number
#: of documents.
Frequencies = tuple[Counter[str], set[str] | None, int]


class StoredAliases(PlaceAliases):
    """Place aliases read from ``issue_place_aliases`` (written by the batch rebuild), key by key."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._of: dict[str, set[str]] = {}
        self._names: dict[str, set[str]] = {}
        self._memory: IndexMemory | None = None

    def share(self, memory: IndexMemory) -> None:
        """Keep what is read in ``memory`` (kept between batches): the whole table, read at the first look-up
        (it is written only by the rebuild, which replaces the generation token: the memory is emptied)."""
        self._memory = memory
        self._of, self._names = memory.alias_of, memory.alias_named

    def _read_all(self) -> bool:
        """With a memory: every alias read into it once (True), else False (read key by key)."""
        memory = self._memory
        if memory is None:
            return False
        if not memory.aliases_read:
            for alias, place in self.session.execute(select(IssuePlaceAlias.alias_key, IssuePlaceAlias.place_key)):
                memory.alias_of.setdefault(alias, set()).add(place)
                memory.alias_named.setdefault(place, set()).add(alias)
            memory.aliases_read = True
        return True

    def of(self, key: str) -> set[str]:
        """The places ``key`` is another name of."""
        if self._read_all():
            return self._of.get(key, set())
        if key not in self._of:
            self._of[key] = set(
                self.session.scalars(select(IssuePlaceAlias.place_key).where(IssuePlaceAlias.alias_key == key))
            )
        return self._of[key]

    def named(self, key: str) -> set[str]:
        """The other names of ``key``."""
        if self._read_all():
            return self._names.get(key, set())
        if key not in self._names:
            self._names[key] = set(
                self.session.scalars(select(IssuePlaceAlias.alias_key).where(IssuePlaceAlias.place_key == key))
            )
        return self._names[key]


def alias_rows(aliases: PlaceAliases) -> list[dict[str, str]]:
    """Rows of ``issue_place_aliases`` for the aliases learnt by a batch."""
    return [{"alias_key": alias[:100], "place_key": place[:100]} for alias, place in aliases.pairs_of()]


def _df_print(session: Session) -> int | None:
    # the number of documents counted: every assignment's write adds one (one indexed row, not a scan)
    return session.scalar(select(IssueTermDf.df).where(IssueTermDf.term == ""))


def _vocabulary_print(session: Session) -> tuple[int, int]:
    rows, total = session.execute(
        select(func.count(), func.coalesce(func.sum(IssueVocabulary.count), 0)).select_from(IssueVocabulary)
    ).one()
    return int(rows), int(total)


class StoredVocabulary:
    """The whole place vocabulary of one database in memory, for whoever assigns many messages (the pipeline).

    Looking the vocabulary up piece by piece costs a few queries of hundreds of
    parameters per message; this holds all of it (a few tens of thousands of
    short keys) instead. :meth:`current` reloads it when the table changed
    behind its holder's back, or when the holder used it and did not say it
    saved (a rolled-back batch). Whether the table changed: when the holder
    gives the issue index's generation token (``memory.py``: every writer of the
    index tables, the vocabulary's included, replaces it) and it is the one
    :meth:`saved` was told after the holder's own last write, it did not —
    nothing is read; else its fingerprint (rows, sum of counts: the whole
    table counted) is compared with the one recorded then.
    The document frequencies a batch read and counted are kept the same way
    (:meth:`frequencies`), so that the next batch does not read them again.
    """

    #: features of recently assigned or described messages kept (descriptions of growing issues reuse them)
    MAX_FEATURES = 20_000
    #: terms whose document frequencies are kept between batches, at most
    MAX_TERMS = 500_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vocabulary = PlaceVocabulary()
        self._print: tuple[int, int] | None = None
        self._generation = ""  #: the index's generation token after the holder's last write ("": unknown)
        self.features: dict[Hashable, DocFeatures] = {}
        self._df: Frequencies | None = None
        self._df_print: int | None = None

    def current(self, session: Session, generation: str = "") -> PlaceVocabulary:
        """The vocabulary as stored in ``session``'s database (plus what its user learns until :meth:`saved`).

        ``generation``: the issue index's generation token, read in this transaction (see the class doc).
        """
        with self._lock:
            trusted = bool(generation) and generation == self._generation
        found = self._print if trusted else _vocabulary_print(session)
        with self._lock:
            if not trusted and found != self._print:
                vocabulary = PlaceVocabulary()
                for key, kind in session.execute(select(IssueVocabulary.place_key, IssueVocabulary.kind)):
                    vocabulary.remember(key, kind)
                self._vocabulary = vocabulary
                self.features = {}
                self._df = None  # (a rebuild rewrites both tables)
            # in use: reloaded next time unless saved() says the store caught up
            self._print, self._generation = None, ""
            return self._vocabulary

    def frequencies(self, session: Session) -> Frequencies | None:
        """The document frequencies the last batch that saved read and counted, when the table has not
        changed since (its fingerprint: the number of documents counted, which every other writer's
        assignment raises; a rebuild rewrites the vocabulary too, which drops them); else None."""
        found = _df_print(session)
        with self._lock:
            kept, self._df = self._df, None  # in use: gone unless saved() hands them back
            return kept if kept is not None and found == self._df_print else None

    def saved(self, session: Session, frequencies: Frequencies | None = None, generation: str | None = None) -> None:
        """The user wrote what it learnt (in ``session``'s transaction): the store and memory agree.

        ``frequencies``: the document frequencies the user read and counted (written too), kept for the next;
        ``generation``: the issue index's generation token the write left, when known (then nothing is
        counted; a batch that finds another token reads the vocabulary again), else its fingerprint is kept.
        """
        found = _vocabulary_print(session) if not generation else None
        df_print = _df_print(session) if frequencies is not None else None
        with self._lock:
            self._print, self._generation = found, generation or ""
            keep = frequencies is not None and len(frequencies[0]) <= self.MAX_TERMS
            self._df, self._df_print = (frequencies, df_print) if keep else (None, None)


_vocabularies: dict[str, StoredVocabulary] = {}
_vocabularies_lock = threading.Lock()


def stored_vocabulary(session: Session) -> StoredVocabulary:
    """The process's :class:`StoredVocabulary` of ``session``'s database (one per database URL)."""
    url = str(session.get_bind().engine.url)
    with _vocabularies_lock:
        if url not in _vocabularies:
            if len(_vocabularies) >= 8:
                _vocabularies.clear()
            _vocabularies[url] = StoredVocabulary()
        return _vocabularies[url]
