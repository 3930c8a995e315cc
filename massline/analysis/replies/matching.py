"""Which sentences of a reply answer which demand of the message.

A reply sentence answers a demand when it shares enough of what is specific to the demand.
Each shared content word (bigram) weighs 1 when it is of the demand's own text, 0.75 when of
the narrative before it (its context) — and for a demand with fewer than six words of its own and
context ("请问何时修复？") the words of the demand before it and of the title 0.75 —, half that
when another demand of the same message has it too (so a sentence about the street lamp does not
answer the demand about the rubbish), times its :func:`~massline.analysis.replies.rarity.rarity`
(the words every message and reply share count little). A sentence answers a demand when it
shares at least two specific words of it (rarity at least :data:`SPECIFIC`), its weight for it
is at least :data:`MIN_WEIGHT` and at least 60 % of its best weight over the message's demands.
Greetings, thanks, date lines and the sentence that restates the message ("您反映的“…”问题")
answer nothing.

Referral counts as an answer: a sentence that hands the matter on (转交, 请向…咨询,
不属于…职责, 可通过诉讼) answers the demands it is about, and a referral about
none of them in particular answers every demand the reply is about (the whole matter is
referred; a short reply that does nothing but refer and names none refers them all) — unless
it only offers further contact (如您还有疑问，可向…咨询).
"""

from __future__ import annotations

import re

from massline.analysis.replies.demands import split_reply
from massline.analysis.replies.rarity import rarities
from massline.analysis.replies.text import bigrams, is_boilerplate
from massline.analysis.replies.types import Demand, DemandMatch

#: The least weight of shared words for a sentence to answer a demand.
MIN_WEIGHT = 1.5
#: A shared word at least this rare (:func:`rarity`: in at most about 2 % of messages and
#: replies) makes the sentence about the demand; without one, shared words count nothing.
SPECIFIC = 0.6
_SHARE_OF_BEST = 0.6
_FEW_WORDS = 6
_SHORT_REFERRAL = 2
_SPECIFIC_WORDS = 2

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
    rare = rarities().get
    own = [bigrams(d.text) for d in demands]
    topics = [o | bigrams(d.context) for o, d in zip(own, demands, strict=True)]
    result = []
    for i, (mine, topic) in enumerate(zip(own, topics, strict=True)):
        others = set().union(*(t for j, t in enumerate(topics) if j != i))
        weights = {g: (1.0 if g in mine else 0.75) * (0.5 if g in others else 1.0) * rare(g, 1.0) for g in topic}
        if len(topic) < _FEW_WORDS:  # few words of its own: the demand before it and the title say what about
            borrowed = bigrams(title) | (bigrams(demands[i - 1].text) if i else frozenset())
            weights = {g: 0.75 * rare(g, 1.0) for g in borrowed} | weights
        result.append(weights)
    return result


def _weight(weights: dict[str, float], grams: frozenset[str]) -> float:
    """The weight of the words a sentence shares with a demand; 0 unless one of them is
    specific (its :func:`rarity` at least :data:`SPECIFIC`): common words alone answer nothing."""
    shared = grams & weights.keys()
    if len(shared) < _SPECIFIC_WORDS:
        return 0.0
    rare = rarities().get
    specific = sum(1 for g in shared if rare(g, 1.0) >= SPECIFIC)
    return sum(weights[g] for g in shared) if specific >= _SPECIFIC_WORDS else 0.0


def sentence_weights(demands: list[Demand], reply_sentences: list[str], title: str = "") -> list[list[float]]:
    """For each reply sentence, its weight for each demand (0 for boilerplate and restatements)."""
    weights = _weights(demands, title)
    rows = []
    for sentence in reply_sentences:
        if is_boilerplate(sentence) or (_RESTATES.search(sentence) and len(sentence) < 80):
            rows.append([0.0] * len(demands))
            continue
        grams = bigrams(sentence)
        rows.append([_weight(w, grams) for w in weights])
    return rows


def _referred_whole(demands: list[Demand], title: str, reply: str, sentences: list[str]) -> list[bool]:
    """Which demands a referral about none of them in particular refers: those the reply as a
    whole is about — it shares, anywhere (its restatement of the message too), specific words of
    the demand weighing :data:`MIN_WEIGHT` —, and every demand when the reply is about none of
    them but does nothing else than refer (at most :data:`_SHORT_REFERRAL` substantive sentences)."""
    words = bigrams(reply)
    about = [_weight(w, words) >= MIN_WEIGHT for w in _weights(demands, title)]
    if not any(about) and sum(1 for s in sentences if not is_boilerplate(s)) <= _SHORT_REFERRAL:
        return [True] * len(demands)
    return about


def match_demands(demands: list[Demand], reply: str, *, title: str = "") -> list[DemandMatch]:
    """For each demand, the indexes (in ``split_reply(reply)``) of the reply sentences
    that answer it or refer it elsewhere; ``referred`` when only referrals do. ``title``,
    the message's title, tells what a demand with few words of its own is about."""
    texts = [s for _, _, s in split_reply(reply)]
    rows = sentence_weights(demands, texts, title)
    answers: list[list[int]] = [[] for _ in demands]
    referrals: list[list[int]] = [[] for _ in demands]
    blanket: list[int] = []  # referrals about none of the demands in particular
    for index, (sentence, row) in enumerate(zip(texts, rows, strict=True)):
        best = max(row, default=0.0)
        referral = bool(REFERRAL.search(sentence)) and not is_boilerplate(sentence)
        if referral and best < 1.0 and not _OFFER.search(sentence):
            blanket.append(index)
        for d, weight in enumerate(row):
            if weight >= MIN_WEIGHT and weight >= _SHARE_OF_BEST * best:
                (referrals if referral else answers)[d].append(index)
            elif referral and weight >= 1.0 and weight >= _SHARE_OF_BEST * best:
                referrals[d].append(index)
    if blanket:  # the whole matter is referred: every demand the reply is about
        whole = _referred_whole(demands, title, reply, texts)
        referrals = [sorted(set(r) | set(blanket)) if w else r for r, w in zip(referrals, whole, strict=True)]
    return [
        DemandMatch(d, tuple(sorted(a + r)), referred=bool(r) and not a)
        for d, a, r in zip(demands, answers, referrals, strict=True)
    ]
