"""Batch issue discovery: :class:`IssueClusterer` (scikit-learn contract).

The batch learns what one message at a time cannot: the place vocabulary,
document frequencies and place aliases of the whole batch, before any
message is assigned.  Messages are then added to an :class:`IssueIndex` in
time order (the same rules as incremental use), and compatible clusters whose
centroids are ``merge_threshold``-similar are merged (this repairs order
effects: two early messages worded differently).  The fitted ``index_``
continues incrementally.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from massline.analysis.issues.assign import Cluster, ConcentrateParams, IssueIndex
from massline.analysis.issues.batch import map_chunks, processes
from massline.analysis.issues.features import DocFeatures, IssueDoc, normalized_texts, unit_vector
from massline.analysis.issues.vocab import PlaceAliases
from massline.analysis.places import Language, PlaceMention, extract_places
from massline.analysis.text import MinHasher, Segmenter

__all__ = ["IssueClusterer", "learn_aliases", "prefer_alias_target"]


def learn_aliases(features: Sequence[DocFeatures], min_count: int = 3, min_share: float = 0.3) -> PlaceAliases:
    """Place aliases from the places named together in the same messages.

    Only keys that some title names as its place count (a body names many
    things that are not places of the problem).
    """
    aliases = PlaceAliases(min_count=min_count, min_share=min_share)
    for f in features:
        aliases.observe(f.title_places, f.body_places)
    titled = {f.place.key for f in features if f.place is not None}
    return aliases.fit(titled)


class _BatchIndex(IssueIndex):
    """An :class:`IssueIndex` that, while the batch's document frequencies are frozen, computes each
    term's IDF factor once (the same value :meth:`IssueIndex.vectorize` computes for every message), and
    while the batch is added, finds the candidates' cosines through the centroids' terms (:meth:`cosines`)."""

    _idf: dict[str, float] | None = None
    _idf_n = 0
    #: while the batch is added (see fit): term -> {cluster id: the term's weight in its centroid}
    _weights: dict[str, dict[int, float]] | None = None

    def join(self, cluster: Cluster, key: Hashable, features: DocFeatures) -> None:
        """:meth:`IssueIndex.join`, keeping the centroids' terms current."""
        super().join(cluster, key, features)
        if self._weights is not None:
            weights, centroid, cid = self._weights, cluster.centroid, cluster.id
            for t in features.vector:
                of_term = weights.get(t)
                if of_term is None:
                    of_term = weights[t] = {}
                of_term[cid] = centroid[t]

    def merge(self, into: int, other: int) -> None:
        """:meth:`IssueIndex.merge` (the centroids' terms are no longer kept: the cosines are computed one
        by one again)."""
        self._weights = None
        super().merge(into, other)

    def cosines(self, cids: Sequence[int], vector: dict[str, float]) -> list[float]:
        """The values :meth:`Cluster.cosine` gives, found term by term: only the centroids that hold a term
        are read (most candidates share one or two of a message's 30 terms). Each sum adds the same products
        in the same order (the vector's), less the zeros, so the floats are the same."""
        weights = self._weights
        if weights is None:
            return super().cosines(cids, vector)
        wanted = set(cids)
        products: dict[int, list[float]] = {}
        for t, v in vector.items():
            of_term = weights.get(t)
            if not of_term:
                continue
            for cid in of_term.keys() & wanted:
                found = products.get(cid)
                if found is None:
                    products[cid] = [v * of_term[cid]]
                else:
                    found.append(v * of_term[cid])
        out = []
        for cid in cids:
            norm2 = self.clusters[cid].norm2
            found = products.get(cid)
            out.append(0.0 if norm2 <= 0 or not found else sum(found) / math.sqrt(norm2))
        return out

    def vectorize(self, features: DocFeatures) -> dict[str, float]:
        """TF-IDF unit vector of ``features`` (see :meth:`IssueIndex.vectorize`)."""
        if not self.frozen_df:
            self._idf = None  # the frequencies change again
            return super().vectorize(features)
        n = self.n_docs + 1
        if self._idf is None or self._idf_n != n:
            log = math.log
            self._idf, self._idf_n = {t: log(n / (1 + df)) + 1.0 for t, df in self.df.items()}, n
        idf = self._idf
        try:
            weights = {t: w * idf[t] for t, w in features.counts.items()}
        except KeyError:  # a term the frozen frequencies never counted
            return super().vectorize(features)
        return unit_vector(weights, self.params.max_terms)


class IssueClusterer:
    """Batch issue discovery (scikit-learn contract: ``fit(docs)`` sets ``labels_``).

    ``random_state`` seeds the MinHash permutations (the rest is deterministic).
    ``alias_min_count`` / ``alias_min_share``: see
    :class:`~massline.analysis.places.keys.PlaceAliases` (``alias_min_count=0``
    learns no aliases).  After ``fit``: ``labels_`` (int array, clusters
    numbered by first message in input order), ``index_`` (the
    :class:`IssueIndex`, ready for incremental ``add``), ``features_`` (one
    :class:`DocFeatures` per input message, with places and ``vector``; the raw
    term ``counts`` are released once the message is assigned).
    ``language``: the deployment's place grammar (default: general Chinese).
    ``jobs``: processes for the per-message work of a batch of 2,000 messages or more (places, problem
    terms, signatures; :func:`~massline.analysis.issues.batch.map_chunks`): the same clusters.
    """

    def __init__(
        self,
        threshold: float = 0.2,
        threshold_unplaced: float = 0.5,
        merge_threshold: float = 0.2,
        dedup: bool = True,
        random_state: int | None = None,
        segmenter: Segmenter | None = None,
        alias_min_count: int = 3,
        alias_min_share: float = 0.3,
        language: Language | None = None,
        jobs: int = 1,
    ) -> None:
        self.threshold = threshold
        self.threshold_unplaced = threshold_unplaced
        self.merge_threshold = merge_threshold
        self.dedup = dedup
        self.random_state = random_state
        self.segmenter = segmenter
        self.alias_min_count = alias_min_count
        self.alias_min_share = alias_min_share
        self.language = language
        self.jobs = jobs

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters (scikit-learn convention)."""
        return {
            "threshold": self.threshold,
            "threshold_unplaced": self.threshold_unplaced,
            "merge_threshold": self.merge_threshold,
            "dedup": self.dedup,
            "random_state": self.random_state,
            "segmenter": self.segmenter,
            "alias_min_count": self.alias_min_count,
            "alias_min_share": self.alias_min_share,
            "language": self.language,
            "jobs": self.jobs,
        }

    def fit(self, docs: Sequence[IssueDoc], y: object = None) -> IssueClusterer:
        """Cluster ``docs``; returns self."""
        params = ConcentrateParams(
            threshold=self.threshold,
            threshold_unplaced=self.threshold_unplaced,
            merge_threshold=self.merge_threshold,
            dedup=self.dedup,
            seed=20200101 if self.random_state is None else int(self.random_state),
        )
        index = _BatchIndex(params, self.segmenter, self.language)
        jobs = processes(self.jobs, len(docs))
        texts = [normalized_texts(d, params.body_chars) for d in docs]
        found = _learn_vocabulary(index, texts, jobs)  # pass 1: the place vocabulary of the whole batch

        def features_of(chunk: Sequence[int]) -> list[DocFeatures]:
            return [index.features(docs[i], learn=False, normalized=texts[i], found=found[i]) for i in chunk]

        features = map_chunks(features_of, range(len(docs)), jobs)
        for f in features:  # pass 2: document frequencies and place aliases of the whole batch
            index.df.update(f.counts.keys())
        if self.alias_min_count > 0:
            index.aliases = learn_aliases(features, self.alias_min_count, self.alias_min_share)
            _prefer_alias_targets(features, index.aliases)
        index.n_docs = len(docs)
        index.frozen_df = True
        order = sorted(range(len(docs)), key=lambda i: (_time_key(docs[i].time), i))
        signatures = _signatures(docs, params, jobs) if params.dedup else [None] * len(docs)
        index._weights = {}
        for i in order:
            index.add(docs[i], features[i], signatures[i])
            signatures[i] = None  # in the index's duplicate buckets now, or not needed
            features[i].counts = {}  # weighted into the vector: released (a third of the memory)
        index._weights = None
        index.merge_similar(params.merge_threshold)
        index.frozen_df = False
        raw = [index.label(doc.key) for doc in docs]
        renumber: dict[int, int] = {}
        labels: npt.NDArray[np.int64] = np.array([renumber.setdefault(c, len(renumber)) for c in raw], dtype=np.int64)
        self.labels_ = labels
        self.index_ = index
        self.features_ = features
        return self

    def fit_predict(self, docs: Sequence[IssueDoc], y: object = None) -> npt.NDArray[np.int64]:
        """``fit(docs).labels_``."""
        return self.fit(docs).labels_


def _prefer_alias_targets(features: Sequence[DocFeatures], aliases: PlaceAliases) -> None:
    for f in features:
        prefer_alias_target(f, aliases)


def prefer_alias_target(f: DocFeatures, aliases: PlaceAliases) -> None:
    """A title naming a place and its alias is about the place: 武广新城伊景园滨河苑 → 伊景园滨河苑."""
    if f.place is None or not aliases.of(f.place.key):
        return
    targets = [m for m in f.title_places if m.key in aliases.of(f.place.key)]
    if targets:
        f.place = targets[0]


def _signatures(docs: Sequence[IssueDoc], params: ConcentrateParams, jobs: int) -> list[Any]:
    """The MinHash signatures :meth:`IssueIndex.add` would compute of ``docs``, computed in batch."""
    hasher = MinHasher(num_perm=params.num_perm, seed=params.seed)  # the index's hasher

    def signatures(chunk: Sequence[int]) -> list[Any]:
        return list(hasher.signatures([f"{docs[i].title}\n{docs[i].body[: params.body_chars]}" for i in chunk]))

    return map_chunks(signatures, range(len(docs)), jobs)


def _learn_vocabulary(
    index: IssueIndex, texts: Sequence[tuple[str, str]], jobs: int = 1, body_min: int = 2
) -> list[tuple[list[PlaceMention], list[PlaceMention]]]:
    """Learn the names of titles, and of bodies when seen in ``body_min`` messages (尽快启动小区 is no name).

    Returns the names found in each (title, body) (found in ``jobs`` processes, learnt in order here).
    """
    language = index.language
    titles: dict[str, list[PlaceMention]] = {}  # titles repeat (at 100,000 one in three is new): found once

    def places(chunk: Sequence[int]) -> list[tuple[list[PlaceMention], list[PlaceMention]]]:
        out = []
        for title, body in (texts[i] for i in chunk):  # positions: the forked processes have the texts
            in_title = titles.get(title)
            if in_title is None:
                in_title = titles[title] = extract_places(title, sections=True, language=language)
            out.append((in_title, extract_places(body, language=language)))
        return out

    found = map_chunks(places, range(len(texts)), jobs)
    seen: Counter[str] = Counter()
    for in_title, in_body in found:
        index.vocabulary.learn(in_title)
        seen.update({m.key for m in in_body})
    index.vocabulary.learn([m for _, in_body in found for m in in_body if seen[m.key] >= body_min])
    return found


def _time_key(t: datetime | None) -> float:
    return t.timestamp() if t is not None else math.inf
