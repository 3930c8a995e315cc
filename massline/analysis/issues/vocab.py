"""Place vocabularies learnt from a batch: names seen with a suffix, and aliases
(two names that stand for one place, learnt from co-mentions)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from massline.analysis.places import CJK, KIND_PRIORITY, PlaceMention, compatible


class _KeyKinds(dict[str, str]):
    """``key -> kind``, also indexed by the keys' first two characters (for :meth:`PlaceVocabulary.find`)."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: dict[str, list[int]] = {}  #: first two characters -> key lengths, longest first

    def __setitem__(self, key: str, kind: str) -> None:
        if key not in self:
            lengths = self.heads.setdefault(key[:2], [])
            if len(key) not in lengths:
                lengths.append(len(key))
                lengths.sort(reverse=True)
        super().__setitem__(key, kind)

    def setdefault(self, key: str, kind: str) -> str:
        if key not in self:
            self[key] = kind
        return self[key]


class PlaceVocabulary:
    """Place keys seen so far, found again in texts that omit the suffix.

    ``learn`` records the keys of names found with a suffix (keys of at least
    three characters, so ``阳光`` alone is never matched as a place);
    ``find`` returns the known keys occurring in a text, longest first at each
    position.  A store that keeps the vocabulary elsewhere (a database)
    looks up the :meth:`unknown` pieces of a text, loads the keys found with
    :meth:`remember` and saves what was learnt with :meth:`take_learnt`.  Matching
    looks up the two characters at each position and tries only the lengths
    of keys starting with them: linear in the text length.
    """

    MIN_KEY = 3
    MAX_KEY = 10

    def __init__(self) -> None:
        self.kinds: dict[str, str] = _KeyKinds()
        self.counts: Counter[str] = Counter()

    def learn(self, mentions: list[PlaceMention]) -> None:
        """Remember the keys of ``mentions`` (compounds, institutions, villages and cases only)."""
        for m in mentions:
            if (
                self.MIN_KEY <= len(m.key) <= self.MAX_KEY
                and m.kind in ("compound", "institution", "village", "case")
                and CJK.search(m.key)
            ):
                self.kinds.setdefault(m.key, m.kind)
                self.counts[m.key] += 1

    def knows(self, key: str) -> bool:
        """Whether ``key`` is a known place key."""
        return key in self.kinds

    def unknown(self, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` that are not known place keys, sorted (what a store should look up)."""
        kinds = self.kinds
        return sorted(k for k in keys if k not in kinds)

    def remember(self, key: str, kind: str) -> None:
        """Know ``key`` (of ``kind``) without counting it as learnt (a key loaded from a store)."""
        self.kinds[key] = kind

    def take_learnt(self) -> list[tuple[str, str, int]]:
        """``(key, kind, times)`` of the keys learnt since the last call (to be stored), then forgets the counts."""
        learnt = [(key, self.kinds[key], n) for key, n in self.counts.items()]
        self.counts.clear()
        return learnt

    def find(self, text: str) -> list[PlaceMention]:
        """Known keys occurring in ``text`` (non-overlapping, leftmost-longest)."""
        out: list[PlaceMention] = []
        kinds = self.kinds
        heads = kinds.heads if isinstance(kinds, _KeyKinds) else None
        i, n = 0, len(text)
        while i < n - self.MIN_KEY + 1:
            lengths = heads.get(text[i : i + 2]) if heads is not None else range(self.MAX_KEY, self.MIN_KEY - 1, -1)
            for length in lengths or ():
                piece = text[i : i + length]
                if len(piece) == length and piece in kinds:
                    out.append(PlaceMention(piece, piece, kinds[piece], i))
                    i += length
                    break
            else:
                i += 1
        return out


class PlaceAliases:
    """Other names of a place, learnt from the messages that name both.

    Residents of ``伊景园滨河苑`` also call it by the developer (``广铁集团``)
    or the district (``武广新城``); victims of a fraud platform by the company
    (``展星投资有限公司``).  ``observe`` counts, per message, the keys of its
    title against the keys of title and body; ``fit`` makes ``b`` an alias
    of ``a`` when at least ``min_count`` messages name both and they are at
    least ``min_share`` of the messages naming ``b``, ``a`` is at least as
    specific (kind priority) and neither contains the other (those are
    compatible anyway).  An alias only makes places *compatible*: the
    problem must still match.  Roads and towns are never aliases (a road
    runs past many compounds).

    :meth:`of`, :meth:`named` and :meth:`pairs_of` are what issue assignment
    reads; a store that keeps the aliases elsewhere (a database) may
    override :meth:`of` and :meth:`named` to load them key by key.
    """

    KINDS = ("compound", "institution", "village", "case")

    def __init__(self, min_count: int = 3, min_share: float = 0.3) -> None:
        self.min_count = min_count
        self.min_share = min_share
        self.kinds: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.aliases: dict[str, set[str]] = {}
        self._named: dict[str, set[str]] = {}

    def observe(self, title: Sequence[PlaceMention], body: Sequence[PlaceMention]) -> None:
        """Count the keys of one message (``title`` and ``body`` mentions)."""
        head = {m.key: m.kind for m in title if m.kind in self.KINDS}
        every = head | {m.key: m.kind for m in body if m.kind in self.KINDS}
        for key, kind in every.items():
            self.kinds.setdefault(key, kind)
            self.counts[key] += 1
        for a in head:
            for b in every:
                if a != b:
                    self.pairs[(a, b)] += 1
                    if b not in head:
                        self.pairs[(b, a)] += 1

    def fit(self, titled: set[str] | None = None) -> PlaceAliases:
        """Decide the aliases from the counts (keys outside ``titled`` are ignored); returns self."""
        self.aliases = {}
        for (a, b), n in self.pairs.items():
            if n < self.min_count or compatible(a, b) or (titled is not None and not {a, b} <= titled):
                continue
            if n >= self.min_share * self.counts[b] and KIND_PRIORITY[self.kinds[a]] >= KIND_PRIORITY[self.kinds[b]]:
                self.aliases.setdefault(b, set()).add(a)
        self._named = {}
        for b, targets in self.aliases.items():
            for a in targets:
                self._named.setdefault(a, set()).add(b)
        return self

    def of(self, key: str) -> set[str]:
        """The places ``key`` is another name of (empty when none)."""
        return self.aliases.get(key, set())

    def named(self, key: str) -> set[str]:
        """The other names of ``key`` (the keys it is an alias target of)."""
        return self._named.get(key, set())

    def pairs_of(self) -> list[tuple[str, str]]:
        """Every ``(alias, place)`` decided by :meth:`fit`, sorted (to be stored)."""
        return [(alias, place) for alias, places in sorted(self.aliases.items()) for place in sorted(places)]
