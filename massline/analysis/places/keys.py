"""Place keys for issue discovery: which compound, road, school or company a
message is about, without needing a gazetteer.

An issue is "one problem in one place", so every message gets a *place key*:
the most specific named place it is about.  Names are found by their suffix,
from the deployment's :class:`~massline.analysis.places.Language`
(``…小区/花园/家园/新村/新城/苑/园``, ``…学校/小学/医院/公司/工地``,
``…村/社区``, ``…路/街/大道/巷``, ``…镇/乡/街道``); the name runs left from
the suffix over name characters and is cut after an administrative unit
(``长沙市天心区丽发新城小区 → 丽发新城小区``), a road in front of a compound
(``劳动东路魅力之城小区 → 魅力之城小区``), or a cue word (``投诉``, ``在``,
``附近``...), see :mod:`~massline.analysis.places.names`.  The *core* drops
generic tails (``丽发新城小区`` and ``丽发新城社区`` both have the core
``丽发新城``) and is the key.

Citizens often name a compound without its suffix (``丽发新城附近建搅拌站``,
``万科魅力之城大降价``).  ``PlaceVocabulary`` (issues) remembers every core
seen with a suffix and finds those cores as plain substrings later, so such
messages still get their place.  Keys are compatible when one contains the
other (``魅力之城`` and ``万科魅力之城``): see :func:`compatible`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from massline.analysis.places.language import GENERAL, Language
from massline.analysis.places.names import Bounds, left_name, tag_words
from massline.analysis.places.regions import regions_in
from massline.analysis.places.words import (
    BUSINESS_WORDS,
    CODE_TAIL,
    COMPANY_TAIL,
    DEVELOPER_BRANDS,
    GENERIC_INSTITUTION,
    GENERIC_SITE,
    LINE_RE,
    NOT_IN_NAME_TAGS,
    NOT_NAMES,
    NOT_ROADS,
    PARK_RE,
    PROJECT_NAME_STOPS,
    ROAD_TAIL_RE,
    TOWN_TAIL_RE,
    TRADE_ONLY,
    VILLAGE_WORD_TAILS,
)

CJK_WORD = re.compile("[\u4e00-\u9fff]+")
_NOT_PROJECT_TAGS = ("v", "d", "p", "c", "u", "r", "m", "b", "x")

__all__ = ["KIND_PRIORITY", "PlaceMention", "compatible", "company_key", "extract_places", "place_key"]

# kind -> priority: higher = more specific.
KIND_PRIORITY = {"compound": 5, "institution": 4, "case": 4, "village": 3, "park": 3, "road": 2, "town": 1}


@dataclass(frozen=True)
class PlaceMention:
    """A named place in a text: its surface ``name``, its ``key`` and kind."""

    name: str
    key: str
    kind: str
    start: int

    @property
    def priority(self) -> int:
        """How specific the kind is (compound 5 … town 1)."""
        return KIND_PRIORITY.get(self.kind, 0)


def place_key(name: str, language: Language | None = None) -> str:
    """The key of a place name: generic tails dropped (``丽发新城小区 → 丽发新城``)."""
    for tail in (language or GENERAL).generic_tails:
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            return name[: -len(tail)]
    return name


@lru_cache(maxsize=65536)
def company_key(key: str) -> str:
    """A company's key as people say it: ``江州恒达电子科技`` → ``恒达电子``.

    Tails people leave out (科技, 实业...) are dropped, then a leading place
    name (the segmenter's ``ns``) when at least four characters remain.
    """
    short = COMPANY_TAIL.sub("", key)
    if len(short) < 4:
        return key
    words = tag_words(short)
    if len(words) > 1 and words[0][1] == "ns" and len(words[0][0]) >= 2 and len(short) - len(words[0][0]) >= 4:
        short = short[len(words[0][0]) :]
    return short


@lru_cache(maxsize=65536)
def _name_like(head: str) -> bool:
    """No verb or function word of two characters or more, nor a function character (就, 的): 问就说 is no name."""
    for word, tag in tag_words(head):
        if tag.startswith(NOT_IN_NAME_TAGS) and tag != "vn" and (len(word) >= 2 or tag[0] in "dpcur"):
            return False
    return True


def _described_only(suffix: str, kind: str, head: str) -> bool:
    """Whether a name is made only of generic words (人民医院, 第一中学, 商业综合体工地) and needs
    the district, town or road written in front of it."""
    if suffix == "工地" and GENERIC_SITE.fullmatch(head):
        return True
    return kind == "institution" and not head.startswith("市") and bool(GENERIC_INSTITUTION.fullmatch(head))


def _qualifier(text: str, start: int, bounds: Bounds, language: Language) -> str:
    """The district or town written right before ``start`` (``临川区`` of ``临川区人民医院``), or ``""``."""
    for region_start, region in reversed(regions_in(text[:start], bounds, language)):
        if region_start + len(region) == start:
            return region
        break
    if text[start - 1 : start] == "市":  # 表扬市中心医院: the city's
        return "市"
    town = TOWN_TAIL_RE.search(text, max(0, start - 6), start)
    if town:
        t0 = bounds.strip_lead(bounds.next(town.start(), start), start)
        if start - t0 >= 3:
            return text[t0:start]
    road = ROAD_TAIL_RE.search(text, max(0, start - 8), start)  # 滨江路商业综合体工地
    if road:
        r0 = bounds.strip_lead(bounds.next(road.start(), start), start)
        if start - r0 >= 3 and text[r0:start][-2:] not in NOT_ROADS:
            return text[r0:start]
    return ""


def _case_head(head: str, suffix: str, language: Language) -> str:
    """The short name of a case platform: its code (``88理财`` with suffix 理财) or its last two
    characters before the suffix.

    Not 经侦公正办理88理财; a coded suffix without a code (办理理财) names none.
    """
    code = CODE_TAIL.search(head)
    if code:
        return code.group()
    return "" if suffix in language.coded_case_suffixes else head[-2:]


def _suffix_name(
    text: str, match: re.Match[str], bounds: Bounds, language: Language
) -> tuple[str, int, str, str] | None:
    """``(name, start, kind, suffix)`` of the place ending in the suffix ``match``, or None when none is named."""
    suffix = match.group()
    kind = language.kind_of[suffix]
    if kind == "village" and text[match.end() : match.end() + 1] in VILLAGE_WORD_TAILS:
        return None  # 村民, 村委, 村干部 are no village names (高桥村村民 is 高桥村)
    head = left_name(text, match.start(), language, keep_digits=kind == "case", bounds=bounds)
    if kind == "case":
        head = _case_head(head, suffix, language)
    elif len(head) < 2 and not (kind == "road" and head.isdigit()):
        return None
    if not head:
        return None
    name = head + suffix
    start = match.start() - len(head)
    if (
        name in NOT_NAMES
        or head in NOT_NAMES
        or (kind == "road" and (name[-2:] in NOT_ROADS or name.endswith("道路")))  # 丽发新城道路: a road of it
    ):
        return None
    if suffix in language.organisation_suffixes:
        core = BUSINESS_WORDS.sub("", head)
        if len(core) < 2 or TRADE_ONLY.fullmatch(head) or not _name_like(core):
            return None  # 房地产开发有限公司, 一家物流公司, 问就说公司 name no company
    if _described_only(suffix, kind, head):
        # 人民医院, 商业综合体工地 alone are no place: 临川区人民医院, 滨江路商业综合体工地 are
        qualifier = _qualifier(text, start, bounds, language)
        if not qualifier:
            return None
        name, start = qualifier + name, start - len(qualifier)
    return name, start, kind, suffix


def _mention(name: str, start: int, kind: str, suffix: str, language: Language) -> PlaceMention:
    """The mention of a suffix name, with its key and final kind (route, park, compound of a 社区)."""
    head = name[: -len(suffix)] if suffix else name
    if kind == "road" and head[-1:].isdigit():
        kind = "route"  # 809路 is a bus route
    key = place_key(name, language)
    if kind == "village" and key.endswith(language.compound_suffixes):
        kind = "compound"  # 丽发新城社区 is the compound 丽发新城
    elif kind == "compound" and PARK_RE.search(name):
        kind = "park"  # 金桥工业园: an area of companies, not a residence
    elif suffix in language.organisation_suffixes:
        key = company_key(key)
    return PlaceMention(name, key, kind, start)


def _brand_project(text: str, end: int) -> str:
    """The project name written right after a developer's brand ending at ``end``
    (``碧桂园南城首府二期`` → ``南城首府``), or ``""``: nouns and names, at most six characters,
    up to a verb, a function word or a word that ends a project's name (二期, 业主, 精装...)."""
    project = ""
    for word, tag in tag_words(text[end : end + 8]):
        if word in PROJECT_NAME_STOPS or not CJK_WORD.fullmatch(word) or tag.startswith(_NOT_PROJECT_TAGS):
            break
        if len(project) + len(word) > 6:
            break
        project += word
    return project if len(project) >= 2 else ""


def _overlaps(found: list[PlaceMention], start: int) -> bool:
    return bool(found) and found[-1].start + len(found[-1].name) > start


def extract_places(text: str, sections: bool = False, language: Language | None = None) -> list[PlaceMention]:
    """Named places in ``text`` (normalised), in order, longest name per position.

    With ``sections`` (for titles), a name followed by a section code is a
    compound (``五矿万境K9区``); in long bodies that rule finds too much.
    ``language``: the deployment's place grammar (default: general Chinese).

    >>> [m.key for m in extract_places("长沙市天心区丽发新城小区附近搅拌站噪音扰民")]
    ['丽发新城']
    """
    return list(_places_in(text, sections, language or GENERAL))


@lru_cache(maxsize=1024)
def _places_in(text: str, sections: bool, language: Language) -> tuple[PlaceMention, ...]:
    """:func:`extract_places`, kept for the last texts: a message's title is read by the place model's
    features, its span choice and the issues' features."""
    found: list[PlaceMention] = []
    bounds = Bounds(text, language.code_split_re)
    section_re = language.section_re if sections else None
    sections_found = list(section_re.finditer(text)) if section_re else []
    matches = [*language.suffix_re.finditer(text), *sections_found, *LINE_RE.finditer(text)]
    for match in sorted(matches, key=lambda m: m.start()):
        suffix = match.group()
        if suffix.endswith("线"):  # a numbered or ring road: the match is the name
            if not _overlaps(found, match.start()):
                found.append(PlaceMention(suffix, suffix, "road", match.start()))
            continue
        if suffix not in language.kind_of:  # a section code: the name before it is a compound
            head = left_name(text, match.start(), language, bounds=bounds)
            if len(head) >= 3 and not _overlaps(found, match.start() - len(head)):
                found.append(PlaceMention(head, head, "compound", match.start() - len(head)))
            continue
        named = _suffix_name(text, match, bounds, language)
        if named is None:
            continue
        name, start, kind, suffix = named
        brand = next((b for b in DEVELOPER_BRANDS if kind == "compound" and name.endswith(b)), "")
        project = _brand_project(text, match.end()) if brand else ""
        if project:  # 碧桂园南城首府: the project is the place; the brand alone would join every project of it
            name, suffix = name + project, ""
        while found and found[-1].start >= start:  # a longer name containing the previous one replaces it
            found.pop()  # 伊景园 → 伊景园滨河苑
        found.append(_mention(name, start, kind, suffix, language))
    return tuple(found)


def compatible(a: str, b: str) -> bool:
    """Two place keys can be the same place when one contains the other."""
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))
