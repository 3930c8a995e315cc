"""Administrative units named in a text (``长沙市``, ``岳麓区``; unit codes (a letter and digits before 区) when the
deployment's language writes units as codes)."""

from __future__ import annotations

from functools import lru_cache

from massline.analysis.places.language import GENERAL, Language
from massline.analysis.places.names import Bounds, tag_words
from massline.analysis.places.words import (
    CJK,
    COMMON_STEM_TAGS,
    GENERIC_AREA_STEMS,
    GLUED_TAGS,
    LEAD_WORDS,
    NOT_ADMIN_HEADS,
    NOT_UNIT_WORDS,
    SINGLE_GLUED_TAGS,
    UNIT_RE,
    ZONE_STEMS,
)

__all__ = ["regions_in", "regions_of"]


def regions_in(text: str, bounds: Bounds, language: Language) -> list[tuple[int, str]]:
    """Administrative units of ``text`` with their offsets, each starting at a word boundary.

    A unit code (when the language has codes) or one of the language's
    ``region_names`` (its gazetteer: ``岳麓区``, which the segmenter does not
    know as a place) is taken as written; another name takes 2–3 characters before the unit, starts at a word
    boundary (``临川区`` of ``感谢临川区``), loses leading function words and
    verbs (``恳请市`` names nothing), starts where the segmenter's word does when that word is the
    whole name (``长乐县`` of ``地铁3号线长乐县``) and is not a relation (``隔壁省``) nor
    the end of a word (``很多城市``).
    """
    out: list[tuple[int, str]] = []
    last = 0
    codes = language.code_unit_re
    known = language.region_set
    for unit in UNIT_RE.finditer(text):
        u = unit.start()
        if u < last:
            continue
        named = next((s for s in range(max(last, u - 6), u - 1) if text[s : u + 1] in known), None) if known else None
        if named is not None:
            out.append((named, text[named : u + 1]))
            last = u + 1
            continue
        starts = range(max(last, u - 4), u)
        code = next((m for i in starts if (m := codes.match(text, i)) and m.end() == u + 1), None) if codes else None
        if code:
            out.append((code.start(), code.group()))
            last = code.end()
            continue
        division = _division(text, u, last, bounds, language)
        if division is not None:
            out.append((division, text[division : u + 1]))
            last = u + 1
            continue
        for s0 in range(max(last, u - 3), u - 1):
            if not all(CJK.match(c) for c in text[s0:u]) or s0 not in bounds:
                continue
            word = text[max(b for b in range(s0, u + 1) if b in bounds) : u + 1]
            if u + 1 not in bounds or word in NOT_UNIT_WORDS or _common_word(word):
                continue  # the unit is inside a longer word: 城市, 地区, 区域 (not 星沙四区), or a word: 游乐区
            s1 = bounds.strip_lead(s0, u)
            if len(word) >= 3:  # the segmenter's word is the whole name: 长乐县 of 地铁3号线长乐县, not 线长乐县
                s1 = max(s1, u + 1 - len(word))
            if u - s1 >= 2 and not text[s1:u].startswith(NOT_ADMIN_HEADS):
                if not (language.unit_levels and _no_unit(text[s1 : u + 1])):
                    out.append((s1, text[s1 : u + 1]))
                    last = u + 1
            break
    return out


def _division(text: str, u: int, last: int, bounds: Bounds, language: Language) -> int | None:
    """The start of the longest known unit name (``language.unit_levels``) ending with the unit at ``u``, or None.

    The name starts at a word boundary (not ``海城市`` of ``沿海城市``, ``下城区`` of ``一下城区``); a name of
    two characters (``澧县``, ``南县``) is a word of the text (not ``南县`` of ``湖南县城``) after a word that is not
    one character of a name the segmenter does not know (not ``沙县`` of ``星沙县``, but ``在南县``).
    """
    levels = language.unit_levels
    if not levels:
        return None
    for s in range(max(last, u + 1 - language.unit_longest), u):
        if text[s : u + 1] in levels and s in bounds and (u - s > 1 or _word_of_two(text, s, bounds)):
            return s
    return None


def _word_of_two(text: str, s: int, bounds: Bounds) -> bool:
    """Whether the two characters at ``s`` are a word after a word of two characters or more, a lead word or no
    Chinese character."""
    if s + 2 not in bounds:
        return False
    if s == 0 or not CJK.match(text[s - 1]) or s - 1 not in bounds:
        return True
    return text[s - 1] in LEAD_WORDS


@lru_cache(maxsize=4096)
def _no_unit(name: str) -> bool:
    """Whether a name ending like a unit, no known one, is words glued to the unit (``按照省市``, ``县是农县``:
    a verb, function word or numeral, or another unit before it) or a common noun (``居民区``, ``棚户区``);
    development zones (``经开区``) are units."""
    stem = name[:-1]
    if stem.endswith(ZONE_STEMS):
        return False
    if any(c in "省市区县" for c in stem):
        return True
    tags = tag_words(name)
    if len(tags) == 1 and tags[0][1] == "n":
        return True
    return any(tag.startswith(GLUED_TAGS) and tag != "vn" and (len(word) >= 2 or tag[0] in SINGLE_GLUED_TAGS)
               for word, tag in tag_words(stem))  # fmt: skip


@lru_cache(maxsize=4096)
def _common_word(word: str) -> bool:
    """A dictionary word that is not a place name (游乐区, 生活区, 集中区 — not 东城区, 岳麓区, 天心区).

    The segmenter's part-of-speech tags of whole names are unreliable (岳麓区 is tagged a person, 天心区 a
    noun), so the stem before the unit decides: a verb or adjective (集中, 开发, 生活) or a noun naming
    what an area is for (工业, 风景) makes a common word; any other stem may be a name.
    """
    tags = tag_words(word)
    if len(tags) != 1 or len(word) < 3 or tags[0][1] == "ns":
        return False
    stem = word[:-1]
    stem_tags = tag_words(stem)
    return stem in GENERIC_AREA_STEMS or (len(stem_tags) == 1 and stem_tags[0][1] in COMMON_STEM_TAGS)


def regions_of(text: str, language: Language | None = None) -> list[str]:
    """Administrative units named in ``text`` (``长沙市``, ``岳麓区``), in order.

    ``language``: the deployment's place grammar (default: general Chinese).
    """
    language = language or GENERAL
    return list(dict.fromkeys(region for _, region in regions_in(text, Bounds(text, language.code_split_re), language)))
