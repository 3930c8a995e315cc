"""Places: where a message is about, against the deployment's region tree
(``gazetteer``), and the place keys (compound, road, school, company…)
issue discovery groups by (``keys``, with ``names``, ``regions`` and the
word lists of ``words``).  How a deployment's messages name places — the
suffixes, organisation names, unit codes, its regions' names — is a
:class:`Language` passed to these functions (``language``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massline.analysis.places.gazetteer import Gazetteer, RegionEntry
    from massline.analysis.places.keys import KIND_PRIORITY, PlaceMention, compatible, extract_places, place_key
    from massline.analysis.places.language import GENERAL, KINDS, Language
    from massline.analysis.places.names import tag_words
    from massline.analysis.places.regions import regions_of
    from massline.analysis.places.words import CJK

__all__ = [
    "CJK",
    "GENERAL",
    "Gazetteer",
    "KINDS",
    "KIND_PRIORITY",
    "Language",
    "PlaceMention",
    "RegionEntry",
    "compatible",
    "extract_places",
    "place_key",
    "regions_of",
    "tag_words",
]

# The names above load on first use (PEP 562): the segmenter (rjieba) loads only with the names that use it.
_SOURCES = {
    "Gazetteer": "gazetteer",
    "RegionEntry": "gazetteer",
    "KIND_PRIORITY": "keys",
    "PlaceMention": "keys",
    "compatible": "keys",
    "extract_places": "keys",
    "place_key": "keys",
    "GENERAL": "language",
    "KINDS": "language",
    "Language": "language",
    "tag_words": "names",
    "regions_of": "regions",
    "CJK": "words",
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
