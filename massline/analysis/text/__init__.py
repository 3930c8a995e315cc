"""Text: the one cleaning of incoming text (``clean``), normalisation,
sentences and words (``segment``), personal data (``pii``), search terms,
near-duplicates (MinHash/LSH), the shared lexicon matcher with negation
and hedging, and the checks shown to a moderator before publishing (``moderation``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.analysis.text.clean import clean_text, fold, has_visible_text, nfkc
    from massline.analysis.text.dedup import LshIndex, MinHasher, near_duplicate_groups
    from massline.analysis.text.lexicon import Hit, TermMatcher, clause_bounds
    from massline.analysis.text.moderation import FINDING_LABELS, Finding, review_findings
    from massline.analysis.text.pii import mask_name, redact, remove_pii
    from massline.analysis.text.search_terms import index_terms, query_terms
    from massline.analysis.text.segment import STOPWORDS, Segmenter, normalize, segment_runs, split_sentences

__all__ = [
    "FINDING_LABELS",
    "Finding",
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
    "nfkc",
    "normalize",
    "query_terms",
    "redact",
    "remove_pii",
    "review_findings",
    "segment_runs",
    "split_sentences",
]

# The names above load on first use (PEP 562): numpy and rjieba load only with the names that use them.
_LAZY = {
    "clean": ["clean_text", "fold", "has_visible_text", "nfkc"],
    "dedup": ["LshIndex", "MinHasher", "near_duplicate_groups"],
    "lexicon": ["Hit", "TermMatcher", "clause_bounds"],
    "moderation": ["FINDING_LABELS", "Finding", "review_findings"],
    "pii": ["mask_name", "redact", "remove_pii"],
    "search_terms": ["index_terms", "query_terms"],
    "segment": ["STOPWORDS", "Segmenter", "normalize", "segment_runs", "split_sentences"],
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
