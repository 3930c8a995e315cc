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
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
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
    IssuePosting,
    IssueVocabulary,
)
from massline.services.deployment import site_language
from massline.services.issues.memory import IndexMemory, PendingRows, bump_generation
from massline.services.issues.places import Frequencies, StoredAliases, StoredVocabulary
from massline.services.issues.rows import (
    GLOBAL,
    WHOLE_DF,
    all_term_frequencies,
    block_of_key,
    chunks,
    cluster_rows,
    index_rows,
    pieces,
    postings_of_term,
    postings_of_terms,
    stored_keys_of,
    term_frequencies,
    write_index_rows,
)

if TYPE_CHECKING:
    from massline.services.issues.ahead import Prepared

#: Parameters of incremental assignment (dedup through the pipeline's duplicates step instead of in memory).
PARAMS = ConcentrateParams(dedup=False)
NEW = -1  # cluster id of a new issue until it is stored

_segmenter: Segmenter | None = None
_segmenter_lock = threading.Lock()


def segmenter() -> Segmenter:
    """The process's segmenter for issue discovery (built once: loading the dictionary takes ~1 s)."""
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            _segmenter = Segmenter()
        return _segmenter


def drop_index_rows(session: Session, issue_ids: Sequence[int], *, keep_cluster: bool = False) -> None:
    """Remove the clustering state of these issues (merged away, or rebuilt); ``keep_cluster`` keeps the row."""
    bump_generation(session)
    for chunk in chunks(list(issue_ids)):
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


def load_cluster(row: Any) -> Cluster:
    """An ``analysis`` cluster from its stored row (an ``IssueCluster``, or a row with its columns)."""
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

    ``language``: the deployment's place grammar (default: its configured one, ``deployment.site_language``);
    ``vocabulary``, ``memory``: what the pipeline keeps between batches, and ``generation`` the token it read.
    """

    def __init__(
        self,
        session: Session,
        params: ConcentrateParams = PARAMS,
        language: Language | None = None,
        *,
        vocabulary: StoredVocabulary | None = None,
        memory: IndexMemory | None = None,
        generation: str = "",
    ) -> None:
        super().__init__(params, segmenter(), language if language is not None else site_language(session))
        self.session = session
        self.aliases = StoredAliases(session)
        #: the look-ups kept between batches, and the rows written at the batch's end (``save_counts``)
        self.memory, self.pending = memory, PendingRows() if memory is not None else None
        self.generation = generation  #: the generation token read when ``memory`` was checked
        self.touched: set[int] = set()  #: clusters changed in memory
        self.written: dict[int, dict[str, Any]] = {}  #: cluster rows written by ``save_counts``
        if memory is not None:
            self.clusters = memory.clusters
            self.aliases.share(memory)
        self.loaded_candidates = 0
        self._before: dict[int, tuple[set[str], set[str]]] = {}
        self._df_loaded: set[str] | None = set()  #: the terms read (None: every stored one)
        self.pending_df: Counter[str] = Counter()  #: document counts added and not yet written (save_counts)
        self._complete_vocabulary = vocabulary is not None
        #: features of the messages assigned or described through this index (or its vocabulary's holder)
        self.known: dict[Hashable, DocFeatures] = {}
        #: the pure part of messages' features computed ahead (``ahead.prepare_features``), used once
        self.prepared: dict[Hashable, Prepared] = {}
        self._max_known = StoredVocabulary.MAX_FEATURES
        if vocabulary is not None:
            self.vocabulary = vocabulary.current(session, generation)
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
        found = pieces(normalize(title), 3, 10) | pieces(normalize(body[: self.params.body_chars])[:300], 3, 10)
        vocabulary = self.vocabulary
        for chunk in chunks(vocabulary.unknown(found)):
            rows = self.session.execute(
                select(IssueVocabulary.place_key, IssueVocabulary.kind).where(IssueVocabulary.place_key.in_(chunk))
            )
            for key, kind in rows:
                vocabulary.remember(key, kind)

    def load_df(self, terms: Collection[str]) -> None:
        """Document frequencies of ``terms`` and the number of documents, each read once per index.

        Later changes are the index's own (``count_document``, written back by
        :func:`save_assignment` in the same transaction), so what was read stays current. An index with a memory
        (a pipeline's batch) that has read nothing reads the whole table at once if it holds at most ``WHOLE_DF``
        terms: then no term is looked up while the frequencies are kept."""
        loaded = self._df_loaded
        if loaded is None or ("" in loaded and loaded.issuperset(terms)):  # (all read: a description's, mostly)
            return
        found = all_term_frequencies(self.session, WHOLE_DF) if not loaded and self.memory is not None else None
        if found is not None:
            self._df_loaded = None  # (every stored term)
        else:
            wanted = sorted(({t[:50] for t in terms} | {""}) - loaded)
            found = term_frequencies(self.session, wanted)
            loaded.update(wanted)
        n_docs = found.pop("", None)
        self.restore_frequencies(found, n_docs)

    def load_clusters(self, ids: Iterable[int]) -> None:
        """Stored clusters of these issues, into ``self.clusters``."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self.clusters]
        table = IssueCluster.__table__
        for chunk in chunks(wanted):
            for row in self.session.execute(select(table).where(table.c.issue_id.in_(chunk))):
                self.restore_cluster(load_cluster(row), searchable=False)

    def compatible_places(self, place: str) -> set[str]:
        """Stored place keys compatible with ``place`` (two indexed lookups, unless kept: ``load_places``)."""
        if not place:
            return set()
        if self.memory is not None and place in self.memory.places:
            return self.memory.places[place]
        return self._compatible(place, stored_keys_of(self.session, [place])[place])

    def load_places(self, names: Iterable[str]) -> None:
        """The stored keys compatible with each of ``names`` (e.g. the places of a batch's messages), read
        at once into the memory (kept current by the batch's own new keys: ``IndexMemory.add_key``)."""
        if self.memory is not None:
            wanted = [n for n in names if n not in self.memory.places]
            for name, found in stored_keys_of(self.session, wanted).items():
                self._compatible(name, found)

    def _compatible(self, place: str, found: set[str]) -> set[str]:
        """The keys compatible with ``place`` among ``found`` (stored ones) and the batch's unwritten ones."""
        if self.pending is not None:  # (keys of this batch, not written yet)
            subs = pieces(place, 2, len(place))
            found.update(k for k in self.pending.block_of if (len(place) > 1 and place in k) or k in subs)
        found = {k for k in found if compatible(k, place)}
        if self.memory is not None:
            self.memory.remember_places(place, found)
        return found

    def candidates(self, place: str, vector: dict[str, float]) -> list[int]:
        """Issues a message with this place and vector may join (as ``IssueIndex.candidates``), loaded."""
        p = self.params
        terms = [t[:50] for t in list(vector)[: p.candidate_terms]]
        found: dict[int, None] = {}
        keys: set[str] = set()
        for name in (place, *sorted(self.aliases.of(place))) if place else ():
            keys |= self.compatible_places(name)
        for key in sorted(keys):
            block = self._block(key)
            if len(block) <= p.max_scan:
                found.update(dict.fromkeys(block))
                continue
            self._read_posted(key, terms)
            for t in terms:
                found.update(dict.fromkeys(self._posted(key, t)))
        if not place:
            self._read_posted(GLOBAL, terms)
            for t in terms:
                found.update(dict.fromkeys(self._posted(GLOBAL, t)))
        self.load_clusters(found)
        ids = [c for c in found if c in self.clusters]
        self.loaded_candidates = len(ids)
        return ids

    def _block(self, key: str) -> list[int]:
        """The issues filed under a place key (at most ``max_scan + 1``: more means "too many to scan")."""
        memory, cap = self.memory, self.params.max_scan + 1
        if memory is not None and key in memory.blocks:
            return memory.blocks[key]
        block = list(self.session.scalars(block_of_key(cap), {"key": key}))
        if self.pending is not None and memory is not None:
            block += [i for i in self.pending.block_of.get(key, ()) if i not in block]
            memory.blocks[key] = block = block[:cap]
        return block

    def _posted(self, key: str, term: str) -> list[int]:
        """The issues posted under ``term`` with the place key ``key`` (the newest ``max_scan``)."""
        memory = self.memory
        if memory is not None and (key, term) in memory.posted:
            return memory.posted[key, term]
        stmt = postings_of_term(self.params.max_scan)
        ids = [issue_id for _, issue_id in self.session.execute(stmt, {"key": key, "term": term})]
        return self._keep_posted(key, term, ids)

    def _keep_posted(self, key: str, term: str, ids: list[int]) -> list[int]:
        """``ids`` as read (newest first), with the batch's pending postings, kept in the memory."""
        if self.pending is not None and self.memory is not None:
            ids = sorted(set(ids) | set(self.pending.posted_of.get((key, term), ())), reverse=True)
            self.memory.posted[key, term] = ids = ids[: self.params.max_scan]
        return ids

    def _read_posted(self, key: str, terms: Sequence[str]) -> None:
        """The postings of ``key`` under each of ``terms`` not kept yet, read with one statement (the
        same rows as :meth:`_posted` reads term by term) into the memory."""
        memory = self.memory
        missing = [] if memory is None else [t for t in dict.fromkeys(terms) if (key, t) not in memory.posted]
        if len(missing) < 2:
            return  # (nothing kept between batches, or one term: read by _posted)
        stmt = postings_of_terms(len(missing), self.params.max_scan)
        found: dict[str, list[int]] = {t: [] for t in missing}
        for term, issue_id in self.session.execute(stmt, {"key": key, **{f"t{i}": t for i, t in enumerate(missing)}}):
            found[term].append(issue_id)
        for t in missing:
            self._keep_posted(key, t, sorted(found[t], reverse=True))

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
        ahead = self.prepared.pop(doc.key, None)
        if ahead is None:
            features = self.features(doc, learn=learn)
        else:
            features = self.features(doc, learn=learn, normalized=ahead.normalized, found=ahead.found,
                                     weighed=ahead.weighed)  # fmt: skip
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
        self.touched.add(cluster.id)
        super().join(cluster, key, features)

    def defer(self, cluster: Cluster, new: bool, keys: set[str], posted: set[str]) -> None:
        """Note an assignment's rows for ``save_counts`` and show them to the look-ups meanwhile."""
        pending, memory, cap = self.pending, self.memory, self.params.max_scan
        assert pending is not None and memory is not None
        pending.clusters[cluster.id] = new or pending.clusters.get(cluster.id, False)
        key_rows, piece_rows, posting_rows = index_rows(cluster.id, cluster.place, keys, posted)
        pending.keys += key_rows
        pending.pieces += piece_rows
        pending.postings += posting_rows
        for r in key_rows:
            pending.block_of.setdefault(r["place_key"], []).append(cluster.id)
            memory.add_key(r["place_key"], cluster.id, cap)
        for r in posting_rows:
            pending.posted_of.setdefault((r["place_key"], r["term"]), []).append(cluster.id)
            memory.add_posting(r["place_key"], r["term"], cluster.id, cap)

    def learnt_vocabulary(self) -> list[dict[str, Any]]:
        """Vocabulary rows for the places learnt since the last call (names seen with a suffix)."""
        return [{"place_key": k, "kind": kind, "count": n} for k, kind, n in self.vocabulary.take_learnt()]
