"""The features of each character the place CRF (``spans.py``) reads: the character, its neighbours and
bigrams, its class, the deployment's place suffixes (:class:`~massline.analysis.places.Language`), the suffix
rules' names (:func:`rule_mentions`), comparison words before it and where it stands."""

from __future__ import annotations

import re

from massline.analysis.places.keys import extract_places
from massline.analysis.places.language import GENERAL, Language

__all__ = ["COMPARISON_WORDS", "char_features", "place_type_of", "rule_mentions"]

#: Words before a place that name it only for comparison or in passing.
COMPARISON_WORDS = (
    "比如", "例如", "譬如", "像", "隔壁", "邻近", "参照", "参考", "不如", "如同", "好比", "相比",
)  # fmt: skip
_COMPARISON_RE = re.compile("|".join(COMPARISON_WORDS))


def _char_class(c: str) -> str:
    if "\u4e00" <= c <= "\u9fff":
        return "H"
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "L"
    if c.isspace():
        return "S"
    return "P"


def _suffix_marks(text: str, language: Language) -> tuple[dict[int, str], set[int]]:
    """Offsets where a place suffix ends (-> its kind) and offsets inside a suffix."""
    ends: dict[int, str] = {}
    inside: set[int] = set()
    for match in language.suffix_re.finditer(text):
        ends[match.end() - 1] = language.kind_of[match.group()]
        inside.update(range(match.start(), match.end()))
    return ends, inside


_SCHOOL = re.compile("(?:学校|小学|中学|大学|学院|幼儿园|附中|一中|二中|三中)$")
_HOSPITAL = re.compile("(?:医院|卫生院|诊所|卫生室)$")
_COMPANY = re.compile("(?:公司|集团|厂|店)$")


def place_type_of(name: str, kind: str) -> str:
    """The guide's place type of a name the suffix rules found with their ``kind``."""
    if kind in ("village", "town"):
        return "village_town"
    if kind == "road":
        return "road"
    if kind == "case":
        return "other"
    for pattern, place_type in ((_SCHOOL, "school"), (_HOSPITAL, "hospital"), (_COMPANY, "company")):
        if pattern.search(name):
            return place_type
    return "compound" if kind == "compound" else "site"


def rule_mentions(text: str, title_len: int, language: Language = GENERAL) -> list[tuple[int, int, str]]:
    """``(start, end, place type)`` of the names the suffix rules find in the title and the body."""
    out = []
    for offset, part, sections in ((0, text[:title_len], True), (title_len + 1, text[title_len + 1 :], False)):
        for mention in extract_places(part, sections=sections, language=language):
            start = part.find(mention.name, mention.start)
            if start >= 0:
                place_type = place_type_of(mention.name, mention.kind)
                out.append((offset + start, offset + start + len(mention.name), place_type))
    return out


def char_features(
    text: str,
    title_len: int,
    language: Language = GENERAL,
    rules: list[tuple[int, int, str]] | None = None,
) -> list[list[str]]:
    """Features of each character of ``text`` (title, newline, body); the title is ``text[:title_len]``.

    ``rules``: the suffix rules' names (:func:`rule_mentions`), computed when not given.
    """
    ends, inside = _suffix_marks(text, language)
    ruled: dict[int, str] = {}
    for start, end, place_type in rule_mentions(text, title_len, language) if rules is None else rules:
        ruled[start] = "rB=" + place_type
        for k in range(start + 1, end):
            ruled[k] = "rI=" + place_type
    compared: set[int] = set()
    for match in _COMPARISON_RE.finditer(text):
        compared.update(range(match.end(), min(len(text), match.end() + 8)))
    padded = f"^^{text}$$"
    classes = [_char_class(c) for c in padded]
    out = []
    for i in range(len(text)):
        j = i + 2
        c, p1, p2, n1, n2 = padded[j], padded[j - 1], padded[j - 2], padded[j + 1], padded[j + 2]
        feats = [
            "c=" + c, "p1=" + p1, "p2=" + p2, "n1=" + n1, "n2=" + n2,
            "b-=" + p1 + c, "b+=" + c + n1, "b--=" + p2 + p1, "b++=" + n1 + n2,
            "k=" + classes[j], "k-=" + classes[j - 1] + classes[j], "k+=" + classes[j] + classes[j + 1],
            "t" if i < title_len else ("b0" if i < title_len + 40 else "b1"),
        ]  # fmt: skip
        if i in ends:
            feats.append("end=" + ends[i])
        if i in inside:
            feats.append("suf")
        if i + 1 in ends:
            feats.append("pre_end")
        if i in compared:
            feats.append("cmp")
        if i in ruled:
            feats.append(ruled[i])
        out.append(feats)
    return out
