"""Urgency of a message: does it describe danger to people that cannot wait?

Lexicon-based and explainable.  Each *signal* (fire, gas leak, collapse, ...)
has trigger words with a weight in 0..1 — roughly "how likely is a message
using this word to need same-day action".  For every occurrence:

* **negated** (``没有安全隐患``, ``未发现漏气``, ``防止火灾``) — weight × 0.1;
* **hedged** (``一旦起火``, ``如果坍塌``, ``火灾隐患``, ``担心触电``) — weight × 0.5
  (a feared possibility is a hazard to fix, not an emergency); hedges count
  anywhere earlier in the sentence, or right after the trigger (``有可能``);
* **past** (``去年``, ``之前``, ``曾经``, ``2017年`` earlier in the sentence) —
  weight × 0.7;
* **immediacy** words in the same clause (``正在``, ``刚刚``, ``马上``, ``紧急``,
  ``随时``...) — weight × 1.25, capped at 1.

A trigger counts only on a word boundary of the jieba segmentation (``轻生``
is not in ``减轻生产``).  A signal's strength is its strongest occurrence plus
0.1 for each further distinct word of the same signal (capped at 1).  The
message score combines signals, strongest first, each further one counting
half as much as the one before: ``1 − (1 − s1)(1 − s2/2)(1 − s3/4)…`` — so a
long letter listing many grievances does not add up to an emergency.  Levels:
``urgent`` ≥ 0.75 *and* at least one *current* factual occurrence (not negated,
hedged or past) of effective weight ≥ 0.85 — feared possibilities, past events
and mid-weight words (拖欠工资, 殴打 without 正在/刚刚...) alone never make a
message urgent; ``elevated`` ≥ 0.4; else ``normal``.

Idioms that contain a trigger but mean something else (``救命钱``,
``跳楼价``, ``砍头息``, ``信息爆炸``) are ignored.

Calibrated by reading messages of the 2020 TipDM board: there, fire and
collapse words are mostly feared possibilities (``一旦失火``), self-harm words
are often other people's threats (``业主要去跳楼``) — still worth a human look,
hence they reach ``elevated``/``urgent`` rather than being dropped.  The
classifier only ranks for attention; it does not decide anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massline.analysis.text import Hit, TermMatcher, clause_bounds

__all__ = ["LEXICON", "Signal", "Urgency", "assess_urgency"]

URGENT_AT = 0.75
ELEVATED_AT = 0.4
NEGATED_FACTOR = 0.1
HEDGED_FACTOR = 0.5
PAST_FACTOR = 0.7
IMMEDIATE_FACTOR = 1.25
EXTRA_WORD_BONUS = 0.1
FACTUAL_FOR_URGENT = 0.85

# code -> (Chinese label, {word: weight})
LEXICON: dict[str, tuple[str, dict[str, float]]] = {
    "fire": ("火灾", {
        "着火": 0.9, "起火": 0.9, "失火": 0.9, "火灾": 0.7, "大火": 0.85, "火情": 0.9,
        "烧起来": 0.9, "冒烟": 0.6, "爆炸": 0.9, "浓烟": 0.8,
    }),
    "gas": ("燃气泄漏", {
        "燃气泄漏": 1.0, "煤气泄漏": 1.0, "天然气泄漏": 1.0, "液化气泄漏": 1.0,
        "漏气": 0.85,
        "煤气味": 0.85, "燃气味": 0.85, "煤气中毒": 1.0, "一氧化碳": 0.8,
        "有毒气体": 0.8,
        "毒气": 0.8, "化学品泄漏": 0.9,
    }),
    "collapse": ("坍塌", {
        "坍塌": 0.9, "倒塌": 0.9, "垮塌": 0.9, "塌方": 0.9, "塌陷": 0.8,
        "摇摇欲坠": 0.85,
        "山体滑坡": 0.9, "滑坡": 0.8, "泥石流": 0.9, "墙体开裂": 0.5, "裂缝": 0.3,
        "危房": 0.5,
        "高空坠物": 0.7, "外墙脱落": 0.6,
    }),
    "flood": ("水灾内涝", {
        "内涝": 0.6, "被淹": 0.8, "淹水": 0.7, "水淹": 0.7, "洪水": 0.8, "决堤": 1.0,
        "溃坝": 1.0, "漫堤": 0.9, "倒灌": 0.6, "爆管": 0.6, "积水": 0.25,
    }),
    "wage_arrears": ("拖欠工资", {
        "拖欠工资": 0.55, "欠薪": 0.55, "讨薪": 0.55, "拖欠农民工工资": 0.65,
        "农民工工资": 0.4,
        "拿不到工资": 0.55, "工资未发": 0.5, "工资没发": 0.5, "不发工资": 0.55,
        "血汗钱": 0.35,
    }),
    "self_harm": ("自伤风险", {
        "自杀": 0.9, "轻生": 0.9, "跳楼": 0.85, "不想活": 1.0, "活不下去": 0.9,
        "寻死": 0.9,
        "了结生命": 1.0, "喝农药": 0.9, "割腕": 1.0, "自焚": 1.0, "以死相逼": 0.8,
        "走投无路": 0.3,
    }),
    "crowd": ("群体事件", {
        "踩踏": 0.9, "群体性事件": 0.7, "集体上访": 0.45, "堵路": 0.5, "围堵": 0.5,
        "静坐": 0.45,
        "拉横幅": 0.45, "打横幅": 0.45, "游行": 0.45, "聚集": 0.25, "冲突": 0.4,
    }),
    "child_risk": ("未成年人风险", {
        "虐待儿童": 1.0, "虐童": 1.0, "孩子走失": 0.9, "儿童走失": 0.9, "孩子失踪": 1.0,
        "校园欺凌": 0.8, "霸凌": 0.75, "体罚": 0.55, "猥亵": 1.0, "性侵": 1.0,
        "溺水": 0.8,
        "童工": 0.7, "孩子被打": 0.85, "学生被打": 0.85,
    }),
    "elderly_risk": ("老人风险", {
        "老人走失": 0.9, "虐待老人": 1.0, "老人摔倒": 0.7, "独居老人": 0.4,
        "孤寡老人": 0.35,
        "瘫痪在床": 0.45, "无人照顾": 0.45, "无人赡养": 0.5,
    }),
    "safety_hazard": ("安全隐患", {
        "安全隐患": 0.3, "重大隐患": 0.5, "消防隐患": 0.4, "堵塞消防通道": 0.45,
        "占用消防通道": 0.4,
        "漏电": 0.6, "触电": 0.7, "电线裸露": 0.6, "井盖缺失": 0.6, "没有井盖": 0.6,
        "井盖丢失": 0.6,
        "电梯困人": 0.8, "困在电梯": 0.8, "电梯坠落": 0.9, "安全事故": 0.45,
        "危险化学品": 0.5,
        "随时可能发生": 0.4,
    }),
    "violence": ("暴力", {
        "殴打": 0.7, "打人": 0.65, "打伤": 0.8, "持刀": 0.9, "砍人": 1.0, "行凶": 0.9,
        "捅伤": 1.0,
        "家暴": 0.9, "家庭暴力": 0.9, "绑架": 1.0, "非法拘禁": 0.9, "威胁": 0.4,
        "恐吓": 0.5,
        "报复": 0.35, "黑恶势力": 0.4,
    }),
    "medical": ("医疗急症", {
        "昏迷": 0.9, "呼吸困难": 0.9, "病危": 0.9, "生命垂危": 1.0, "抢救": 0.6,
        "急救": 0.45,
        "救护车": 0.4, "食物中毒": 0.9, "中毒": 0.7, "大出血": 0.9, "休克": 0.9,
        "救命": 0.6,
    }),
}  # fmt: skip

# Phrases containing a trigger that are not danger.
IDIOMS = (
    "救命钱", "救命稻草", "救命恩人", "跳楼价", "跳楼大甩卖", "砍头息", "信息爆炸",
    "爆炸性",
    "防火门", "防火墙", "利益冲突", "时间冲突", "火灾险", "火灾保险", "消防安全检查",
    "中毒性",
    "游行示威法", "大爆炸", "爆炸场", "滑坡事件",
    "抢救费", "道德绑架", "急救费", "急救中心", "急救站", "救护车费",
)  # fmt: skip

IMMEDIACY = re.compile(r"正在|刚刚|刚才|马上|立即|立刻|紧急|十万火急|刻不容缓|人命关天|随时|现在|此刻|当前")

_MATCHER = TermMatcher(
    {word: weight for _, words in LEXICON.values() for word, weight in words.items()},
    IDIOMS,
)
_CODE_OF = {word: code for code, (_, words) in LEXICON.items() for word in words}


@dataclass(frozen=True)
class Signal:
    """One kind of danger found in a message, with the words that proved it."""

    code: str
    label: str
    strength: float
    words: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Urgency:
    """Urgency level, score in 0..1 and the signals behind it (strongest first).

    ``immediate``: at least one current, factual danger word (not negated, hedged or past) has an
    immediacy word (``正在``, ``马上``, ``随时``…) in its clause or the next — the danger is happening now.
    """

    level: str
    score: float
    signals: list[Signal] = field(default_factory=list)
    immediate: bool = False


def _occurrence_weight(text: str, hit: Hit) -> tuple[float, str, bool]:
    """The occurrence's effective weight, its note and whether an immediacy word stands in its clause or the
    next one (the danger, then the call for help)."""
    if hit.negated:
        return hit.weight * NEGATED_FACTOR, f"{hit.word}: 否定", False
    weight = hit.weight
    note = ""
    if hit.hedged:
        weight *= HEDGED_FACTOR
        note = f"{hit.word}: 假设/隐患"
    elif hit.past:
        weight *= PAST_FACTOR
        note = f"{hit.word}: 过去"
    left, right = clause_bounds(text, hit.start, hit.end)
    if IMMEDIACY.search(text, left, right):
        weight = min(1.0, weight * IMMEDIATE_FACTOR)
        note = (note + "; " if note else f"{hit.word}: ") + "紧迫"
    after = clause_bounds(text, right + 1, right + 1)[1] if right < len(text) else right
    return weight, note, IMMEDIACY.search(text, left, after) is not None  # …煤气味，请马上派人来


def assess_urgency(text: str) -> Urgency:
    """Assess how urgent ``text`` (title and body) is, with the evidence.

    >>> assess_urgency("楼道里有很浓的煤气味，请马上派人来").level
    'urgent'
    >>> assess_urgency("经检查没有安全隐患").level
    'normal'
    """
    per_code: dict[str, list[tuple[Hit, float, str]]] = {}
    factual = immediate = False
    for hit in _MATCHER.find(text):
        current = not (hit.negated or hit.hedged or hit.past)
        weight, note, now = _occurrence_weight(text, hit)
        factual = factual or (current and weight >= FACTUAL_FOR_URGENT)
        immediate = immediate or (current and now)
        per_code.setdefault(_CODE_OF[hit.word], []).append((hit, weight, note))

    signals: list[Signal] = []
    for code, occurrences in per_code.items():
        best = max(w for _, w, _ in occurrences)
        distinct = {h.word for h, w, _ in occurrences if w > NEGATED_FACTOR}
        strength = min(1.0, best + EXTRA_WORD_BONUS * max(0, len(distinct) - 1))
        signals.append(
            Signal(
                code=code,
                label=LEXICON[code][0],
                strength=round(strength, 3),
                words=list(dict.fromkeys(h.word for h, _, _ in occurrences)),
                spans=[(h.start, h.end) for h, _, _ in occurrences],
                notes=list(dict.fromkeys(n for _, _, n in occurrences if n)),
            )
        )
    signals.sort(key=lambda s: s.strength, reverse=True)

    remaining = 1.0
    for rank, signal in enumerate(signals):
        remaining *= 1.0 - signal.strength / (2**rank)
    score = round(1.0 - remaining, 3)
    if score >= URGENT_AT and factual:
        level = "urgent"
    elif score >= ELEVATED_AT:
        level = "elevated"
    else:
        level = "normal"
    return Urgency(level=level, score=score, signals=signals, immediate=immediate)
