"""The features of each character the place CRF (``spans.py``) reads: the character, its neighbours and
bigrams, its class, the deployment's place suffixes (:class:`~massline.analysis.places.Language`), the suffix
rules' names (:func:`rule_mentions`), comparison words before it and where it stands."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import AnyStr

from massline.analysis.places.keys import extract_places
from massline.analysis.places.language import GENERAL, Language

__all__ = ["COMPARISON_WORDS", "char_features", "char_features_utf8", "place_type_of", "rule_mentions"]

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


Marks = tuple[dict[int, str], set[int], set[int], dict[int, str]]  # suffix ends, inside suffixes, compared, rules


def _marks(text: str, title_len: int, language: Language, rules: list[tuple[int, int, str]] | None) -> Marks:
    """The sparse features' offsets: where a suffix ends (its kind), inside a suffix, after a comparison word, and
    the suffix rules' names (``rB=``/``rI=`` and their type)."""
    ends, inside = _suffix_marks(text, language)
    ruled: dict[int, str] = {}
    for start, end, place_type in rule_mentions(text, title_len, language) if rules is None else rules:
        ruled[start] = "rB=" + place_type
        for k in range(start + 1, end):
            ruled[k] = "rI=" + place_type
    compared: set[int] = set()
    for match in _COMPARISON_RE.finditer(text):
        compared.update(range(match.end(), min(len(text), match.end() + 8)))
    return ends, inside, compared, ruled


#: The fixed parts of the features (prefixes and whole features), as text and as the UTF-8 crfsuite reads.
_WORDS = ("c=", "p1=", "p2=", "n1=", "n2=", "b-=", "b+=", "b--=", "b++=", "k=", "k-=", "k+=", "t", "b0", "b1")
_WORDS_UTF8 = tuple(word.encode() for word in _WORDS)


def _rows(
    padded: Sequence[AnyStr], classes: Sequence[AnyStr], title_len: int, marks: Marks,
    words: Sequence[AnyStr], spelt: Callable[[str], AnyStr],
) -> list[list[AnyStr]]:  # fmt: skip
    """The features of each character of ``padded`` but the two first and last (``^^`` text ``$$``), as ``str``
    or as ``bytes`` (``words``: :data:`_WORDS` or :data:`_WORDS_UTF8`; ``spelt``: how a sparse mark is written)."""
    ends, inside, compared, ruled = marks
    c_, p1_, p2_, n1_, n2_, bm_, bp_, bmm_, bpp_, k_, km_, kp_, title_, near_, far_ = words
    out = []
    for i in range(len(padded) - 4):
        j = i + 2
        c, p1, p2, n1, n2 = padded[j], padded[j - 1], padded[j - 2], padded[j + 1], padded[j + 2]
        feats = [
            c_ + c, p1_ + p1, p2_ + p2, n1_ + n1, n2_ + n2,
            bm_ + p1 + c, bp_ + c + n1, bmm_ + p2 + p1, bpp_ + n1 + n2,
            k_ + classes[j], km_ + classes[j - 1] + classes[j], kp_ + classes[j] + classes[j + 1],
            title_ if i < title_len else (near_ if i < title_len + 40 else far_),
        ]  # fmt: skip
        if i in ends:
            feats.append(spelt("end=" + ends[i]))
        if i in inside:
            feats.append(spelt("suf"))
        if i + 1 in ends:
            feats.append(spelt("pre_end"))
        if i in compared:
            feats.append(spelt("cmp"))
        if i in ruled:
            feats.append(spelt(ruled[i]))
        out.append(feats)
    return out


def _same(text: str) -> str:
    return text


def char_features(
    text: str,
    title_len: int,
    language: Language = GENERAL,
    rules: list[tuple[int, int, str]] | None = None,
) -> list[list[str]]:
    """Features of each character of ``text`` (title, newline, body); the title is ``text[:title_len]``.

    ``rules``: the suffix rules' names (:func:`rule_mentions`), computed when not given.
    """
    padded = f"^^{text}$$"
    classes = [_char_class(c) for c in padded]
    return _rows(padded, classes, title_len, _marks(text, title_len, language, rules), _WORDS, _same)


#: A character class as crfsuite reads it.
_CLASS_UTF8 = {kind: kind.encode() for kind in "HDLSP"}


def char_features_utf8(
    text: str,
    title_len: int,
    language: Language = GENERAL,
    rules: list[tuple[int, int, str]] | None = None,
) -> list[list[bytes]]:
    """:func:`char_features` encoded in UTF-8, as crfsuite reads them (the same features: the binding would
    encode every one of them; each character is encoded here once)."""
    padded = f"^^{text}$$"
    classes = [_CLASS_UTF8[_char_class(c)] for c in padded]
    encoded = [c.encode() for c in padded]
    return _rows(encoded, classes, title_len, _marks(text, title_len, language, rules), _WORDS_UTF8, str.encode)
