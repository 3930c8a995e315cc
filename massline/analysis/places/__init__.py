"""Places: where a message is about, against the deployment's region tree
(``gazetteer``), and the place keys (compound, road, school, company…)
issue discovery groups by (``keys``, with ``names``, ``regions`` and the
word lists of ``words``).  The place a message is *about* is found by a
trained sequence labeller (``spans``: a CRF over characters, its model file
given by the caller; ``ranker``: the learned choice among its candidates;
``training`` trains both, ``span_eval`` cross-validates them) and its administrative
area by ``area``.  How a deployment's messages name places — the
suffixes, organisation names, unit codes, its regions' names — is a
:class:`Language` passed to these functions (``language``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.analysis.places.area import Area, area_of
    from massline.analysis.places.gazetteer import Gazetteer, RegionEntry
    from massline.analysis.places.keys import KIND_PRIORITY, PlaceMention, compatible, extract_places, place_key
    from massline.analysis.places.language import GENERAL, KINDS, Language
    from massline.analysis.places.names import tag_words
    from massline.analysis.places.regions import regions_of
    from massline.analysis.places.span_eval import PlaceScores, cross_validate, holdout
    from massline.analysis.places.spans import PlaceSpan, PlaceTagger, train_tagger
    from massline.analysis.places.words import CJK

__all__ = [
    "Area",
    "CJK",
    "GENERAL",
    "Gazetteer",
    "KINDS",
    "KIND_PRIORITY",
    "Language",
    "PlaceMention",
    "PlaceScores",
    "PlaceSpan",
    "PlaceTagger",
    "RegionEntry",
    "area_of",
    "compatible",
    "cross_validate",
    "holdout",
    "extract_places",
    "place_key",
    "regions_of",
    "tag_words",
    "train_tagger",
]

# The names above load on first use (PEP 562): the segmenter (rjieba) loads only with the names that use it.
_LAZY = {
    "area": ["Area", "area_of"],
    "gazetteer": ["Gazetteer", "RegionEntry"],
    "keys": ["KIND_PRIORITY", "PlaceMention", "compatible", "extract_places", "place_key"],
    "language": ["GENERAL", "KINDS", "Language"],
    "names": ["tag_words"],
    "regions": ["regions_of"],
    "span_eval": ["PlaceScores", "cross_validate", "holdout"],
    "spans": ["PlaceSpan", "PlaceTagger", "train_tagger"],
    "words": ["CJK"],
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
