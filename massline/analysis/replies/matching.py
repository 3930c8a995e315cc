"""Which sentences of a reply answer which demand of the message.

A reply sentence answers a demand when it shares enough of the demand's content
words (bigrams): a word of the demand's own text weighs 1, a word of the narrative
before it (its context) 0.75 — and for a demand with fewer than six words of its own and
context ("请问何时修复？") the words of the demand before it and of the title 0.75 —, and a word that another demand
of the same message has too counts half — so a sentence about the street lamp does
not answer the demand about the rubbish. A sentence answers a demand when its weight
for it is at least :data:`MIN_WEIGHT` and at least 60 % of its best weight over the
message's demands. Greetings, thanks, date lines and the sentence that restates the
message ("您反映的“…”问题") answer nothing.

Referral counts as an answer: a sentence that hands the matter on (转交, 请向…咨询,
不属于…职责, 可通过诉讼) answers the demands it is about, and a referral about
none of them in particular answers every demand (the whole message is referred) —
unless it only offers further contact (如您还有疑问，可向…咨询).
"""

from __future__ import annotations

import re

from massline.analysis.replies.demands import split_reply
from massline.analysis.replies.text import bigrams, is_boilerplate
from massline.analysis.replies.types import Demand, DemandMatch

#: The least weight of shared words for a sentence to answer a demand.
MIN_WEIGHT = 3.0
_SHARE_OF_BEST = 0.6
_FEW_WORDS = 6

REFERRAL = re.compile(
    r"转交|转至|转办|转送|移交|交由|请(?:您)?(?:直接)?(?:向|到|与|拨打|致电|联系)|可(?:直接)?(?:向|到|与|拨打|致电|联系)|"
    r"建议您?(?:向|到|通过|咨询|拨打|联系|依法)|不属于.{0,16}(?:职责|职能|范围|管辖|受理)|不在.{0,12}(?:职责|职能|范围)|"
    r"(?:由|归).{1,14}(?:负责|主管|管辖)|依法(?:向|通过)|诉讼|仲裁|信访渠道"
)
_OFFER = re.compile(r"如(?:您|你)?(?:还|仍|另|对)?有|如需|若有|若需|欢迎|随时")
_RESTATES = re.compile(
    r"(?:反映|留言|来信|咨询|投诉|提出)(?:的)?[“\"「《『]|(?:您|你)(?:在|于).{0,30}(?:反映|留言|咨询)(?:的)?"
)


def _weights(demands: list[Demand], title: str) -> list[dict[str, float]]:
    own = [bigrams(d.text) for d in demands]
    topics = [o | bigrams(d.context) for o, d in zip(own, demands, strict=True)]
    result = []
    for i, (mine, topic) in enumerate(zip(own, topics, strict=True)):
        others = set().union(*(t for j, t in enumerate(topics) if j != i))
        weights = {g: (1.0 if g in mine else 0.75) * (0.5 if g in others else 1.0) for g in topic}
        if len(topic) < _FEW_WORDS:  # few words of its own: the demand before it and the title say what about
            borrowed = bigrams(title) | (bigrams(demands[i - 1].text) if i else frozenset())
            weights = {g: 0.75 for g in borrowed} | weights
        result.append(weights)
    return result


def sentence_weights(demands: list[Demand], reply_sentences: list[str], title: str = "") -> list[list[float]]:
    """For each reply sentence, its weight for each demand (0 for boilerplate and restatements)."""
    weights = _weights(demands, title)
    rows = []
    for sentence in reply_sentences:
        if is_boilerplate(sentence) or (_RESTATES.search(sentence) and len(sentence) < 80):
            rows.append([0.0] * len(demands))
            continue
        grams = bigrams(sentence)
        rows.append([sum(w.get(g, 0.0) for g in grams) for w in weights])
    return rows


def match_demands(demands: list[Demand], reply: str, *, title: str = "") -> list[DemandMatch]:
    """For each demand, the indexes (in ``split_reply(reply)``) of the reply sentences
    that answer it or refer it elsewhere; ``referred`` when only referrals do. ``title``,
    the message's title, tells what a demand with few words of its own is about."""
    texts = [s for _, _, s in split_reply(reply)]
    rows = sentence_weights(demands, texts, title)
    answers: list[list[int]] = [[] for _ in demands]
    referrals: list[list[int]] = [[] for _ in demands]
    for index, (sentence, row) in enumerate(zip(texts, rows, strict=True)):
        best = max(row, default=0.0)
        referral = bool(REFERRAL.search(sentence)) and not is_boilerplate(sentence)
        for d, weight in enumerate(row):
            if weight >= MIN_WEIGHT and weight >= _SHARE_OF_BEST * best:
                (referrals if referral else answers)[d].append(index)
            elif referral and (
                (best < 1.0 and not _OFFER.search(sentence)) or (weight >= 1.0 and weight >= _SHARE_OF_BEST * best)
            ):
                referrals[d].append(index)
    return [
        DemandMatch(d, tuple(sorted(a + r)), referred=bool(r) and not a)
        for d, a, r in zip(demands, answers, referrals, strict=True)
    ]
