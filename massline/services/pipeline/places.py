"""The place model of the pipeline's place step: the shipped file, loaded once per file and language.

:data:`PLACE_MODEL` is the place-span extractor trained by ``massline places train`` from the
repository's labels (``massline.analysis.places.spans``). When the file is missing or unreadable
the place step keeps to the gazetteer alone (its behaviour before the model).
"""

from __future__ import annotations

import logging
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massline.analysis.places import Language, PlaceTagger

__all__ = ["PLACE_MODEL", "load_place_tagger"]

log = logging.getLogger(__name__)

#: The place model shipped with the package.
PLACE_MODEL = Path(str(resources.files("massline") / "data" / "models" / "places.crfsuite"))

_lock = threading.Lock()
_cache: dict[tuple[str, float, Language], PlaceTagger] = {}


def load_place_tagger(path: Path | None, language: Language) -> PlaceTagger | None:
    """The place model at ``path`` for ``language``, or None when there is none (logged when unreadable)."""
    if path is None or not path.is_file():
        return None
    from massline.analysis.places import PlaceTagger

    key = (str(path), path.stat().st_mtime, language)
    with _lock:
        tagger = _cache.get(key)
    if tagger is None:
        try:
            tagger = PlaceTagger(path, language)
        except OSError as exc:
            log.warning("place model not used: %s", exc)
            return None
        with _lock:
            _cache.clear()
            _cache[key] = tagger
    return tagger
