"""Places: where a message is about, against the deployment's region tree
(``gazetteer``), and the place keys (compound, road, school, company…)
issue discovery groups by (``keys``).
"""

from massline.analysis.places.gazetteer import Gazetteer, RegionEntry
from massline.analysis.places.keys import (
    CJK,
    KIND_PRIORITY,
    PlaceMention,
    compatible,
    extract_places,
    regions_of,
    tag_words,
)

__all__ = [
    "CJK",
    "Gazetteer",
    "KIND_PRIORITY",
    "PlaceMention",
    "RegionEntry",
    "compatible",
    "extract_places",
    "regions_of",
    "tag_words",
]
