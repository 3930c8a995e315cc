"""Kind of a message: 投诉 / 求助 / 咨询 / 建言 / 表扬 / 举报.

Rule/lexicon based and explainable.  Each kind has cue words with weights;
every distinct cue found (not negated: ``不是投诉`` does not count) adds its
weight, doubled when it is in the title, because citizens usually name the
kind there (``咨询…``, ``举报…``).  The highest total wins; ties are broken in
the order 举报, 求助, 咨询, 建言, 表扬, 投诉 (the more specific kinds first).
Without any cue the message is a 投诉 (the board's dominant kind) with
confidence 0.3.  ``confidence = best / (sum of all totals + 0.5)``.

Evaluated in ``benchmarks/bench_analysis.py`` on real messages whose *title*
names the kind, predicting from the body alone (see docs/analysis.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from massline.analysis.text import TermMatcher

__all__ = ["KINDS", "KindGuess", "guess_kind"]

KINDS = ("投诉", "求助", "咨询", "建言", "表扬", "举报")
DEFAULT_KIND = "投诉"
DEFAULT_CONFIDENCE = 0.3
TITLE_FACTOR = 2.0
_TIE_ORDER = ("举报", "求助", "咨询", "建言", "表扬", "投诉")

CUES: dict[str, dict[str, float]] = {
    "咨询": {
        "咨询": 1.0, "请问": 0.8, "请教": 0.7, "想了解": 0.6, "问一下": 0.6,
        "怎么办理": 0.8,
        "如何办理": 0.8, "需要哪些": 0.6, "什么条件": 0.6, "哪些材料": 0.6,
        "是否": 0.35,
        "能否": 0.35, "可否": 0.35, "能不能": 0.3, "什么时候": 0.35, "何时": 0.35,
        "多久": 0.3,
        "怎么办": 0.25, "有没有": 0.2, "政策": 0.15, "规定": 0.1,
    },
    "建言": {
        "建议": 0.8, "提议": 0.8, "倡议": 0.7, "呼吁": 0.7, "献策": 0.8,
        "可以考虑": 0.6,
        "希望": 0.2, "增设": 0.4, "意见": 0.2,
    },
    "表扬": {
        "表扬": 1.0, "点赞": 1.0, "赞扬": 0.9, "致谢": 0.8, "感谢信": 1.0, "锦旗": 0.9,
        "好评": 0.6, "值得学习": 0.6, "认真负责": 0.5, "热情服务": 0.5,
        "为民办实事": 0.4,
        "感谢": 0.25,
    },
    "举报": {
        "举报": 1.0, "贪污": 0.9, "受贿": 0.9, "行贿": 0.9, "腐败": 0.8, "吃空饷": 0.8,
        "徇私": 0.7, "挪用": 0.6, "侵吞": 0.6, "包庇": 0.5, "黑恶": 0.5, "虚报": 0.5,
        "骗取": 0.5,
        "偷排": 0.5, "无证经营": 0.4, "违法": 0.3, "违规": 0.3, "非法": 0.3,
    },
    "求助": {
        "求助": 1.0, "求救": 0.9, "帮帮": 0.8, "请求帮助": 0.8, "救助": 0.8,
        "救济": 0.6,
        "生活困难": 0.6, "走投无路": 0.5, "帮我": 0.5, "帮助": 0.35, "困难": 0.25,
        "低保": 0.4,
    },
    "投诉": {
        "投诉": 1.0, "反映": 0.4, "扰民": 0.5, "乱收费": 0.5, "态度差": 0.5,
        "不作为": 0.5,
        "严重影响": 0.4, "维权": 0.4, "不合理": 0.3, "质量问题": 0.4, "噪音": 0.3,
        "拖欠": 0.3,
        "强制": 0.3,
    },
}  # fmt: skip

_KIND_OF = {word: kind for kind, words in CUES.items() for word in words}
_MATCHER = TermMatcher({w: wt for words in CUES.values() for w, wt in words.items()})


@dataclass(frozen=True)
class KindGuess:
    """The guessed kind, a confidence in 0..1, the cue words and per-kind totals."""

    kind: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


def guess_kind(text: str, title: str = "") -> KindGuess:
    """Guess the kind of a message from its body ``text`` and optional ``title``.

    >>> guess_kind("请问新生儿医保怎么办理？").kind
    '咨询'
    >>> guess_kind("噪音很大", title="举报某饭店无证经营").kind
    '举报'
    """
    best_weight: dict[str, float] = {}
    for source, factor in ((title, TITLE_FACTOR), (text, 1.0)):
        for hit in _MATCHER.find(source):
            if hit.negated:
                continue
            best_weight[hit.word] = max(best_weight.get(hit.word, 0.0), hit.weight * factor)
    scores = dict.fromkeys(KINDS, 0.0)
    for word, weight in best_weight.items():
        scores[_KIND_OF[word]] += weight
    scores = {k: round(v, 3) for k, v in scores.items()}
    total = sum(scores.values())
    if total == 0:
        return KindGuess(DEFAULT_KIND, DEFAULT_CONFIDENCE, [], scores)
    kind = max(_TIE_ORDER, key=lambda k: scores[k])
    evidence = sorted((w for w in best_weight if _KIND_OF[w] == kind), key=lambda w: -best_weight[w])
    return KindGuess(kind, round(scores[kind] / (total + 0.5), 3), evidence, scores)
