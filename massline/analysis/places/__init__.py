"""Places: where a message is about, against the deployment's region tree
(``gazetteer``), and the place keys (compound, road, school, company…)
issue discovery groups by (``keys``, with ``names``, ``regions`` and the
word lists of ``words``).  How a deployment's messages name places — the
suffixes, organisation names, unit codes, its regions' names — is a
:class:`Language` passed to these functions (``language``).
"""

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
