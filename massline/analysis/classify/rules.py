"""The word rules (kind cues, urgency signals, intensity words) as answers and as features.

The rules of :mod:`~massline.analysis.classify.kind`,
:mod:`~massline.analysis.classify.urgency` and
:mod:`~massline.analysis.classify.sentiment` do not decide in the learned
model (:mod:`~massline.analysis.classify.learned`): their scores are a few
features among the character n-grams, and their words explain a decision.
:func:`rule_answers` maps them to the labels of the labelling guide
(``紧急/较急/一般``, ``平和/不满/愤怒``): the baseline the models are measured
against, and the answer when no model is available.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from massline.analysis.classify.kind import KINDS, KindGuess, guess_kind
from massline.analysis.classify.sentiment import Sentiment, sentiment_intensity
from massline.analysis.classify.urgency import Urgency, assess_urgency

__all__ = [
    "FEELINGS", "RULE_FEATURES", "TASK_LABELS", "URGENCIES", "RuleAnswers", "rule_answers", "rule_findings",
    "rule_matrix",
]  # fmt: skip

URGENCIES = ("紧急", "较急", "一般")
FEELINGS = ("平和", "不满", "愤怒")
#: The three labels each model predicts, in the order of the labelling guide.
TASK_LABELS: dict[str, tuple[str, ...]] = {"kind": KINDS, "urgency": URGENCIES, "feeling": FEELINGS}
URGENCY_OF_LEVEL = {"urgent": "紧急", "elevated": "较急", "normal": "一般"}
FEELING_OF_LEVEL = {"angry": "愤怒", "upset": "不满", "calm": "平和"}

#: Names of the rule features (columns of :func:`rule_matrix`), in Chinese for the evidence.
RULE_FEATURES: tuple[str, ...] = (
    *(f"类型规则：{k}" for k in KINDS),
    "紧急规则评分",
    "紧急规则：紧急",
    "紧急规则：较急",
    "情绪规则评分",
    "情绪规则：愤怒",
    "情绪规则：不满",
    "问号",
    "感叹号",
)


@dataclass(frozen=True)
class RuleAnswers:
    """What the rules say of one message: a label per task, the words behind each, and the feature row.

    ``danger_now``: the urgency rule saw a current danger marked as happening now (``Urgency.immediate``).
    """

    labels: dict[str, str]
    words: dict[str, list[str]]
    confidence: dict[str, float] = field(default_factory=dict)
    features: list[float] = field(default_factory=list)
    danger_now: bool = False


@lru_cache(maxsize=2048)
def rule_findings(title: str, body: str) -> tuple[KindGuess, Urgency, Sentiment]:
    """The three rules' findings on a message: ``guess_kind(body, title=title)``, then ``assess_urgency`` and
    ``sentiment_intensity`` of ``title + "\\n" + body``.

    Kept for the last 2,048 messages, so that the learned model (:func:`rule_answers`) and the pipeline's
    steps, which both need them for the same messages of a batch, compute them once. The answers are frozen
    dataclasses: read them, never change them.
    """
    text = f"{title}\n{body}"
    return guess_kind(body, title=title), assess_urgency(text), sentiment_intensity(text)


def rule_answers(title: str, body: str) -> RuleAnswers:
    """The rules' kind, urgency and feeling of a message (guide labels), their words and features.

    >>> rule_answers("举报某饭店无证经营", "噪音很大").labels["kind"]
    '举报'
    """
    text = f"{title}\n{body}"
    kind, urgency, feeling = rule_findings(title, body)
    urgency_words = [w for s in urgency.signals for w in s.words]
    features = [
        *(kind.scores.get(k, 0.0) for k in KINDS),
        urgency.score,
        float(urgency.level == "urgent"),
        float(urgency.level == "elevated"),
        feeling.score,
        float(feeling.level == "angry"),
        float(feeling.level == "upset"),
        min(text.count("？") + text.count("?"), 5) / 5,
        min(text.count("！") + text.count("!"), 5) / 5,
    ]
    return RuleAnswers(
        labels={
            "kind": kind.kind,
            "urgency": URGENCY_OF_LEVEL[urgency.level],
            "feeling": FEELING_OF_LEVEL[feeling.level],
        },
        words={"kind": list(kind.evidence), "urgency": urgency_words, "feeling": list(feeling.evidence)},
        confidence={"kind": kind.confidence, "urgency": urgency.score, "feeling": feeling.score},
        features=features,
        danger_now=urgency.immediate,
    )


def rule_matrix(answers: list[RuleAnswers]) -> np.ndarray:
    """The rule features of many messages as an ``(n, len(RULE_FEATURES))`` array."""
    if not answers:
        return np.zeros((0, len(RULE_FEATURES)))
    return np.asarray([a.features for a in answers], dtype=float)
