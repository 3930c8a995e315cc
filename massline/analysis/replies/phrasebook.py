"""The phrase book of officialese (官话套话): patterns a plain reply avoids, each with a plainer
way to say it and a note. Read once per process from ``massline/data/replies/phrasebook.yaml``
and compiled into one regular expression, so a reply is scanned in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

#: The kinds of officialese the phrase book knows.
PHRASE_KINDS = ("空话套话", "被动推诿", "口号堆砌", "公文腔", "冷硬")


@dataclass(frozen=True)
class Phrase:
    """One officialese pattern (a regular expression), its plainer alternative, why, and its kind."""

    pattern: str
    plain: str
    note: str
    kind: str


@dataclass(frozen=True)
class Hit:
    """Where a phrase of the book occurs in a text."""

    start: int
    end: int
    text: str
    phrase: Phrase


@cache
def phrasebook() -> tuple[Phrase, ...]:
    """The phrase book's entries, in the file's order (read once)."""
    source = resources.files("massline") / "data" / "replies" / "phrasebook.yaml"
    entries = yaml.safe_load(source.read_text(encoding="utf-8"))
    return tuple(Phrase(str(e["pattern"]), str(e["plain"]), str(e["note"]), str(e["kind"])) for e in entries)


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, or None when that is not plain
    (a class, a wildcard, an optional start): such a pattern is tried at every position."""
    chars: set[str] = set()
    for branch in _branches(pattern):
        if branch.startswith("(?:"):
            depth, end = 0, 0
            for end in range(len(branch)):  # noqa: B007 - the loop finds the group's end
                depth += {"(": 1, ")": -1}.get(branch[end], 0)
                if depth == 0:
                    break
            if branch[end + 1 : end + 2] in ("?", "*", "{"):
                return None
            inner = first_chars(branch[3:end])
            if inner is None:
                return None
            chars |= inner
        elif branch and branch[0] not in "[.\\^(" and branch[1:2] not in ("?", "*", "{"):
            chars.add(branch[0])
        else:
            return None
    return frozenset(chars)


@cache
def _scanners() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str] | None]:
    """One alternation per first character (patterns in book order), and one for the patterns
    that can start anywhere: a text is tried only where a phrase can begin."""
    by_char: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for index, phrase in enumerate(phrasebook()):
        starts = first_chars(phrase.pattern)
        for char in starts if starts is not None else ():
            by_char.setdefault(char, []).append(index)
        if starts is None:
            anywhere.append(index)
    book = phrasebook()

    def compiled(indexes: list[int]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?P<p{i}>{book[i].pattern})" for i in sorted(indexes)))

    return (
        {char: compiled(indexes + anywhere) for char, indexes in by_char.items()},
        compiled(anywhere) if anywhere else None,
    )


@cache
def _candidates() -> re.Pattern[str]:
    """Where a phrase can begin: a first character of the book's patterns, or a match of those
    that can start anywhere (the scan jumps from one such place to the next)."""
    by_char, anywhere = _scanners()
    chars = "[" + "".join(re.escape(c) for c in sorted(by_char)) + "]"
    return re.compile(chars + (f"|(?:{anywhere.pattern})" if anywhere is not None else ""))


def find_officialese(text: str) -> list[Hit]:
    """The phrase-book patterns found in ``text``, left to right, not overlapping (at each
    position the first pattern of the book that matches there)."""
    book = phrasebook()
    by_char, anywhere = _scanners()
    candidates = _candidates()
    hits = []
    position = 0
    while position < len(text):
        found = candidates.search(text, position)
        if found is None:
            break
        position = found.start()
        scanner = by_char.get(text[position], anywhere)
        m = scanner.match(text, position) if scanner is not None else None
        if m is not None and m.end() > position and m.lastgroup:
            hits.append(Hit(position, m.end(), m.group(), book[int(m.lastgroup[1:])]))
            position = m.end()
        else:
            position += 1
    return hits
