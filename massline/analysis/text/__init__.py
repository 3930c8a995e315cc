"""Text: the one cleaning of incoming text (``clean``), normalisation,
sentences and words (``segment``), personal data (``pii``), search terms,
near-duplicates (MinHash/LSH) and the shared lexicon matcher with negation
and hedging.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massline.analysis.text.clean import clean_text, fold, has_visible_text
    from massline.analysis.text.dedup import LshIndex, MinHasher, near_duplicate_groups
    from massline.analysis.text.lexicon import Hit, TermMatcher, clause_bounds
    from massline.analysis.text.pii import mask_name, redact, remove_pii
    from massline.analysis.text.search_terms import index_terms, query_terms
    from massline.analysis.text.segment import STOPWORDS, Segmenter, normalize, split_sentences

__all__ = [
    "Hit",
    "LshIndex",
    "MinHasher",
    "STOPWORDS",
    "Segmenter",
    "TermMatcher",
    "clause_bounds",
    "clean_text",
    "fold",
    "has_visible_text",
    "index_terms",
    "mask_name",
    "near_duplicate_groups",
    "normalize",
    "query_terms",
    "redact",
    "remove_pii",
    "split_sentences",
]

# The names above load on first use (PEP 562): numpy and rjieba load only with the names that use them.
_SOURCES = {
    "clean_text": "clean",
    "fold": "clean",
    "has_visible_text": "clean",
    "LshIndex": "dedup",
    "MinHasher": "dedup",
    "near_duplicate_groups": "dedup",
    "Hit": "lexicon",
    "TermMatcher": "lexicon",
    "clause_bounds": "lexicon",
    "mask_name": "pii",
    "redact": "pii",
    "remove_pii": "pii",
    "index_terms": "search_terms",
    "query_terms": "search_terms",
    "STOPWORDS": "segment",
    "Segmenter": "segment",
    "normalize": "segment",
    "split_sentences": "segment",
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export

    def __getattr__(name: str) -> object:
        if name not in _SOURCES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_SOURCES[name]}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_SOURCES})
