"""Near-duplicate messages: MinHash over character shingles with LSH banding.

The same complaint is often posted several times, or copied by neighbours with
small edits.  :class:`MinHasher` turns a text into a fixed-size signature
whose agreement rate estimates the Jaccard similarity of the two texts'
character-shingle sets; :class:`LshIndex` buckets signatures by bands so that
only likely pairs are compared; :func:`near_duplicate_groups` groups a batch.

* Text is normalised (NFKC, lower case) and stripped of whitespace and
  punctuation before shingling, so formatting changes do not matter.
* Shingles are ``k`` consecutive characters (default 3; texts shorter than k
  are one shingle), hashed to 64 bits with a fixed mixer; permutations are
  ``(a·x + b) >> 32`` with odd 64-bit ``a`` drawn from a seeded generator —
  signatures are identical across runs, processes and machines, so they can
  be stored.
* LSH bands/rows are chosen for the threshold so that the S-curve midpoint
  ``(1/bands)^(1/rows)`` sits just below it (favouring recall); candidates
  are then verified by estimated Jaccard ≥ threshold.
* Time is linear in the number of items: each item is verified against at
  most ``max_checks_per_bucket`` members of each bucket it falls in (groups are
  transitive through union-find, so a large cluster still ends as one group).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from massline.analysis.text.clean import nfkc

__all__ = ["LshIndex", "MinHasher", "choose_bands", "near_duplicate_groups"]

Signature = npt.NDArray[np.uint32]
_DROP = re.compile(r"[\s\W_]+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _clean(text: str) -> str:
    """What is shingled of ``text``: NFKC, lower case, without whitespace and punctuation."""
    return _DROP.sub("", nfkc(text).lower())


def _mix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser: spreads structured ids over 64 bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


@dataclass(frozen=True)
class MinHasher:
    """Deterministic MinHash signatures of texts (``num_perm`` uint32 values)."""

    num_perm: int = 128
    shingle: int = 3
    seed: int = 20200101

    @cached_property
    def _params(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 2**63, size=self.num_perm, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 2**63, size=self.num_perm, dtype=np.uint64)
        return a, b

    def shingles(self, text: str) -> npt.NDArray[np.uint64]:
        """Distinct 64-bit shingle hashes of ``text`` (empty for empty text)."""
        return np.unique(self._shingle_hashes(_clean(text)))

    def _shingle_hashes(self, clean: str) -> npt.NDArray[np.uint64]:
        """The 64-bit hash of every shingle of a cleaned text, in text order (repeats kept)."""
        if not clean:
            return np.empty(0, dtype=np.uint64)
        codes = np.frombuffer(clean.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        k = min(self.shingle, len(codes))
        acc = np.zeros(len(codes) - k + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i in range(k):
                acc = _mix64(acc ^ codes[i : len(codes) - k + 1 + i])
        return acc

    def _chunk_shingles(self, cleaned: list[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        """The shingle hashes of cleaned texts, one text's after the other's, and how many each has: the
        windows of the texts written one after the other hashed at once, those that cross into the next
        text left out (text by text for one text, or when a text is shorter than a shingle: it is one
        shingle then)."""
        lengths = np.fromiter(map(len, cleaned), dtype=np.int64, count=len(cleaned))
        k = self.shingle
        if len(cleaned) == 1 or ((lengths > 0) & (lengths < k)).any() or lengths.sum() < k:
            each = [self._shingle_hashes(t) for t in cleaned]
            return np.concatenate(each), np.array([h.size for h in each], dtype=np.int64)
        codes = np.frombuffer("".join(cleaned).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        size = len(codes) - k + 1
        acc = np.zeros(size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i in range(k):
                acc = _mix64(acc ^ codes[i : size + i])
        ends = np.repeat(np.cumsum(lengths), lengths)[:size]  # where the text of each window's start ends
        return acc[np.arange(size) + k <= ends], np.maximum(lengths - k + 1, 0)

    def signature(self, text: str) -> Signature:
        """MinHash signature of ``text``; all 0xFFFFFFFF for text without content."""
        shingles = self.shingles(text)
        if shingles.size == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        a, b = self._params
        with np.errstate(over="ignore"):
            hashed = (a[:, None] * shingles[None, :] + b[:, None]) >> np.uint64(32)
        return hashed.min(axis=1).astype(np.uint32)

    def signatures(self, texts: Sequence[str], chunk: int = 128) -> list[Signature]:
        """The :meth:`signature` of each of ``texts``, the same values, computed ``chunk`` texts at a
        time: one hash matrix over the chunk's shingles and a minimum per text (repeated shingles need
        no removal: they do not change a minimum; nor does the shift, which keeps the order)."""
        a, b = self._params
        empty = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        out: list[Signature] = []
        for first in range(0, len(texts), chunk):
            hashes, sizes = self._chunk_shingles([_clean(t) for t in texts[first : first + chunk]])
            if not sizes.any():
                out += [empty.copy() for _ in sizes]
                continue
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            with np.errstate(over="ignore"):
                hashed = a[:, None] * hashes[None, :]
                hashed += b[:, None]
            lowest = (np.minimum.reduceat(hashed, starts[sizes > 0], axis=1) >> np.uint64(32)).astype(np.uint32)
            found = iter(lowest.T)
            out += [next(found).copy() if size else empty.copy() for size in sizes]
        return out

    @staticmethod
    def similarity(sig1: Signature, sig2: Signature) -> float:
        """Estimated Jaccard similarity: the fraction of equal signature values."""
        return float(np.count_nonzero(sig1 == sig2)) / len(sig1)


def choose_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) with bands·rows = num_perm whose S-curve midpoint is the
    largest one not above ``threshold`` (so pairs at the threshold are found)."""
    best: tuple[int, int] | None = None
    best_mid = -1.0
    for rows in range(1, num_perm + 1):
        if num_perm % rows:
            continue
        bands = num_perm // rows
        mid = (1 / bands) ** (1 / rows)
        if mid <= threshold - 0.05 and mid > best_mid:
            best, best_mid = (bands, rows), mid
    return best or (num_perm, 1)


@dataclass
class LshIndex:
    """An incremental LSH index of stored signatures.

    ``add`` a signature under a key, ``query`` the keys whose stored signature
    is estimated at least ``threshold``-similar to a new one.  ``band_keys``
    gives the bucket keys as strings, for storing in a database column.
    """

    num_perm: int = 128
    threshold: float = 0.8
    max_checks_per_bucket: int = 8
    _buckets: dict[tuple[int, bytes], list[Hashable]] = field(default_factory=dict, repr=False)
    _signatures: dict[Hashable, Signature] = field(default_factory=dict, repr=False)

    @cached_property
    def bands(self) -> tuple[int, int]:
        """(bands, rows) used by this index."""
        return choose_bands(self.num_perm, self.threshold)

    def _band_bytes(self, sig: Signature) -> list[tuple[int, bytes]]:
        bands, rows = self.bands
        return [(i, sig[i * rows : (i + 1) * rows].tobytes()) for i in range(bands)]

    def band_keys(self, sig: Signature) -> list[str]:
        """Bucket keys of ``sig`` as strings (``"<band>:<hex>"``)."""
        return [f"{i}:{raw.hex()}" for i, raw in self._band_bytes(sig)]

    def query(self, sig: Signature) -> list[tuple[Hashable, float]]:
        """Stored keys similar to ``sig`` (estimated Jaccard ≥ threshold), best first."""
        if int(sig.min()) == 0xFFFFFFFF:
            return []
        seen: dict[Hashable, float] = {}
        for bucket_key in self._band_bytes(sig):
            for key in self._buckets.get(bucket_key, [])[: self.max_checks_per_bucket]:
                if key not in seen:
                    seen[key] = MinHasher.similarity(sig, self._signatures[key])
        found = [(k, s) for k, s in seen.items() if s >= self.threshold]
        return sorted(found, key=lambda ks: -ks[1])

    def similarity(self, key: Hashable, sig: Signature) -> float:
        """Estimated Jaccard of ``sig`` with the signature stored under ``key`` (0 when none is)."""
        stored = self._signatures.get(key)
        return 0.0 if stored is None else MinHasher.similarity(sig, stored)

    def add(self, key: Hashable, sig: Signature) -> None:
        """Store ``sig`` under ``key`` (texts without content are not indexed)."""
        if int(sig.min()) == 0xFFFFFFFF:
            return
        self._signatures[key] = sig
        for bucket_key in self._band_bytes(sig):
            self._buckets.setdefault(bucket_key, []).append(key)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def find(self, x: Hashable) -> Hashable:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, x: Hashable, y: Hashable) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[ry] = rx


def near_duplicate_groups(
    items: Iterable[tuple[Hashable, str]],
    threshold: float = 0.8,
    *,
    num_perm: int = 128,
    shingle: int = 3,
    seed: int = 20200101,
) -> list[list[Hashable]]:
    """Group near-duplicate texts; return groups of two or more keys.

    ``items`` are ``(key, text)`` pairs with distinct keys.  Keys in a group
    keep input order, groups are ordered by their first key's position.
    Grouping is transitive (A~B and B~C put A, B, C together).
    """
    hasher = MinHasher(num_perm=num_perm, shingle=shingle, seed=seed)
    index = LshIndex(num_perm=num_perm, threshold=threshold)
    uf = _UnionFind()
    order: list[Hashable] = []
    for key, text in items:
        sig = hasher.signature(text)
        for other, _ in index.query(sig):
            uf.union(other, key)
        index.add(key, sig)
        order.append(key)
    groups: dict[Hashable, list[Hashable]] = {}
    for key in order:
        groups.setdefault(uf.find(key), []).append(key)
    return [g for g in groups.values() if len(g) > 1]
