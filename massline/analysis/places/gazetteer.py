"""Find where a message is about, against the deployment's region tree.

A :class:`Gazetteer` indexes every region's name and aliases, plus short
aliases derived by dropping the level suffix (``东城区 → 东城``,
``和平街道 → 和平``, ``阳光社区 → 阳光``) when the short form is at least two
characters and no other region has the same name, alias or short form.
Matching is leftmost-longest over the text, so ``东城区`` wins over ``东城``.

Resolution (:meth:`Gazetteer.locate`): every candidate region of every mention
gets ``support`` = the number of *other* mentions naming one of its ancestors.
The chosen region maximises (support, depth in the tree, full name rather
than derived alias, earliest position): the most specific place consistent
with the nesting, with ambiguous names (two 和平街道) settled by co-mentioned
ancestors (``西城区和平街道``).  If a name stays ambiguous (no ancestor
mentioned), the lowest common ancestor of its candidates is returned (we know
it is in 江城市, not which 和平街道).  Derived short aliases of streets,
communities and compounds are weak (``阳光`` is also ordinary weather): they
count only when an ancestor is also mentioned.

Residential compounds (…小区/花园/家园/新村/山庄/公寓/苑) and roads
(…路/街/大道/巷) that are in the text but not in the gazetteer are returned as
``unlisted_places`` (found with jieba segmentation), for issue clustering;
their suffixes are the ``unlisted_suffixes`` of the deployment's
:class:`~massline.analysis.places.Language`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from massline.analysis.places.language import GENERAL, Language
from massline.analysis.text import STOPWORDS, Segmenter, normalize, segment_runs

__all__ = ["LEVELS", "Gazetteer", "PlaceMatch", "RegionEntry"]

LEVELS = ("province", "city", "district", "street", "community", "compound", "road")
_SUFFIXES = {
    "province": ("省", "自治区", "市"),
    "city": ("市", "地区", "州", "盟"),
    "district": ("区", "县", "市", "旗"),
    "street": ("街道办事处", "街道", "镇", "乡", "办事处"),
    "community": ("社区居委会", "居委会", "社区", "村委会", "村"),
}
_WEAK_DERIVED_LEVELS = ("street", "community", "compound")
_UNIT_LEVELS = ("province", "city", "district")  # administrative units: no part of a problem
_NOT_PLACES = frozenset(
    """
    道路 马路 线路 公路 铁路 高速公路 思路 出路 走路 小路 一路 门路 网路 电路 水路
    陆路 街道 大街 逛街 上街 沿街 临街 当街 满街 小巷 花园 后花园 小区 家园 新村 公寓
    """.split()
)
_MAX_UNLISTED_TOKENS = 4
_ADMIN_PREFIX = re.compile(r"^.*[省市区县]")
_BOUNDARY_CHARS = frozenset("在住沿到去从往向于近靠临位是的和与及至经过把被对给让由为了着该本这那我你他")
_MAX_UNLISTED_CHARS = 8


@dataclass(frozen=True)
class RegionEntry:
    """One region of the deployment's tree (province … community, compound, road)."""

    code: str
    name: str
    level: str
    parent_code: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceMatch:
    """A region found in a text and the evidence for it."""

    code: str
    name: str
    level: str
    span: tuple[int, int]
    evidence: tuple[str, ...]
    unlisted_places: tuple[str, ...] = ()


@dataclass
class _Mention:
    start: int
    end: int
    surface: str
    candidates: list[tuple[str, bool]] = field(default_factory=list)  # (code, derived)


def _derive(name: str, level: str) -> str | None:
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class Gazetteer:
    """Index of region names and aliases with nesting-aware place resolution.

    ``language``: the deployment's place grammar, whose ``unlisted_suffixes``
    find the places the gazetteer does not list (default: general
    Chinese).  :attr:`language` is that language knowing, besides, the names
    of the gazetteer's provinces, cities and districts as ``region_names``
    (what issue discovery should use for this deployment).
    """

    def __init__(self, entries: Iterable[RegionEntry], language: Language | None = None) -> None:
        entries = list(entries)
        base = language or GENERAL
        units = [e.name for e in entries if e.level in _UNIT_LEVELS and len(e.name) >= 3]
        known = tuple(dict.fromkeys((*base.region_names, *units)))
        self.language = replace(base, region_names=known) if known != base.region_names else base
        self.entries: dict[str, RegionEntry] = {}
        for entry in entries:
            if entry.level not in LEVELS:
                raise ValueError(f"unknown level {entry.level!r} for {entry.code}")
            self.entries[entry.code] = entry
        surfaces: dict[str, list[tuple[str, bool]]] = {}
        for entry in self.entries.values():
            for surface in (entry.name, *entry.aliases):
                if entry.code not in [c for c, _ in surfaces.get(surface, [])]:
                    surfaces.setdefault(surface, []).append((entry.code, False))
        derived: dict[str, set[str]] = {}
        for entry in self.entries.values():
            for surface in (entry.name, *entry.aliases):
                short = _derive(surface, entry.level)
                if short:
                    derived.setdefault(short, set()).add(entry.code)
        for short, codes in derived.items():
            if len(codes) == 1 and short not in surfaces:
                surfaces[short] = [(next(iter(codes)), True)]
        self._surfaces = surfaces
        # the lengths of the surfaces that start with each two characters, longest first: ``mentions`` tries
        # only those (a mention has at least two characters)
        lengths: dict[str, set[int]] = {}
        for surface in surfaces:
            if len(surface) >= 2:
                lengths.setdefault(surface[:2], set()).add(len(surface))
        self._lengths = {head: sorted(ls, reverse=True) for head, ls in lengths.items()}
        self._last: tuple[str, PlaceMatch | None] | None = None  # the last text located and its answer

    # -- tree helpers -------------------------------------------------------
    def ancestors(self, code: str) -> list[str]:
        """Codes of the ancestors of ``code``, nearest first."""
        out: list[str] = []
        parent = self.entries[code].parent_code
        while parent is not None and parent in self.entries and parent not in out:
            out.append(parent)
            parent = self.entries[parent].parent_code
        return out

    def depth(self, code: str) -> int:
        """Number of ancestors of ``code`` (a province is 0)."""
        return len(self.ancestors(code))

    def _common_ancestor(self, codes: list[str]) -> str | None:
        chains = [[c, *self.ancestors(c)] for c in codes]
        shared = set(chains[0]).intersection(*map(set, chains[1:]))
        for code in chains[0]:
            if code in shared:
                return code
        return None

    @cached_property
    def segmenter(self) -> Segmenter:
        """A segmenter that keeps every region name and alias whole."""
        return Segmenter(self._surfaces)

    # -- matching -----------------------------------------------------------
    def mentions(self, text: str) -> list[_Mention]:
        """Leftmost-longest, non-overlapping mentions of known names in ``text``."""
        out: list[_Mention] = []
        i = 0
        n = len(text)
        while i < n - 1:
            for length in self._lengths.get(text[i : i + 2], ()):
                surface = text[i : i + length]
                if length <= n - i and surface in self._surfaces:
                    out.append(_Mention(i, i + length, surface, list(self._surfaces[surface])))
                    i += length
                    break
            else:
                i += 1
        return out

    def _resolve(self, mention: _Mention, others: list[_Mention]) -> tuple[str, tuple[str, ...]] | None:
        scored = []
        for code, derived in mention.candidates:
            ancestors = set(self.ancestors(code))
            support = [m.surface for m in others if any(c in ancestors for c, _ in m.candidates)]
            if derived and self.entries[code].level in _WEAK_DERIVED_LEVELS and not support:
                continue
            key = (len(support), self.depth(code), not derived)
            scored.append((key, code, tuple(support)))
        if not scored:
            return None
        best_key = max(k for k, _, _ in scored)
        best = [(code, support) for k, code, support in scored if k == best_key]
        if len(best) == 1:
            return best[0][0], (mention.surface, *best[0][1])
        common = self._common_ancestor([code for code, _ in best])
        return (common, (mention.surface,)) if common else None

    def _matches(self, text: str) -> list[tuple[tuple[int, int, int, int], PlaceMatch]]:
        mentions = self.mentions(text)
        out = []
        for mention in mentions:
            others = [m for m in mentions if m is not mention]
            resolved = self._resolve(mention, others)
            if resolved is None:
                continue
            code, evidence = resolved
            entry = self.entries[code]
            key = (
                len(evidence) - 1,
                self.depth(code),
                int(code in [c for c, d in mention.candidates if not d]),
                -mention.start,
            )
            out.append(
                (
                    key,
                    PlaceMatch(
                        code,
                        entry.name,
                        entry.level,
                        (mention.start, mention.end),
                        evidence,
                    ),
                )
            )
        return out

    def locate(self, text: str) -> PlaceMatch | None:
        """The most specific region ``text`` is about, or None when none is named.

        The answer for the last text is kept: the pipeline's place step and the area it finds both ask.
        """
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        matches = self._matches(text)
        found = None
        if matches:
            best = max(matches, key=lambda km: km[0])[1]
            unlisted = tuple(self.unlisted_places(text))
            found = PlaceMatch(best.code, best.name, best.level, best.span, best.evidence, unlisted)
        self._last = (text, found)
        return found

    def locate_all(self, text: str) -> list[PlaceMatch]:
        """Every distinct region named in ``text``, in order of first mention."""
        seen: dict[str, PlaceMatch] = {}
        for _, match in sorted(self._matches(text), key=lambda km: km[1].span):
            seen.setdefault(match.code, match)
        return list(seen.values())

    def unlisted_places(self, text: str) -> list[str]:
        """Compound and road names in ``text`` that the gazetteer does not know.

        A token ending in a compound or road suffix is extended leftwards over
        at most three more tokens (eight characters in all), stopping at
        punctuation, stop-words, known region names and single-character
        function words (``住在``/``沿``/``到``).  Names contained in a longer
        found name are dropped (``翠竹苑`` inside ``翠竹苑小区``), and an
        administrative prefix is cut (``长沙市岳麓区联丰路 → 联丰路``).  jieba
        mis-segmentation limits this (``沿楚江北路去`` is cut ``沿楚|江北|路去``).
        """
        found: dict[str, None] = {}
        text = normalize(text)
        # a name is within a run between punctuation marks (a mark stops it), and each run is segmented
        # alone: only the runs with a suffix are segmented, with the tokens they have in the whole text
        for start, end in segment_runs(text):
            if self._unlisted_suffix_re.search(text, start, end):
                self._unlisted_in(self.segmenter.cut(text[start:end], normalized=True), found)
        names = list(found)
        return [n for n in names if not any(n != other and n in other for other in names)]

    @cached_property
    def _unlisted_suffix_re(self) -> re.Pattern[str]:
        return re.compile("|".join(map(re.escape, self.language.unlisted_suffixes)) or "(?!)")

    def _unlisted_in(self, tokens: list[str], found: dict[str, None]) -> None:
        """The names of :meth:`unlisted_places` in a run's ``tokens`` added to ``found``."""
        suffixes = self.language.unlisted_suffixes
        for i, token in enumerate(tokens):
            if token in _NOT_PLACES and token not in suffixes:
                continue
            if not token.endswith(suffixes):
                continue
            name = token
            j = i - 1
            while j >= 0 and i - j < _MAX_UNLISTED_TOKENS + 1:
                if not self._extends_name(tokens[j], name):
                    break
                name = tokens[j] + name
                j -= 1
            head = _ADMIN_PREFIX.sub("", name[: len(name) - len(token)])
            name = head + token
            if name in self._surfaces or name in _NOT_PLACES or len(name) < 3:
                continue
            found.setdefault(name, None)

    def _extends_name(self, prev: str, name: str) -> bool:
        if len(prev) + len(name) > _MAX_UNLISTED_CHARS:
            return False
        if prev in STOPWORDS or prev in self._surfaces:
            return False
        if len(prev) == 1 and prev in _BOUNDARY_CHARS:
            return False
        return all("\u4e00" <= ch <= "\u9fff" or ch.isalnum() for ch in prev)
