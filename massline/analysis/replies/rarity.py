"""How specific a word is: the words every message and reply share tell one matter from
another less than the rare ones (a place, an object, a name).

:data:`COMMON_WORDS` lists the content bigrams found in more than :data:`RARE_DF` of the
documents of the contest files (every message and every reply, 13,000 documents; written by
``scripts/replies/word_rarity.py``) with their document frequency. A word's :func:`rarity` is
``log(N / df) / log(N / RARE_DF)`` between 0 and 1: 1 for a word of at most :data:`RARE_DF`
documents (every word not listed), about 0.7 for one of 1 %, 0.35 for one of 10 %.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

__all__ = ["COMMON_WORDS", "RARE_DF", "rarities", "rarity"]

#: The table of common words shipped with the package.
COMMON_WORDS = Path(__file__).resolve().parents[2] / "data" / "replies" / "common_words.tsv"
#: A word of at most this many documents counts fully.
RARE_DF = 20


@cache
def rarities() -> dict[str, float]:
    """Each listed word's rarity (read once per process; empty when the file is absent); a word
    not listed has rarity 1."""
    if not COMMON_WORDS.is_file():
        return {}
    lines = COMMON_WORDS.read_text(encoding="utf-8").splitlines()
    total = int(lines[0].split("\t")[1])
    scale = math.log(total / RARE_DF)
    out = {}
    for line in lines[1:]:
        word, df = line.split("\t")
        out[word] = max(0.0, min(1.0, math.log(total / int(df)) / scale))
    return out


def rarity(word: str) -> float:
    """How specific ``word`` is, in [0, 1] (see the module)."""
    return rarities().get(word, 1.0)
