"""The category classifier in the platform: where the model lives, loading it, retraining it.

The model file is the deployment's (``Settings.classifier_model``, by default
``instance/models/category.joblib``). It is loaded once per process and loaded
again only when the file changes (path + modification time + size).

``retrain`` learns from the deployment's own history: the category of every
answered case (replied or closed), and of every case whose category an
official corrected (a ``category_changed`` event with an actor), whatever its
state — corrections are the strongest labels the platform gets.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from massline.analysis.classify import CategoryClassifier, ModelFormatError, text_of
from massline.models import Category, Message, MessageEvent
from massline.services.errors import ValidationFailed

ANSWERED = ("replied", "closed")
MIN_TOTAL = 20
MIN_PER_CLASS = 5
_FLOOR_PER_CLASS = 3  # the calibration uses 3 folds: fewer examples per class cannot train

_MAX_CACHED = 2
_cache: dict[str, tuple[tuple[int, int], CategoryClassifier]] = {}
_cache_lock = threading.Lock()


class ModelUnavailable(Exception):
    """The configured model file exists but cannot be used."""


def load_classifier(path: Path) -> CategoryClassifier | None:
    """The model at ``path`` (cached per process until the file changes); None when there is none.

    Raises ModelUnavailable when the file exists but is not a usable model.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = str(path.resolve())
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            model = CategoryClassifier.load(path)
        except (ModelFormatError, OSError) as exc:
            raise ModelUnavailable(str(exc)) from exc
        _cache.pop(key, None)
        while len(_cache) >= _MAX_CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (stamp, model)
        return model


@dataclass
class TrainingSet:
    """Labelled messages from the deployment's history."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    answered: int = 0
    corrected: int = 0


def training_set(session: Session) -> TrainingSet:
    """Texts and first-level categories of answered or officially corrected messages."""
    corrected = exists().where(
        MessageEvent.message_id == Message.id,
        MessageEvent.type == "category_changed",
        MessageEvent.actor_id.is_not(None),
    )
    rows = session.execute(
        select(Message.title, Message.body, Message.status, Category.path, corrected.label("corrected"))
        .join(Category, Category.id == Message.category_id)
        .where(or_(Message.status.in_(ANSWERED), corrected))
        .order_by(Message.id)
    )
    out = TrainingSet()
    for title, body, status, path, was_corrected in rows:
        out.texts.append(text_of(title, body))
        out.labels.append(path.split("/", 1)[0])
        if was_corrected:
            out.corrected += 1
        if status in ANSWERED:
            out.answered += 1
    return out


@dataclass
class RetrainReport:
    """What ``retrain`` learnt from and wrote."""

    path: Path
    model_version: str
    messages: int
    answered: int
    corrected: int
    classes: dict[str, int]
    dropped_classes: dict[str, int]
    seconds: float


def retrain(
    session: Session,
    path: Path,
    *,
    threshold: float = 0.5,
    min_per_class: int = MIN_PER_CLASS,
    min_total: int = MIN_TOTAL,
) -> RetrainReport:
    """Train a category model on the deployment's history and replace the file at ``path`` atomically.

    Categories with fewer than ``min_per_class`` labelled messages are left out.
    Raises ValidationFailed when fewer than ``min_total`` labelled messages or
    fewer than two categories remain; the old model then stays in place.
    """
    data = training_set(session)
    counts = Counter(data.labels)
    floor = max(min_per_class, _FLOOR_PER_CLASS)
    keep = {label for label, n in counts.items() if n >= floor}
    dropped = {label: n for label, n in counts.items() if label not in keep}
    pairs = [(t, label) for t, label in zip(data.texts, data.labels, strict=True) if label in keep]
    if len(pairs) < min_total:
        raise ValidationFailed(
            {
                "data": f"可用于训练的已办结或已更正分类的留言只有 {len(pairs)} 条，至少需要 {min_total} 条 "
                f"(only {len(pairs)} labelled messages with ≥ {floor} per category; need {min_total})"
            }
        )
    if len(keep) < 2:
        raise ValidationFailed(
            {"data": f"至少需要两个领域各有 {floor} 条已标注留言 (need two categories with ≥ {floor} messages each)"}
        )
    taxonomy = [tuple(p.split("/")) for p in session.scalars(select(Category.path).where(Category.level > 1))]
    start = time.perf_counter()
    model = CategoryClassifier(threshold=threshold).fit(
        [t for t, _ in pairs], [label for _, label in pairs], taxonomy=taxonomy
    )
    seconds = time.perf_counter() - start
    save_atomically(model, path)
    return RetrainReport(
        path=path,
        model_version=model.model_version(),
        messages=len(pairs),
        answered=data.answered,
        corrected=data.corrected,
        classes={label: counts[label] for label in sorted(keep)},
        dropped_classes=dropped,
        seconds=seconds,
    )


def save_atomically(model: CategoryClassifier, path: Path) -> None:
    """Write ``model`` to a temporary file next to ``path``, then rename it over ``path``.

    Readers (the worker, another process) see the old file or the new one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        model.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
