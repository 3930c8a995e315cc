"""What a pipeline step sees: the analysis context.

A *step* (:class:`~massline.services.pipeline.stepdef.Step`, in ``stepdef``)
has a name, a version and a function computing its part of the analysis for
one message (``run(ctx, session, item) -> StepResult``); optional ``prepare``
and ``finish`` hooks work on a whole batch. Steps reach the pipeline through
the ``register_pipeline_steps`` hook (``massline.hookspecs``): the built-in
ones (``plugin.py``, and the issues step of ``services.issues``) the same way
as a deployment's own.

:func:`analysis_context` builds the :class:`AnalysisContext` of a run: the
gazetteer of the current configuration and the current category model.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.places import Gazetteer, RegionEntry
from massline.analysis.text import LshIndex, MinHasher
from massline.models import Category, Region
from massline.services.alerts import AlertParams
from massline.services.classifier import ModelUnavailable, load_classifier, load_message_model
from massline.services.deployment import site_language
from massline.services.pipeline.places import PLACE_MODEL, load_place_tagger
from massline.services.routing import config_version

if TYPE_CHECKING:
    from massline.analysis.classify import CategoryClassifier, MessageModel  # scikit-learn: loaded with the model
    from massline.analysis.places import PlaceTagger  # pycrfsuite: loaded with the place model

log = logging.getLogger(__name__)

#: Region levels of the platform → levels of ``analysis.places``.
PLACE_LEVELS = {"county": "district", "town": "street"}
DUPLICATE_THRESHOLD = 0.8


@dataclass
class AnalysisContext:
    """What the steps need, built once per configuration (gazetteer) and model file (classifier)."""

    gazetteer: Gazetteer
    region_ids: dict[str, int]
    category_ids: dict[str, int]
    classifier: CategoryClassifier | None = None
    classifier_problem: str = "no model file"
    threshold: float = 0.5
    hasher: MinHasher = field(default_factory=MinHasher)
    lsh: LshIndex = field(default_factory=lambda: LshIndex(threshold=DUPLICATE_THRESHOLD))
    batch: dict[str, dict[int, Any]] = field(default_factory=dict)  # per run: results of prepare hooks
    state: dict[str, Any] = field(default_factory=dict)  # per write transaction: what a step keeps across its messages
    alert_params: AlertParams = field(default_factory=AlertParams)
    message_model: MessageModel | None = None  # kind, urgency, feeling; None: the word rules decide
    place_tagger: PlaceTagger | None = None  # the place model; None: the gazetteer alone
    #: more batches follow at once (a backlog): a step may leave its per-batch upkeep to the backlog's end
    #: (the issues step leaves its touched issues dirty, refreshed by ``issues.refresh_dirty``)
    backlog: bool = False


# ---- context -----------------------------------------------------------------

Places = tuple[Gazetteer, dict[str, int], dict[str, int]]


def _load_places(session: Session) -> Places:
    rows = list(
        session.execute(select(Region.id, Region.code, Region.name, Region.level, Region.parent_id, Region.aliases))
    )
    code_of = {rid: code for rid, code, *_ in rows}
    entries = [
        RegionEntry(
            code,
            name,
            PLACE_LEVELS.get(level, level),
            code_of.get(parent_id) if parent_id is not None else None,
            tuple(aliases or ()),
        )
        for _rid, code, name, level, parent_id, aliases in rows
    ]
    region_ids = {code: rid for rid, code in code_of.items()}
    categories = session.execute(select(Category.path, Category.id).where(Category.level == 1))
    return Gazetteer(entries, site_language(session)), region_ids, {path: cid for path, cid in categories}


class PlacesCache:
    """The gazetteer and id maps of one database, kept until its configuration version changes.

    Owned by whoever runs the pipeline repeatedly (a ``Worker``), so calling
    :func:`analysis_context` before every batch is cheap; nothing is cached
    process-wide.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[str, str, Places] | None = None

    def get(self, session: Session) -> Places:
        """The places of ``session``'s database, rebuilt when its URL or configuration version changed."""
        key = str(session.get_bind().engine.url)
        version = config_version(session)
        with self._lock:
            cached = self._cached
        if cached is not None and version and cached[:2] == (key, version):
            return cached[2]
        places = _load_places(session)
        with self._lock:
            self._cached = (key, version, places)
        return places


def analysis_context(
    session: Session,
    *,
    model_path: Path | None,
    threshold: float = 0.5,
    places: PlacesCache | None = None,
    alert_params: AlertParams | None = None,
    understanding_model: Path | None = None,
    place_model: Path | None = PLACE_MODEL,
) -> AnalysisContext:
    """The context for a run: the gazetteer of the current configuration, the current model file,
    the kind/urgency/feeling model (``understanding_model``, default: the shipped one), the place
    model (``place_model``, default: the shipped one; None or a missing file: the gazetteer alone) and
    the early-warning thresholds (``alert_params``, default: the built-in ones).

    With ``places`` the gazetteer is reused while the configuration version is
    unchanged; the model is cached per file and modification time
    (``services.classifier``), so calling this before every batch is cheap.
    """
    gazetteer, region_ids, category_ids = (places or PlacesCache()).get(session)
    classifier: CategoryClassifier | None = None
    problem = "no model file"
    if model_path is not None:
        try:
            classifier = load_classifier(model_path)
        except ModelUnavailable as exc:
            problem = f"model unreadable: {exc}"
            log.warning("category model not used: %s", exc)
        problem = "" if classifier is not None else problem
    return AnalysisContext(gazetteer, region_ids, category_ids, classifier, problem, threshold,
                           alert_params=alert_params or AlertParams(),
                           message_model=_message_model(understanding_model),
                           place_tagger=load_place_tagger(place_model, gazetteer.language))  # fmt: skip


def _message_model(path: Path | None) -> MessageModel | None:
    try:
        return load_message_model(path)
    except ModelUnavailable as exc:
        log.warning("kind/urgency/feeling model not used, the word rules decide: %s", exc)
        return None
