"""Incremental issue assignment: :class:`IssueIndex` puts one message at a time into an issue.

A message joins

1. the cluster of a near-duplicate earlier message (MinHash/LSH, Jaccard ≥
   ``dedup_threshold``) unless that cluster is about another place — the same text
   (≥ ``same_text_threshold``) or the same author's near-duplicate — for an author's own
   last messages, a rewrite at Jaccard ≥ ``same_author_threshold`` — joins whatever the
   place keys say, so identical messages never end in different issues; otherwise
2. the most similar cluster whose place is *compatible* (equal, one contains
   the other: ``魅力之城``/``万科魅力之城``, or a learnt alias:
   ``广铁集团`` → ``伊景园滨河苑``) when the cosine of its vector with the
   cluster centroid is ≥ ``threshold``; a message without a place may join
   any cluster at the stricter ``threshold_unplaced``;
3. otherwise it starts a new cluster.

Candidate clusters come from blocks, never from the whole set: all clusters of
a compatible place when the block is small, otherwise the clusters posted
under the message's top terms in that block (and, for messages without a
place, under its top terms globally, most recent ``max_scan`` per term).  The
cost of one ``add`` is therefore bounded by a constant number of cosine
computations, whatever the number of stored messages.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from massline.analysis.issues.features import (
    DocFeatures,
    IssueDoc,
    TermWeights,
    extract_features,
    normalized_texts,
    unit_vector,
)
from massline.analysis.issues.state import Cluster, ConcentrateParams
from massline.analysis.issues.vocab import PlaceAliases, PlaceVocabulary
from massline.analysis.places import GENERAL, Language, PlaceMention, compatible, extract_places
from massline.analysis.text import LshIndex, MinHasher, Segmenter

__all__ = ["Cluster", "ConcentrateParams", "IssueIndex"]


class IssueIndex:
    """Incremental issue assignment with persistable state (see module doc).

    ``add(doc)`` returns the id of the cluster the message joined (existing or
    new).  State: clusters (place key, centroid, members), document
    frequencies, the place vocabulary and aliases, MinHash LSH buckets, term
    postings.  ``language``: the deployment's place grammar (default: general Chinese).

    **Persistence.**  A store that keeps this state elsewhere (a database)
    and loads only what one message needs uses these public methods, and
    nothing else of the index:

    * reload: :meth:`restore_cluster` (a stored cluster), :meth:`restore_frequencies`
      (document frequencies), ``vocabulary.unknown``/``remember`` (place keys), and an
      ``aliases`` object whose :meth:`PlaceAliases.of`/``named`` read the store;
    * look-ups it may override to query the store instead of memory:
      :meth:`compatible_places`, :meth:`candidates`;
    * change: :meth:`add`, :meth:`add_to` (a known repost), :meth:`new_cluster`,
      :meth:`join` (the one way a message enters a cluster: override it, calling
      ``super().join``, to record what changed), :meth:`merge`, :meth:`split_off`;
    * :meth:`next_cluster_id`: the id allocator (override it to give a
      provisional id until the store assigns one);
    * save: the :class:`Cluster` objects, ``df``/``n_docs`` and
      ``vocabulary.take_learnt()``.
    """

    def __init__(
        self,
        params: ConcentrateParams | None = None,
        segmenter: Segmenter | None = None,
        language: Language | None = None,
    ) -> None:
        self.params = params or ConcentrateParams()
        self.segmenter = segmenter or Segmenter()
        self.language = language or GENERAL
        self.vocabulary = PlaceVocabulary()
        self.aliases = PlaceAliases()
        self.df: Counter[str] = Counter()
        self.n_docs = 0
        self.clusters: dict[int, Cluster] = {}
        self.assignment: dict[Hashable, int] = {}
        self._alias: dict[int, int] = {}
        self._blocks: dict[str, list[int]] = {}
        self._contains: dict[str, set[str]] = {}
        self._postings: dict[tuple[str, str], list[int]] = {}
        self._hasher = MinHasher(num_perm=self.params.num_perm, seed=self.params.seed)
        self._lsh = LshIndex(num_perm=self.params.num_perm, threshold=self.params.dedup_threshold)
        self._authors: dict[Hashable, str] = {}  # of the messages in the near-duplicate index
        self._by_author: dict[str, list[Hashable]] = {}  # an author's last messages there
        self._next_id = 0
        self.frozen_df = False

    # -- features -----------------------------------------------------------
    def mentions(self, doc: IssueDoc) -> tuple[list[PlaceMention], list[PlaceMention]]:
        """Places named with a suffix in the title and in the body."""
        title, body = normalized_texts(doc, self.params.body_chars)
        return (
            extract_places(title, sections=True, language=self.language),
            extract_places(body, language=self.language),
        )

    def features(
        self,
        doc: IssueDoc,
        learn: bool = True,
        normalized: tuple[str, str] | None = None,
        found: tuple[list[PlaceMention], list[PlaceMention]] | None = None,
        weighed: TermWeights | None = None,
    ) -> DocFeatures:
        """Place, regions and raw term weights of ``doc`` (learns its place names).

        ``normalized``: its normalised title and body start; ``found``: the places named with a
        suffix in them; ``weighed``: its term weights (``extract_features``) — when already known.
        """
        title, body = normalized or normalized_texts(doc, self.params.body_chars)
        return extract_features(title, body, self.segmenter, self.vocabulary, learn=learn, found=found,
                                title_weight=self.params.title_weight, language=self.language, weighed=weighed)

    def vectorize(self, features: DocFeatures) -> dict[str, float]:
        """TF-IDF unit vector of ``features`` with the current document frequencies."""
        n, df, log = self.n_docs + 1, self.df.get, math.log  # (looked up once, not once per term)
        weights = {t: w * (log(n / (1 + df(t, 0))) + 1.0) for t, w in features.counts.items()}
        return unit_vector(weights, self.params.max_terms)

    # -- clusters -----------------------------------------------------------
    def find(self, cid: int) -> int:
        """The live cluster id of ``cid`` (after merges)."""
        while cid in self._alias:
            cid = self._alias[cid]
        return cid

    def compatible_places(self, place: str) -> set[str]:
        """Stored place keys compatible with ``place`` (itself, contained, containing)."""
        if not place:
            return set()
        out = {place} if place in self._blocks else set()
        for i in range(len(place)):
            for j in range(i + 2, len(place) + 1):
                piece = place[i:j]
                if piece in self._blocks:
                    out.add(piece)
        out |= self._contains.get(place, set())
        return {p for p in out if compatible(p, place)}

    def fits(self, cluster: Cluster, place: str) -> bool:
        """May a message with this place key join ``cluster`` (compatible place or a learnt alias)?"""
        return cluster.fits(place) or any(cluster.fits(a) for a in self.aliases.of(place))

    def candidates(self, place: str, vector: dict[str, float]) -> list[int]:
        """Live clusters a message with this place (or one of its aliases) and vector may join."""
        p = self.params
        terms = list(vector)[: p.candidate_terms]
        found: dict[int, None] = {}
        keys: set[str] = set()
        for name in (place, *sorted(self.aliases.of(place))) if place else ():
            keys |= self.compatible_places(name)
        for key in sorted(keys):  # a fixed order: ties between candidates never depend on the hash seed
            block = self._blocks[key]
            if len(block) <= p.max_scan:
                found.update(dict.fromkeys(block))
            else:
                for t in terms:
                    found.update(dict.fromkeys(self._postings.get((key, t), [])[-p.max_scan :]))
        if not place:
            for t in terms:
                found.update(dict.fromkeys(self._postings.get(("*", t), [])[-p.max_scan :]))
        return list(dict.fromkeys(self.find(c) for c in found))

    def add(self, doc: IssueDoc, features: DocFeatures | None = None, signature: Any = None) -> int:
        """Assign ``doc`` (its features and MinHash ``signature`` when known) to a cluster; return its id."""
        p = self.params
        if features is None:
            features = self.features(doc)
        self.count_document(features)
        vector = features.vector = self.vectorize(features)
        place = features.place.key if features.place else ""
        target: int | None = None
        if p.dedup:
            sig = self._hasher.signature(f"{doc.title}\n{doc.body[: p.body_chars]}") if signature is None else signature
            for other, similarity in self._own_rewrites(doc.author, sig) + self._lsh.query(sig):
                if other in self.assignment:
                    cid = self.find(self.assignment[other])
                    same_author = bool(doc.author) and self._authors.get(other) == doc.author
                    same = same_author or similarity >= p.same_text_threshold
                    if same or not place or not self.clusters[cid].place or self.fits(self.clusters[cid], place):
                        target = cid  # a repost; a like text about another compound stays apart
                        break
            self._lsh.add(doc.key, sig)
            if doc.author:
                self._authors[doc.key] = doc.author
                own = self._by_author.setdefault(doc.author, [])
                own.append(doc.key)
                del own[: -p.own_messages]
        if target is None and vector:
            best_sim, found = 0.0, self.candidates(place, vector)
            for cid, sim in zip(found, self.cosines(found, vector), strict=True):
                if sim > best_sim and sim >= self._needed(self.clusters[cid], place, vector, sim):
                    target, best_sim = cid, sim
        if target is None:
            target = self.new_cluster(place).id
        self.join(self.clusters[target], doc.key, features)
        return target

    def cosines(self, cids: Sequence[int], vector: dict[str, float]) -> list[float]:
        """The cosine of a unit ``vector`` with each of these clusters' centroids."""
        return [self.clusters[cid].cosine(vector) for cid in cids]

    def _needed(self, cluster: Cluster, place: str, vector: dict[str, float], sim: float) -> float:
        """The cosine ``vector`` (place key ``place``) needs to join ``cluster``: looked up only when in doubt."""
        p = self.params
        other = p.threshold if place else p.threshold_unplaced if cluster.place else p.threshold_topic
        if min(other, p.threshold_unplaced) <= sim < max(other, p.threshold_unplaced):
            if place:
                return p.threshold if self.fits(cluster, place) else p.threshold_unplaced
            return p.threshold_topic if self._rare_head(vector) & set(cluster.top_terms(5)) else p.threshold_unplaced
        return p.threshold_unplaced  # passes, or fails, either threshold

    def _own_rewrites(self, author: str, sig: Any) -> list[tuple[Hashable, float]]:
        """The author's earlier messages this signature is a rewrite of (estimated Jaccard ≥
        ``same_author_threshold``: looser than between strangers), best first."""
        found = [(k, self._lsh.similarity(k, sig)) for k in self._by_author.get(author, ())] if author else []
        return sorted(((k, s) for k, s in found if s >= self.params.same_author_threshold), key=lambda ks: -ks[1])

    def count_document(self, features: DocFeatures) -> None:
        """Count a message's terms in the document frequencies (unless they are frozen)."""
        if not self.frozen_df:
            self.df.update(features.counts.keys())
            self.n_docs += 1

    def add_to(self, cid: int, doc: IssueDoc, features: DocFeatures) -> None:
        """Put ``doc`` into cluster ``cid`` whatever its similarity (a repost found elsewhere)."""
        self.count_document(features)
        features.vector = self.vectorize(features)
        self.join(self.clusters[cid], doc.key, features)

    def next_cluster_id(self) -> int:
        """The id of the next new cluster (0, 1, 2…); a store may override it (see class doc)."""
        cid = self._next_id
        self._next_id += 1
        return cid

    def new_cluster(self, place: str) -> Cluster:
        """Start an empty cluster about ``place`` (a key, or ``""``)."""
        cid = self.next_cluster_id()
        cluster = self.clusters[cid] = Cluster(cid, place, keys={place} if place else set())
        self._register_block(place)
        self._blocks[place].append(cid)
        return cluster

    def restore_cluster(self, cluster: Cluster, *, searchable: bool = True) -> None:
        """Put back a stored cluster; later new ids do not collide with it.

        ``searchable``: also file it under its place keys and posted terms, so
        that :meth:`candidates` finds it; a store that overrides the look-ups
        and loads clusters only as candidates passes False (cheaper).
        """
        self.clusters[cluster.id] = cluster
        self._next_id = max(self._next_id, cluster.id + 1)
        if not searchable:
            return
        for key in cluster.keys | {cluster.place}:
            self._register_block(key)
            if cluster.id not in self._blocks[key]:
                self._blocks[key].append(cluster.id)
        posted, cluster.posted = cluster.posted, set()
        self._post(cluster, sorted(posted))

    def restore_frequencies(self, df: Mapping[str, int], n_docs: int | None = None) -> None:
        """Set stored document frequencies of some terms (and the number of documents)."""
        for term, n in df.items():
            self.df[term] = n
        if n_docs is not None:
            self.n_docs = n_docs

    def _register_block(self, place: str) -> None:
        if place not in self._blocks:
            for i in range(len(place)):
                for j in range(i + 2, len(place) + 1):
                    if j - i < len(place):
                        self._contains.setdefault(place[i:j], set()).add(place)
            self._blocks[place] = []

    def join(self, cluster: Cluster, key: Hashable, features: DocFeatures) -> None:
        """Add the message ``key`` (its ``features``, vectorised) to ``cluster``: centroid, keys, postings."""
        vector = features.vector
        cluster.absorb(vector)
        cluster.members.append(key)
        self.assignment[key] = cluster.id
        if features.place is not None and cluster.place and cluster.fits(features.place.key):
            cluster.place_names[features.place.name] += 1
            key = features.place.key
            if key not in cluster.keys:  # the cluster is now also found under this key: 滨河苑 ~ 伊景园滨河苑
                cluster.keys.add(key)
                if key != cluster.place:
                    self._register_block(key)
                    self._blocks[key].append(cluster.id)
        cluster.regions.update(features.regions[-1:])
        self._post(cluster, list(vector)[: self.params.candidate_terms])

    def _post(self, cluster: Cluster, terms: Iterable[str]) -> None:
        for t in terms:
            if t not in cluster.posted:
                cluster.posted.add(t)
                self._postings.setdefault((cluster.place, t), []).append(cluster.id)
                self._postings.setdefault(("*", t), []).append(cluster.id)

    def merge(self, into: int, other: int) -> None:
        """Merge cluster ``other`` into ``into`` (both live ids)."""
        a, b = self.clusters[into], self.clusters.pop(other)
        for t, w in b.centroid.items():
            old = a.centroid.get(t, 0.0)
            a.centroid[t] = old + w
            a.norm2 += (old + w) ** 2 - old * old
        a.members.extend(b.members)
        a.place_names.update(b.place_names)
        a.keys |= b.keys
        for place_key in b.keys - {a.place}:
            self._register_block(place_key)
            self._blocks[place_key].append(into)
        a.regions.update(b.regions)
        for key in b.members:
            self.assignment[key] = into
        self._alias[other] = into
        self._post(a, b.posted)

    def split_off(self, keys: Sequence[Hashable], features: Mapping[Hashable, DocFeatures]) -> Cluster:
        """Move the stored messages ``keys`` out of their clusters into a new one (an official's split).

        The new cluster's place is the most common place key among them.
        """
        places = Counter(features[k].place.key for k in keys if features[k].place)  # type: ignore[union-attr]
        target = self.new_cluster(places.most_common(1)[0][0] if places else "")
        for k in keys:
            source = self.clusters[self.label(k)]
            source.absorb(features[k].vector, -1.0)
            source.members.remove(k)
            self.join(target, k, features[k])
        return target

    def release_duplicates(self) -> None:
        """Forget the MinHash buckets of the messages added so far (memory); later ones are not compared to them."""
        self._lsh = LshIndex(num_perm=self.params.num_perm, threshold=self.params.dedup_threshold)
        self._authors, self._by_author = {}, {}

    def merge_similar(self, threshold: float) -> int:
        """Merge compatible clusters whose centroids are ``threshold``-similar; return merges.

        Larger clusters absorb smaller ones; candidates are found under every
        key of a cluster and its aliases.
        """
        merged = 0
        order = sorted(self.clusters, key=lambda c: -len(self.clusters[c].members))
        for cid in order:
            if cid not in self.clusters:
                continue
            cluster = self.clusters[cid]
            unit = {t: w / math.sqrt(cluster.norm2) for t, w in cluster.centroid.items()} if cluster.norm2 else {}
            unit = unit_vector(unit, self.params.max_terms)
            others: dict[int, None] = {}
            keys = set(cluster.keys) or {cluster.place}
            for key in sorted(keys):
                for name in sorted({key} | self.aliases.named(key)) if key else [key]:
                    others.update(dict.fromkeys(self.candidates(name, unit)))
            for other in others:
                other = self.find(other)
                if other == cid or other not in self.clusters:
                    continue
                o = self.clusters[other]
                if len(o.members) > len(cluster.members):
                    continue
                if bool(cluster.place) != bool(o.place):
                    continue  # a place-specific issue never melts into a general topic
                if cluster.place:
                    if not any(self.fits(cluster, k) for k in o.keys or {o.place}):
                        continue
                    needed = threshold
                elif self._rare_head(unit) & set(o.top_terms(5)):
                    needed = max(threshold, self.params.threshold_topic)
                else:
                    needed = max(threshold, self.params.threshold_unplaced)
                if o.cosine(unit) >= needed:
                    self.merge(cid, other)
                    merged += 1
        return merged

    def _rare_head(self, vector: dict[str, float]) -> set[str]:
        """The rare terms among the three leading terms of ``vector``."""
        rare = max(5.0, self.params.topic_max_df * self.n_docs)
        return {t for t in list(vector)[:3] if not t.startswith("#") and self.df.get(t, 0) <= rare}

    def label(self, key: Hashable) -> int:
        """Live cluster id of a stored message."""
        return self.find(self.assignment[key])
