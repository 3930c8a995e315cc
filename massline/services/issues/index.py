"""The issue index in the database: incremental assignment with indexed lookups.

:class:`StoredIssueIndex` is an ``analysis.issues.IssueIndex`` whose state is
read from the database on demand: the place vocabulary (substrings of the
title and body start looked up in ``issue_vocabulary``, or the whole of it kept
in memory: ``places.StoredVocabulary``), document frequencies
(``issue_term_df``, each term once per index), candidate clusters (compatible
place keys in ``issue_place_keys``/``issue_place_pieces``, all issues of a
small block, else those posted under the top terms in ``issue_postings``). One
assignment costs a bounded number of indexed queries whatever the number of
stored messages; an index kept for a batch reads each thing once.
:func:`save_assignment` writes back what changed, :func:`save_counts` the
frequencies and vocabulary. Only the public persistence methods of
``IssueIndex`` are used (see its class doc); a new issue is ``NEW`` until stored.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from massline.analysis.issues import (
    Cluster,
    ConcentrateParams,
    DocFeatures,
    IssueDoc,
    IssueIndex,
    prefer_alias_target,
)
from massline.analysis.places import Language, compatible
from massline.analysis.text import Segmenter, normalize
from massline.models import (
    IssueCluster,
    IssuePlaceKey,
    IssuePlacePiece,
    IssuePosting,
    IssueTermDf,
    IssueVocabulary,
)
from massline.services.deployment import site_language
from massline.services.issues.places import Frequencies, StoredAliases, StoredVocabulary

#: Parameters of incremental assignment (dedup through the pipeline's duplicates step instead of in memory).
PARAMS = ConcentrateParams(dedup=False)
MAX_CENTROID_TERMS = 300  # stored centroids keep their heaviest terms (bounded rows)
GLOBAL = "*"
NEW = -1  # cluster id of a new issue until it is stored
_CHUNK = 900

_segmenter: Segmenter | None = None
_segmenter_lock = threading.Lock()


def segmenter() -> Segmenter:
    """The process's segmenter for issue discovery (built once: loading the dictionary takes ~1 s)."""
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            _segmenter = Segmenter()
        return _segmenter


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _pieces(text: str, lo: int, hi: int) -> set[str]:
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
    for chunk in _chunks(rows):
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
    piece_rows = [{"piece": p, "place_key": k} for k in keys if k for p in _pieces(k, 2, len(k))]
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


def drop_index_rows(session: Session, issue_ids: Sequence[int], *, keep_cluster: bool = False) -> None:
    """Remove the clustering state of these issues (merged away, or rebuilt); ``keep_cluster`` keeps the row."""
    for chunk in _chunks(list(issue_ids)):
        session.execute(delete(IssuePosting).where(IssuePosting.issue_id.in_(chunk)))
        session.execute(delete(IssuePlaceKey).where(IssuePlaceKey.issue_id.in_(chunk)))
        if not keep_cluster:
            session.execute(
                delete(IssueCluster)
                .where(IssueCluster.issue_id.in_(chunk))
                .execution_options(synchronize_session=False)
            )


def store_cluster(session: Session, issue_id: int, cluster: Cluster) -> None:
    """Replace an issue's clustering state (cluster row and index rows) by ``cluster``'s."""
    drop_index_rows(session, [issue_id], keep_cluster=True)
    values = cluster_rows(issue_id, cluster)
    row = session.get(IssueCluster, issue_id)
    if row is None:
        session.add(IssueCluster(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    write_index_rows(session, issue_id, cluster.place, cluster.keys, cluster.posted)


def load_cluster(row: IssueCluster) -> Cluster:
    """An ``analysis`` cluster from its stored row."""
    return Cluster(
        row.issue_id,
        row.place_key,
        centroid=dict(row.centroid or {}),
        norm2=float(row.norm2 or 0.0),
        place_names=Counter(row.place_names or {}),
        regions=Counter(row.regions or {}),
        posted=set(row.posted or ()),
        keys=set(row.keys or ()),
    )


@dataclass
class Assignment:
    """Where one message went: the issue (``NEW`` before it is stored), and why."""

    cluster: Cluster
    features: DocFeatures
    similarity: float | None
    candidates: int
    reason: str
    before_keys: set[str] = field(default_factory=set)
    before_posted: set[str] = field(default_factory=set)


class StoredIssueIndex(IssueIndex):
    """An ``IssueIndex`` that reads its state from the database, for one message at a time.

    ``language``: the deployment's place grammar (default: its configured one, ``deployment.site_language``).
    """

    def __init__(
        self,
        session: Session,
        params: ConcentrateParams = PARAMS,
        language: Language | None = None,
        *,
        vocabulary: StoredVocabulary | None = None,
    ) -> None:
        super().__init__(params, segmenter(), language if language is not None else site_language(session))
        self.session = session
        self.aliases = StoredAliases(session)
        self.loaded_candidates = 0
        self._before: dict[int, tuple[set[str], set[str]]] = {}
        self._df_loaded: set[str] = set()
        self.pending_df: Counter[str] = Counter()  #: document counts added and not yet written (save_counts)
        self._complete_vocabulary = vocabulary is not None
        #: features of the messages assigned or described through this index (or its vocabulary's holder)
        self.known: dict[Hashable, DocFeatures] = {}
        self._max_known = StoredVocabulary.MAX_FEATURES
        if vocabulary is not None:
            self.vocabulary = vocabulary.current(session)
            self.known = vocabulary.features
            kept = vocabulary.frequencies(session)  # what the previous batch read and counted, still current
            if kept is not None:
                self.df, self._df_loaded, self.n_docs = kept

    def frequencies(self) -> Frequencies:
        """The document frequencies read and counted so far (kept by ``StoredVocabulary.saved``)."""
        return self.df, self._df_loaded, self.n_docs

    # -- state loaded on demand ----------------------------------------------------------
    def load_vocabulary(self, title: str, body: str) -> None:
        """Known place keys occurring in the (normalised) title and start of body (nothing to do when the
        whole vocabulary was given)."""
        if self._complete_vocabulary:
            return
        pieces = _pieces(normalize(title), 3, 10) | _pieces(normalize(body[: self.params.body_chars])[:300], 3, 10)
        vocabulary = self.vocabulary
        for chunk in _chunks(vocabulary.unknown(pieces)):
            rows = self.session.execute(
                select(IssueVocabulary.place_key, IssueVocabulary.kind).where(IssueVocabulary.place_key.in_(chunk))
            )
            for key, kind in rows:
                vocabulary.remember(key, kind)

    def load_df(self, terms: Iterable[str]) -> None:
        """Document frequencies of ``terms`` and the number of documents, each read once per index.

        Later changes are the index's own (``count_document``, written back by
        :func:`save_assignment` in the same transaction), so what was read stays current.
        """
        wanted = sorted(({t[:50] for t in terms} | {""}) - self._df_loaded)
        if not wanted:
            return
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            stmt = select(IssueTermDf.term, IssueTermDf.df).where(IssueTermDf.term.in_(chunk))
            found.update((term, df) for term, df in self.session.execute(stmt))
        self._df_loaded.update(wanted)
        n_docs = found.pop("", None)
        self.restore_frequencies(found, n_docs)

    def load_clusters(self, ids: Iterable[int]) -> None:
        """Stored clusters of these issues, into ``self.clusters``."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self.clusters]
        for chunk in _chunks(wanted):
            for row in self.session.scalars(select(IssueCluster).where(IssueCluster.issue_id.in_(chunk))):
                self.restore_cluster(load_cluster(row), searchable=False)

    def compatible_places(self, place: str) -> set[str]:
        """Stored place keys compatible with ``place`` (two indexed lookups)."""
        if not place:
            return set()
        found = set(self.session.scalars(select(IssuePlacePiece.place_key).where(IssuePlacePiece.piece == place)))
        subs = sorted(_pieces(place, 2, len(place)))
        for chunk in _chunks(subs):
            found.update(
                self.session.scalars(
                    select(IssuePlaceKey.place_key).where(IssuePlaceKey.place_key.in_(chunk)).distinct()
                )
            )
        return {k for k in found if compatible(k, place)}

    def candidates(self, place: str, vector: dict[str, float]) -> list[int]:
        """Issues a message with this place and vector may join (as ``IssueIndex.candidates``), loaded."""
        p = self.params
        terms = [t[:50] for t in list(vector)[: p.candidate_terms]]
        found: dict[int, None] = {}
        s = self.session
        keys: set[str] = set()
        for name in (place, *sorted(self.aliases.of(place))) if place else ():
            keys |= self.compatible_places(name)
        for key in sorted(keys):
            block = list(
                s.scalars(select(IssuePlaceKey.issue_id).where(IssuePlaceKey.place_key == key).limit(p.max_scan + 1))
            )
            if len(block) <= p.max_scan:
                found.update(dict.fromkeys(block))
                continue
            for t in terms:
                found.update(dict.fromkeys(self._posted(key, t)))
        if not place:
            for t in terms:
                found.update(dict.fromkeys(self._posted(GLOBAL, t)))
        self.load_clusters(found)
        ids = [c for c in found if c in self.clusters]
        self.loaded_candidates = len(ids)
        return ids

    def _posted(self, key: str, term: str) -> list[int]:
        stmt = (
            select(IssuePosting.issue_id)
            .where(IssuePosting.place_key == key, IssuePosting.term == term)
            .order_by(IssuePosting.issue_id.desc())
            .limit(self.params.max_scan)
        )
        return list(self.session.scalars(stmt))

    # -- one message ----------------------------------------------------------------------
    def doc_features(self, doc: IssueDoc, learn: bool = True) -> DocFeatures:
        """Features of ``doc`` with the vocabulary and document frequencies it needs loaded.

        A message assigned through this index is not analysed twice: its features are kept.
        """
        if doc.key in self.known:
            features = self.known[doc.key]
            self.load_df(features.counts)
            return features
        self.load_vocabulary(doc.title, doc.body)
        features = self.features(doc, learn=learn)
        prefer_alias_target(features, self.aliases)
        self.load_df(features.counts)
        if len(self.known) >= self._max_known:
            del self.known[next(iter(self.known))]  # the oldest
        self.known[doc.key] = features
        return features

    def assign(self, doc: IssueDoc, duplicate_of_issue: int | None = None, same_source: bool = False) -> Assignment:
        """Assign ``doc`` to a stored issue or a new cluster (id ``NEW``); nothing is written yet.

        ``duplicate_of_issue``: the issue of an earlier near-duplicate (from the
        pipeline's duplicates step); a repost joins it unless it names another place — or
        whatever place it names when ``same_source`` (the same text, or the same author's).
        """
        features = self.doc_features(doc)
        place = features.place.key if features.place else ""
        if duplicate_of_issue is not None:
            self.load_clusters([duplicate_of_issue])
            cluster = self.clusters.get(duplicate_of_issue)
            if cluster is not None and (same_source or not place or not cluster.place or cluster.fits(place)):
                self._before = {}
                self.add_to(cluster.id, doc, features)
                keys, posted = self._before[cluster.id]
                return Assignment(cluster, features, None, 1, "duplicate", keys, posted)
        self._before = {}
        cid = self.add(doc, features)
        cluster = self.clusters[cid]
        similarity = None if cid == NEW else round(cluster.cosine(features.vector), 4)
        keys, posted = self._before.get(cid, (set(), set()))
        if cid == NEW:  # a new cluster: all its keys are new
            keys = set()
        reason = "new" if cid == NEW else "similar"
        return Assignment(cluster, features, similarity, self.loaded_candidates, reason, keys, posted)

    def next_cluster_id(self) -> int:
        """A new issue is ``NEW`` until it is stored (one per assignment)."""
        return NEW

    def join(self, cluster: Cluster, key: Hashable, features: DocFeatures) -> None:
        """``IssueIndex.join``, recording the cluster's keys and posted terms before its first change."""
        self._before.setdefault(cluster.id, (set(cluster.keys), set(cluster.posted)))
        super().join(cluster, key, features)

    def learnt_vocabulary(self) -> list[dict[str, Any]]:
        """Vocabulary rows for the places learnt since the last call (names seen with a suffix)."""
        return [{"place_key": k, "kind": kind, "count": n} for k, kind, n in self.vocabulary.take_learnt()]


def save_assignment(
    session: Session, index: StoredIssueIndex, issue_id: int, a: Assignment, *, counts_later: bool = False
) -> None:
    """Write back what one assignment changed: the cluster row, new index rows, frequencies, vocabulary.

    ``counts_later``: leave the frequencies and vocabulary to :func:`save_counts` (once per batch;
    only the index's own look-ups need them meanwhile, and it counts them in memory).
    """
    cluster = a.cluster
    if cluster.id == NEW:  # the index keeps using it under its stored id
        index.clusters.pop(NEW, None)
        index.clusters[issue_id] = cluster
    cluster.id = issue_id
    row = cluster_rows(issue_id, cluster)
    if a.reason == "new":  # one statement each (found at once by later look-ups of the transaction)
        session.execute(insert(IssueCluster).values(**row))
    else:
        session.execute(update(IssueCluster).where(IssueCluster.issue_id == issue_id).values(**row))
    new_keys = cluster.keys - a.before_keys
    new_posted = cluster.posted - a.before_posted
    write_index_rows(session, issue_id, cluster.place, new_keys, new_posted)
    index.pending_df.update({t[:50] for t in a.features.counts} | {""})
    if not counts_later:
        save_counts(session, index)


def save_counts(session: Session, index: StoredIssueIndex) -> None:
    """Write the document frequencies and place vocabulary that ``index``'s assignments added since the
    last call (one statement each; the index itself already counts them)."""
    df_rows = [{"term": t, "df": n} for t, n in sorted(index.pending_df.items())]
    index.pending_df.clear()
    upsert(session, IssueTermDf.__table__, df_rows, ["term"], add="df")
    upsert(session, IssueVocabulary.__table__, index.learnt_vocabulary(), ["place_key"], add="count")
