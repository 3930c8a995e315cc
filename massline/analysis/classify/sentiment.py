"""Emotional intensity of a message, from calm (0) to angry (1).

What we chose and why: a small, hand-written lexicon of *intensity* evidence
(anger words, "nobody handles it", "reported many times", rhetorical
questions, exclamation marks) rather than a polarity model.  The platform needs
"how strongly does this citizen feel, and why do we think so" for triage and
for the reply assistant's tone; it must not score opinions politically.
snownlp was not added: its sentiment model is trained on shopping reviews and
gives positive/negative *polarity* (a calm factual complaint and a furious one
both come out "negative"), it cannot say which words drove the score, and it
would be another dependency with a bundled model.  We did not measure it
against labels because there are none for intensity in the benchmark data.

Scoring: every distinct evidence word contributes its weight once (negated
ones such as ``并不愤怒`` a tenth of it); exclamation marks add 0.05
each (at most 0.3; polite ones such as ``您好！`` and ``谢谢！`` not
counted), a run of two or more adds 0.15; rhetorical-question
patterns (``难道…？``, ``凭什么``, ``…何在``) add their weight.  With ``E`` the
sum, ``score = E / (E + 1)`` — 0 without evidence, 0.5 at E = 1, approaching
1 — so one strong word is not "furious" but a letter full of them is.
Levels: ``angry`` ≥ 0.6, ``upset`` ≥ 0.3, ``calm`` below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massline.analysis.text import TermMatcher

__all__ = ["INTENSITY", "Sentiment", "sentiment_intensity"]

ANGRY_AT = 0.6
UPSET_AT = 0.3
NEGATED_FACTOR = 0.1
EXCLAMATION_EACH = 0.05
EXCLAMATION_CAP = 0.3
EXCLAMATION_RUN = 0.15

INTENSITY: dict[str, float] = {
    # anger and despair
    "愤怒": 0.5, "气愤": 0.5, "愤慨": 0.5, "义愤填膺": 0.6, "忍无可忍": 0.6,
    "欺人太甚": 0.6,
    "无法忍受": 0.45, "难以忍受": 0.4, "苦不堪言": 0.4, "怨声载道": 0.45, "寒心": 0.4,
    "心寒": 0.4,
    "绝望": 0.5, "极度失望": 0.5, "失望": 0.25, "无奈": 0.2, "憋屈": 0.35, "崩溃": 0.35,
    "无耻": 0.6, "可恶": 0.5, "卑鄙": 0.6, "黑心": 0.4, "嚣张": 0.4, "猖狂": 0.4,
    "骗子": 0.4,
    # nobody acts / runaround
    "无人管": 0.35, "没人管": 0.35, "无人问津": 0.35, "不管不问": 0.4, "投诉无门": 0.5,
    "求助无门": 0.5, "维权无门": 0.5, "申诉无门": 0.5, "举报无门": 0.5, "哭诉无门": 0.5,
    "不作为": 0.4, "乱作为": 0.4, "推诿": 0.35, "踢皮球": 0.4, "敷衍": 0.35,
    "搪塞": 0.35,
    "置之不理": 0.4, "置若罔闻": 0.4, "视而不见": 0.35, "石沉大海": 0.4,
    "一拖再拖": 0.35,
    "官官相护": 0.5,
    # repetition
    "多次反映": 0.3, "多次投诉": 0.3, "反复投诉": 0.35, "一再投诉": 0.35,
    "屡次投诉": 0.35,
    "再次反映": 0.25, "多次举报": 0.3, "多年未解决": 0.3, "至今未解决": 0.3,
    "至今没有解决": 0.3,
    # demands
    "强烈要求": 0.35, "强烈反对": 0.4, "强烈": 0.2, "严惩": 0.35, "彻查": 0.3,
    "严查": 0.25,
    "严重": 0.1, "非常严重": 0.2, "极其": 0.15, "坚决": 0.2,
    # rhetorical questions and appeals to justice
    "天理何在": 0.6, "良心何在": 0.5, "公道何在": 0.5, "王法何在": 0.6,
    "还有没有王法": 0.6,
    "还有没有天理": 0.6, "凭什么": 0.35, "难道": 0.2, "到底": 0.15, "究竟": 0.15,
    "为民做主": 0.25, "讨个说法": 0.3,
}  # fmt: skip

IDIOMS = ("严重程度",)
_MATCHER = TermMatcher(INTENSITY, IDIOMS)
_EXCLAMATION = re.compile(r"[！!]")
# Exclamation marks of politeness (您好！ 谢谢！) are not intensity.
_POLITE = re.compile(r"(?:您好|你好|领导好|大家好|谢谢|感谢|辛苦了|为感)[！!]+")
_EXCLAMATION_RUN = re.compile(r"[！!]{2,}")


@dataclass(frozen=True)
class Sentiment:
    """Intensity score in 0..1 (calm → angry), level and the evidence behind it."""

    score: float
    level: str
    evidence: list[str] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)


def sentiment_intensity(text: str) -> Sentiment:
    """Return how strongly ``text`` expresses anger or exasperation, with evidence.

    >>> sentiment_intensity("请问公交409路什么时候调整？").level
    'calm'
    >>> sentiment_intensity("多次投诉无人管，天理何在！！").level
    'angry'
    """
    components: dict[str, float] = {}
    for hit in _MATCHER.find(text):
        weight = hit.weight * (NEGATED_FACTOR if hit.negated else 1.0)
        components[hit.word] = max(components.get(hit.word, 0.0), weight)
    plain = _POLITE.sub("", text)
    exclamations = len(_EXCLAMATION.findall(plain))
    if exclamations:
        components["！"] = min(EXCLAMATION_CAP, EXCLAMATION_EACH * exclamations)
    if _EXCLAMATION_RUN.search(plain):
        components["！！"] = EXCLAMATION_RUN
    evidence_sum = sum(components.values())
    score = round(evidence_sum / (evidence_sum + 1.0), 3)
    level = "angry" if score >= ANGRY_AT else "upset" if score >= UPSET_AT else "calm"
    evidence = [w for w, v in sorted(components.items(), key=lambda kv: -kv[1]) if v > 0]
    return Sentiment(score=score, level=level, evidence=evidence, components=components)
