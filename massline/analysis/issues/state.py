"""The state of one issue under construction (:class:`Cluster`) and the parameters of
issue discovery (:class:`ConcentrateParams`); both are plain data a store can save."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter, mul

from massline.analysis.places import compatible

__all__ = ["Cluster", "ConcentrateParams"]


@dataclass(frozen=True)
class ConcentrateParams:
    """Parameters of issue discovery (defaults tuned on the TipDM hot messages)."""

    threshold: float = 0.2  #: cosine to join a cluster of a compatible place
    threshold_unplaced: float = 0.5  #: cosine to join any cluster for a message without a place
    threshold_topic: float = 0.35  #: ... when neither has a place and they share a rare leading term
    topic_max_df: float = 0.005  #: a "rare" term occurs in at most this share of messages
    merge_threshold: float = 0.2  #: centroid cosine for merging compatible clusters (batch)
    title_weight: int = 2  #: title words count this many times
    body_chars: int = 2000  #: only the start of long bodies is read
    max_terms: int = 30  #: terms kept per message vector
    candidate_terms: int = 8  #: top terms used to find candidate clusters
    max_scan: int = 64  #: a block larger than this is searched through term postings
    dedup: bool = True  #: near-duplicate reposts always join
    dedup_threshold: float = 0.8
    #: a near-duplicate this similar is the same text (a repost, a typo fixed): it joins even when its
    #: place key differs (聚利人/利聚人); so does a near-duplicate by the same author
    same_text_threshold: float = 0.95
    #: the same author's earlier messages (the last ``own_messages``) this similar are a rewrite
    same_author_threshold: float = 0.6
    own_messages: int = 20
    num_perm: int = 64
    seed: int = 20200101


@dataclass
class Cluster:
    """An issue under construction: place key, centroid and members (storable)."""

    id: int
    place: str
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    members: list[Hashable] = field(default_factory=list)
    place_names: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    posted: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  #: every member's place key (all compatible with ``place``)

    def fits(self, place: str) -> bool:
        """Is a message with this place key compatible with some member's place?"""
        return bool(place) and any(compatible(k, place) for k in self.keys or {self.place})

    def cosine(self, vector: dict[str, float]) -> float:
        """Cosine of a unit ``vector`` with the centroid."""
        if self.norm2 <= 0:
            return 0.0
        products = map(mul, vector.values(), map(self.centroid.get, vector, repeat(0.0)))  # no Python frame per term
        return sum(products) / math.sqrt(self.norm2)

    def absorb(self, vector: dict[str, float], weight: float = 1.0) -> None:
        """Add a (unit) vector to the centroid, keeping the squared norm current."""
        c = self.centroid
        for t, w in vector.items():
            old = c.get(t, 0.0)
            new = old + w * weight
            c[t] = new
            self.norm2 += new * new - old * old

    def top_terms(self, n: int = 10) -> list[str]:
        """The centroid's heaviest terms."""
        return [t for t, _ in heapq.nlargest(n, self.centroid.items(), key=itemgetter(1))]  # ties: first added
