"""The place model of the pipeline's place step: the shipped file, loaded once per file and language.

:data:`PLACE_MODEL` is the place-span extractor trained by ``massline places train`` from the
repository's labels (``massline.analysis.places.spans``). When the file is missing or unreadable
the place step keeps to the gazetteer alone (its behaviour before the model).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from massline.services.classifier import load_cached

if TYPE_CHECKING:
    from massline.analysis.places import Language, PlaceTagger

__all__ = ["PLACE_MODEL", "load_place_tagger"]

log = logging.getLogger(__name__)

#: The place model shipped with the package.
PLACE_MODEL = Path(str(resources.files("massline") / "data" / "models" / "places.crfsuite"))

def load_place_tagger(path: Path | None, language: Language) -> PlaceTagger | None:
    """The place model at ``path`` for ``language``, or None when there is none (logged when unreadable)."""
    if path is None:
        return None
    from massline.analysis.places import PlaceTagger

    try:
        return load_cached(path, lambda p: PlaceTagger(p, language), variant=language)
    except OSError as exc:
        log.warning("place model not used: %s", exc)
        return None
