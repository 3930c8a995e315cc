"""The administrative area (行政区) a message's place or problem is in.

Candidates are the administrative units written in the text
(:func:`~massline.analysis.places.regions.regions_in`: ``长乐县``, ``岳麓区``)
and the towns and sub-districts (``含浦街道``, ``黄花镇``) of its named places;
a unit right after a comparison word (``隔壁浏阳市都有``) is dropped.  The most
specific level wins (town > district/county > city > province); among equals
the one in the title, then the one nearest before the place.  With the
deployment's :class:`~massline.analysis.places.Gazetteer`, a region it
locates (and not only for comparison) wins over the text's guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from massline.analysis.places.gazetteer import Gazetteer
from massline.analysis.places.keys import extract_places
from massline.analysis.places.language import GENERAL, Language
from massline.analysis.places.names import Bounds
from massline.analysis.places.regions import regions_in
from massline.analysis.places.spans import _COMPARISON_RE, PlaceSpan

__all__ = ["Area", "area_of"]

_LEVEL = {"省": 0, "市": 1, "区": 2, "县": 2, "town": 3}
MAX_TOWN = 6  # a longer "town" is a phrase glued to one (国庆带家人去云溪古镇)


def _same(name: str, place: str) -> bool:
    return name in place or place in name


@dataclass(frozen=True)
class Area:
    """An administrative area: its name as written, offset in the text, and where it came from."""

    name: str
    start: int
    source: str  # "text" or "gazetteer"

    def as_evidence(self) -> dict[str, object]:
        """The area as JSON evidence."""
        return {"name": self.name, "start": self.start, "source": self.source}


def _compared(text: str, start: int) -> bool:
    return bool(_COMPARISON_RE.search(text[max(0, start - 8) : start]))


def _candidates(
    text: str, place: PlaceSpan | None, language: Language, spans: Sequence[PlaceSpan] | None
) -> list[tuple[int, str, int]]:
    """(level, name, start) of the units and towns in ``text``, without those named for comparison."""
    bounds = Bounds(text, language.code_split_re)
    levels = language.unit_levels
    out = [(levels.get(name, _LEVEL.get(name[-1], 1)), name, s) for s, name in regions_in(text, bounds, language)]
    if spans is None:
        towns = [(m.start, m.name) for m in extract_places(text, language=language) if m.kind == "town"]
    else:
        towns = [(s.start, s.text) for s in spans if s.text.endswith(language.town_suffixes)]
    for start, name in towns:
        cut = _units_before(name, language)
        start, name = start + cut, name[cut:]
        if _unit_stem(text, start + len(name), name, language):
            continue
        if len(name) <= MAX_TOWN and not name.endswith("古镇") and not (place and _same(name, place.text)):
            out.append((_LEVEL["town"], name, start))
    return [c for c in out if not _compared(text, c[2])]


def _known(name: str, language: Language) -> bool:
    return (
        name in language.region_set
        or name in language.unit_levels
        or bool(language.code_unit_re and language.code_unit_re.fullmatch(name))
    )


def _units_before(town: str, language: Language) -> int:
    """How many characters of known units (the deployment's, China's, codes) a town's name starts with
    (``长沙县皇图岭镇`` -> 3): the town is what follows them."""
    cut = 0
    while True:
        k = next((k for k in range(len(town) - 3, cut + 1, -1) if _known(town[cut:k], language)), None)
        if k is None:
            return cut
        cut = k


def _unit_stem(text: str, end: int, town: str, language: Language) -> bool:
    """Whether a "town" is the stem of a known unit whose 市, 县 or 区 follows it (``提高湘乡`` of
    ``提高湘乡市``, ``打造宁乡`` of ``打造宁乡县``)."""
    if text[end : end + 1] not in ("市", "县", "区"):
        return False
    return any(_known(town[k:] + text[end], language) for k in range(len(town) - 1))


def area_of(
    text: str,
    place: PlaceSpan | None = None,
    language: Language | None = None,
    gazetteer: Gazetteer | None = None,
    title_len: int = 0,
    spans: Sequence[PlaceSpan] | None = None,
) -> Area | None:
    """The most specific administrative area of ``text`` (title, newline, body) and its ``place``.

    ``title_len``: length of the title at the start of ``text`` (units in the title are preferred);
    ``spans``: the places found in ``text`` (:meth:`PlaceTagger.read`), whose towns are candidates (found
    by the suffix rules when not given).
    """
    language = language or GENERAL
    if gazetteer is not None:
        match = gazetteer.locate(text)
        if match is not None and not _compared(text, match.span[0]):
            return Area(match.name, match.span[0], "gazetteer")
    candidates = _candidates(text, place, language, spans)
    if not candidates:
        return None
    anchor = place.start if place is not None else len(text)

    def rank(c: tuple[int, str, int]) -> tuple[int, int, int]:
        level, _name, start = c
        before = start < anchor
        return (level, int(start < title_len), -(anchor - start) if before else -len(text) - start)

    _level, name, start = max(candidates, key=rank)
    return Area(name, start, "text")
