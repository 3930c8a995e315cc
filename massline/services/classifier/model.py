"""The category classifier in the platform: where the model lives, loading it, retraining it.

The model file is the deployment's (``Settings.classifier_model``, by default
``instance/models/category.joblib``). It is loaded once per process and loaded
again only when the file changes (path + modification time + size).

``retrain`` learns from the deployment's own history: the category of every
answered case (replied or closed), and of every case whose category an
official corrected (a ``category_changed`` event with an actor), whatever its
state — corrections are the strongest labels the platform gets.

Before it replaces a model file it checks the new model on the newest cases
(see :mod:`massline.services.classifier.check`): a candidate trained on the
older cases must not score clearly worse there than the model in use.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from massline.analysis.classify import text_of
from massline.models import Category, Message, MessageEvent
from massline.services.classifier.check import TOLERANCE, Score, holdout_split, load_current, score
from massline.services.errors import ValidationFailed

if TYPE_CHECKING:
    # scikit-learn loads slowly: the functions that load or train a model import it
    from massline.analysis.classify import CategoryClassifier

ANSWERED = ("replied", "closed")
MIN_TOTAL = 20
MIN_PER_CLASS = 5
_FLOOR_PER_CLASS = 3  # the calibration uses 3 folds: fewer examples per class cannot train

_MAX_CACHED = 6  # model files kept loaded per process (category, kind/urgency/feeling, place; old versions go)
_cache: dict[tuple[str, Hashable], tuple[tuple[int, int], Any]] = {}
_cache_lock = threading.Lock()
T = TypeVar("T")


class ModelUnavailable(Exception):
    """The configured model file exists but cannot be used."""


def load_classifier(path: Path) -> CategoryClassifier | None:
    """The model at ``path`` (cached per process until the file changes); None when there is none.

    Raises ModelUnavailable when the file exists but is not a usable model.
    """
    from massline.analysis.classify import CategoryClassifier, ModelFormatError

    try:
        return load_cached(path, CategoryClassifier.load)
    except (ModelFormatError, OSError) as exc:
        raise ModelUnavailable(str(exc)) from exc


def load_cached(path: Path, load: Callable[[Path], T], variant: Hashable = None) -> T | None:
    """``load(path)``, once per process for each version of the file (its modification time and size)
    and ``variant`` (e.g. the language a place model reads); None when the file does not exist.
    What ``load`` raises is raised, and nothing is cached then.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key, stamp = (str(path.resolve()), variant), (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cast(T, cached[1])
        model = load(path)
        _cache.pop(key, None)
        while len(_cache) >= _MAX_CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (stamp, model)
        return model


def model_in_use(path: Path) -> bool:
    """True when a model file is at ``path`` (the worker classifies with it); False: no category model."""
    return path.is_file()


@dataclass
class TrainingSet:
    """Labelled messages from the deployment's history, oldest first (by message time)."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    answered: int = 0
    corrected: int = 0
    taxonomy: list[tuple[str, ...]] = field(default_factory=list)  # category paths below level 1


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
        .order_by(Message.created_at, Message.id)
    )
    out = TrainingSet()
    for title, body, status, path, was_corrected in rows:
        out.texts.append(text_of(title, body))
        out.labels.append(path.split("/", 1)[0])
        if was_corrected:
            out.corrected += 1
        if status in ANSWERED:
            out.answered += 1
    out.taxonomy = [tuple(p.split("/")) for p in session.scalars(select(Category.path).where(Category.level > 1))]
    return out


@dataclass
class RetrainReport:
    """What ``retrain`` learnt from, how the new model scored on the newest cases, and what it did.

    ``model_version`` is the version of the model in the file afterwards: the
    new one when ``replaced``, else the current one, kept. ``held_out`` is 0 and
    the candidate figures are None when the check was skipped; the current
    model's figures are None when there was no usable current model.
    ``seconds`` is the time spent training and checking.
    """

    path: Path
    model_version: str
    messages: int
    answered: int
    corrected: int
    classes: dict[str, int]
    dropped_classes: dict[str, int]
    seconds: float
    replaced: bool = True
    reason: str = ""
    held_out: int = 0
    candidate_macro_f1: float | None = None
    candidate_accuracy: float | None = None
    candidate_ece: float | None = None
    current_version: str | None = None
    current_macro_f1: float | None = None
    current_accuracy: float | None = None
    current_ece: float | None = None


def retrain(
    history: Session | TrainingSet,
    path: Path,
    *,
    threshold: float = 0.5,
    min_per_class: int = MIN_PER_CLASS,
    min_total: int = MIN_TOTAL,
    tolerance: float = TOLERANCE,
    force: bool = False,
) -> RetrainReport:
    """Train a category model on the deployment's history and replace the file at ``path``
    atomically, unless it scores clearly worse on the newest cases than the model in use.

    ``history`` is a session, or what ``training_set`` read earlier (so that
    training need not hold a transaction open). Categories with fewer than
    ``min_per_class`` labelled messages are left out; ValidationFailed when
    fewer than ``min_total`` messages or two categories remain (the old model
    stays). A candidate trained on the older ~80 % is scored on the newest
    ~20 %, as is the model in use; the file is replaced (by a model trained on
    everything) unless the candidate's macro-F1 is more than ``tolerance``
    below the current one's (``force`` replaces anyway). With too few messages
    to hold out (:func:`~massline.services.classifier.check.holdout_split`) the
    check is skipped and the model replaced.
    """
    data = training_set(history) if isinstance(history, Session) else history
    counts = Counter(data.labels)
    texts, labels, floor = _labelled(data, counts, min_per_class, min_total)
    keep = set(labels)
    taxonomy = data.taxonomy
    start = time.perf_counter()
    cut, skipped = holdout_split(labels, floor)
    check = _Check()
    if skipped is None:
        check = _held_out_check(texts, labels, cut, path, threshold, taxonomy, tolerance, force)
    else:
        check.reason = (
            f"未做留出检验：{skipped[0]}；用全部留言训练并替换了模型 "
            f"(held-out check skipped: {skipped[1]}; trained on all cases and replaced the model)"
        )
    if check.replaced:
        model = _fit(texts, labels, threshold, taxonomy)
        save_atomically(model, path)
        version = model.model_version()
    else:
        assert check.current is not None  # kept only when there is a current model that scored
        version = check.current.model_version()
    return RetrainReport(
        path=path,
        model_version=version,
        messages=len(labels),
        answered=data.answered,
        corrected=data.corrected,
        classes={label: counts[label] for label in sorted(keep)},
        dropped_classes={label: n for label, n in counts.items() if label not in keep},
        seconds=time.perf_counter() - start,
        replaced=check.replaced,
        reason=check.reason,
        held_out=len(texts) - cut,
        **check.figures(),
    )


@dataclass
class _Check:
    """The outcome of the held-out check (replace by default: no check, nothing to compare with)."""

    replaced: bool = True
    reason: str = ""
    candidate: Score | None = None
    current: CategoryClassifier | None = None
    current_score: Score | None = None

    def figures(self) -> dict[str, Any]:
        """The report's fields about the candidate and the model in use."""
        candidate, current, current_score = self.candidate, self.current, self.current_score
        return {
            "candidate_macro_f1": candidate.macro_f1 if candidate else None,
            "candidate_accuracy": candidate.accuracy if candidate else None,
            "candidate_ece": candidate.ece if candidate else None,
            "current_version": current.model_version() if current is not None else None,
            "current_macro_f1": current_score.macro_f1 if current_score else None,
            "current_accuracy": current_score.accuracy if current_score else None,
            "current_ece": current_score.ece if current_score else None,
        }


def _fit(texts: list[str], labels: list[str], threshold: float, taxonomy: list[tuple[str, ...]]) -> CategoryClassifier:
    """A new model trained on ``texts`` (scikit-learn is imported here, not when the platform starts)."""
    from massline.analysis.classify import CategoryClassifier

    return CategoryClassifier(threshold=threshold).fit(texts, labels, taxonomy=taxonomy)


def _labelled(
    data: TrainingSet, counts: Counter[str], min_per_class: int, min_total: int
) -> tuple[list[str], list[str], int]:
    """The texts and labels of the categories with enough messages, and that floor; raises when too few."""
    floor = max(min_per_class, _FLOOR_PER_CLASS)
    keep = {label for label, n in counts.items() if n >= floor}
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
    return [t for t, _ in pairs], [label for _, label in pairs], floor


def _held_out_check(
    texts: list[str],
    labels: list[str],
    cut: int,
    path: Path,
    threshold: float,
    taxonomy: list[tuple[str, ...]],
    tolerance: float,
    force: bool,
) -> _Check:
    """Score a candidate trained on the older messages, and the model in use, on the newest ones."""
    model = _fit(texts[:cut], labels[:cut], threshold, taxonomy)
    check = _Check(candidate=score(model, texts[cut:], labels[cut:]))
    current, problem = load_current(path)
    if current is not None:
        try:
            check.current_score = score(current, texts[cut:], labels[cut:])
        except Exception as exc:  # a model from another library version may load but not predict
            current, problem = None, str(exc) or exc.__class__.__name__
    check.current = current
    assert check.candidate is not None
    check.replaced, check.reason = _decide(
        check.candidate, check.current_score, problem, len(texts) - cut, tolerance, force
    )
    return check

def _decide(
    candidate: Score, current: Score | None, problem: str | None, held_out: int, tolerance: float, force: bool
) -> tuple[bool, str]:
    """Whether to replace the model, and why (Chinese first, English in parentheses)."""
    if current is None:
        if problem is None:
            return True, "还没有模型文件，已写入新模型 (no model file yet; the new model was written)"
        return True, f"现有模型文件无法使用，已替换 (the current model file cannot be used: {problem}; replaced)"
    zh = f"新模型在最近 {held_out} 条留言上的宏平均 F1 为 {candidate.macro_f1:.3f}，现有模型为 {current.macro_f1:.3f}"
    en = (
        f"on the {held_out} most recent cases the new model's macro-F1 is {candidate.macro_f1:.3f}, "
        f"the current model's {current.macro_f1:.3f}"
    )
    gap = current.macro_f1 - candidate.macro_f1
    if gap <= tolerance + 1e-9:  # "not lower by more than": equal differences pass despite rounding
        return (
            True,
            f"{zh}，不比现有模型低 {tolerance:g} 以上，已替换 ({en}: not lower by more than {tolerance:g}; replaced)",
        )
    lower = f"低了 {gap:.3f}（容差 {tolerance:g}）"
    lower_en = f"{gap:.3f} lower (tolerance {tolerance:g})"
    if force:
        return True, f"{zh}，{lower}，但按要求强制替换 ({en}: {lower_en}; replaced because forced)"
    return False, (
        f"{zh}，{lower}，保留现有模型，文件未改动 "
        f"({en}: {lower_en}; the current model was kept and its file left unchanged)"
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
